/**
 * Themes as data: the design tokens of theme.yaml (validated, positioned errors), the one template
 * language (Mustache: comments, partials from the theme folder only, script-like text runs nothing),
 * and no colour literal in any theme's files outside theme.yaml.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTheme } from '../src/theme/theme.js';
import { renderTemplate } from '../src/theme/template.js';
import { footerCss, pageSizePoints, resolveTokens, withTokens } from '../src/theme/tokens.js';
import { BriefpressError } from '../src/util/diagnostics.js';
import { labelsFor } from '../src/targets/epub/labels.js';
import { repoRoot, runCli } from './helpers/cli.js';

const base = path.join(repoRoot, 'tests/fixtures/broken/_base');
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'bp-theme-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A manuscript (the golden cases' base) with its own copy of a stock theme's files, changed by `edit`. */
function manuscriptWith(name: string, edit: (themeDir: string) => void): string {
  const dir = path.join(tmp, name);
  const ms = path.join(dir, 'manuscript');
  cpSync(base, ms, { recursive: true });
  const own = path.join(ms, 'theme', 'csis');
  mkdirSync(own, { recursive: true });
  edit(own);
  return dir;
}

function diagnosticsOf(f: () => unknown): { file: string; line: number; column: number; ruleId: string; message: string }[] {
  try {
    f();
  } catch (e) {
    if (e instanceof BriefpressError) return e.diagnostics;
    throw e;
  }
  throw new Error('expected a BriefpressError');
}

describe('the template language (Mustache)', () => {
  it('renders comments as nothing, partials from the theme, and script-like text as text: it runs nothing', () => {
    const marker = path.join(tmp, 'ran');
    const dir = manuscriptWith('hostile-template', (own) => {
      const page = readFileSync(path.join(repoRoot, 'templates/csis/page.html'), 'utf8').replace(
        '<main id="content">',
        [
          '{{! a comment the reader never sees }}',
          '{{> note}}',
          `<p class="t1"><%= process.exit(3) %> <% require('fs').writeFileSync(${JSON.stringify(marker)}, 'x') %></p>`,
          `<p class="t2">\${process.exit(4)} \${require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')}</p>`,
          '<p class="t3">[{{constructor.constructor}}][{{title.constructor}}][{{authors.constructor.constructor}}][{{__proto__}}]</p>',
          `<p class="t4">{{#constructor.constructor}}require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'){{/constructor.constructor}}</p>`,
          `<p class="t5">{{#authors.constructor.constructor}}process.exit(5){{/authors.constructor.constructor}}</p>`,
          '<main id="content">',
        ].join('\n'),
      );
      writeFileSync(path.join(own, 'page.html'), page);
      mkdirSync(path.join(own, 'partials'));
      writeFileSync(path.join(own, 'partials', 'note.html'), '<aside class="partial-note">From a partial: {{series}} {{! not shown }}</aside>\n');
    });
    const r = runCli(['build', 'manuscript', '--out', 'out', '--format', 'html'], { cwd: dir });
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(path.join(dir, 'out', 'sample', 'index.html'), 'utf8');
    expect(html).not.toContain('a comment the reader never sees');
    expect(html).not.toContain('{{');
    expect(html).toContain('<aside class="partial-note">From a partial: Test Questions </aside>');
    // Template text that is not a Mustache tag is text: copied as written (the serializer writes its `<` as `&lt;`), never evaluated.
    expect(html).toContain('<p class="t1">&lt;%= process.exit(3) %> &lt;% require(\'fs\')');
    expect(html).toContain('<p class="t2">${process.exit(4)}');
    expect(html).toContain('<p class="t3">[][][][]</p>');
    expect(html).toContain('<p class="t4"></p>');
    expect(html).toContain('<p class="t5"></p>');
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a partial that is a symlink out of the theme, and a partial name that climbs', () => {
    const secret = path.join(tmp, 'secret.html');
    writeFileSync(secret, 'SECRET-PARTIAL');
    const dir = manuscriptWith('partial-link', (own) => {
      writeFileSync(path.join(own, 'page.html'), readFileSync(path.join(repoRoot, 'templates/csis/page.html'), 'utf8').replace('<main id="content">', '{{> leak}}<main id="content">'));
      mkdirSync(path.join(own, 'partials'));
      symlinkSync(secret, path.join(own, 'partials', 'leak.html'));
    });
    const r = runCli(['build', 'manuscript', '--out', 'out', '--format', 'html'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/manuscript\/theme\/csis\/partials\/leak\.html(:\d+:\d+)?  error  .+  input-outside/);
    expect(existsSync(path.join(dir, 'out', 'sample', 'index.html'))).toBe(false);

    const d = diagnosticsOf(() => renderTemplate('a\n  {{> ../secret}}', {}, 'page.html', () => ({ text: 'x', file: 'p' })));
    expect(d).toMatchObject([{ file: 'page.html', line: 2, column: 3, ruleId: 'theme-template' }]);
  });

  it('positions a partial that does not parse in the partial, and refuses a partial that includes itself', () => {
    const parts: Record<string, string> = { a: 'one\n{{#x}}open', b: '{{> c}}', c: '{{> b}}' };
    const load = (n: string) => (n in parts ? { text: parts[n]!, file: `partials/${n}.html` } : undefined);
    expect(diagnosticsOf(() => renderTemplate('{{> a}}', {}, 'page.html', load))).toMatchObject([{ file: 'partials/a.html', line: 2, ruleId: 'theme-template' }]);
    expect(diagnosticsOf(() => renderTemplate('{{> b}}', {}, 'page.html', load))[0]!.message).toMatch(/Partial `b` includes itself/);
    expect(diagnosticsOf(() => renderTemplate('x {{> nope}}', {}, 'page.html', load))[0]).toMatchObject({ line: 1, column: 3, message: expect.stringMatching(/No partial `nope`/) });
  });
});

describe('design tokens (theme.yaml)', () => {
  const stock = readFileSync(path.join(repoRoot, 'templates/csis/theme.yaml'), 'utf8');

  function themeWith(name: string, yaml: string, files: Record<string, string> = {}) {
    const dir = manuscriptWith(name, (own) => {
      writeFileSync(path.join(own, 'theme.yaml'), yaml);
      for (const [f, text] of Object.entries(files)) writeFileSync(path.join(own, f), text);
    });
    return () => loadTheme('csis', path.join(dir, 'manuscript'));
  }

  it('writes every token as a custom property, before the stylesheet (after its imports)', () => {
    const theme = loadTheme('csis', base);
    expect(theme.design.css).toMatch(/--color-accent: #0065a6;/);
    expect(theme.design.css).toMatch(/--font-body: 'Source Serif 4';/);
    expect(theme.design.css).toMatch(/--page-size: letter;/);
    expect(theme.design.css).toMatch(/--qa-background: var\(--color-accent\);/);
    const css = withTokens('@charset "utf-8";\n@import "a.css";\nbody { color: var(--color-ink); }', theme.design);
    expect(css.indexOf('@import')).toBeLessThan(css.indexOf(':root'));
    expect(css.indexOf(':root')).toBeLessThan(css.indexOf('body {'));
    expect(resolveTokens('.q { background: var(--qa-background); color: var(--color-nope, #000); }', theme.design)).toBe('.q { background: #0065a6; color: #000; }');
    expect(theme.logo).toMatch(/^<svg[^>]*>/);
    expect(theme.logo).toContain('CSIS');
  });

  it('writes the footer pattern as page margin boxes, the brief\'s words as safe CSS strings', () => {
    const theme = loadTheme('csis', base);
    const css = footerCss(theme.design, { series: 'S', title: 'A "title" </style><script>', number: '1', publisher: 'P', date: 'D' });
    expect(css).toContain('@bottom-left { content: "S" "  |  " "A \\"title\\" \\3c /style>\\3c script>"; }');
    expect(css).toContain('@bottom-right { content: "Page " counter(page) " of " counter(pages); }');
    expect(css).toMatch(/@page :first \{ @bottom-left \{ content: none; \}/);
  });

  it('puts theme.yaml\'s messages instead of the stock words, for their language only', () => {
    const theme = themeWith('labels', `${stock}messages:\n  en:\n    notes: Endnotes\n`)();
    expect(labelsFor(theme, 'en-GB')).toMatchObject({ notes: 'Endnotes', contents: 'Contents' });
    expect(labelsFor(theme, 'fr')).toMatchObject({ notes: 'Notes', contents: 'Table des matières' });
  });

  it('gives the page size in points, for check', () => {
    expect(pageSizePoints('letter')).toEqual([612, 792]);
    expect(pageSizePoints('A4').map((v) => +v.toFixed(2))).toEqual([595.28, 841.89]);
    expect(pageSizePoints('A5 landscape').map((v) => +v.toFixed(2))).toEqual([595.28, 419.53]);
    expect(pageSizePoints('6in 9in')).toEqual([432, 648]);
  });

  it('is a positioned theme-schema error when a token is bad', () => {
    const bad = (from: string, to: string) => stock.replace(from, to);
    const colour = diagnosticsOf(themeWith('bad-colour', bad('accent: "#0065a6"', 'accent: "url(file:///etc/passwd)"')));
    expect(colour).toMatchObject([{ file: expect.stringMatching(/manuscript\/theme\/csis\/theme\.yaml$/), ruleId: 'theme-schema', message: expect.stringMatching(/`colors.accent` must be a colour/) }]);
    expect(colour[0]!.line).toBe(stock.split('\n').findIndex((l) => l.includes('accent: "#0065a6"')) + 1);

    const role = diagnosticsOf(themeWith('bad-role', bad('mono: Source Code Pro', 'mono: Comic Sans')));
    expect(role).toMatchObject([{ ruleId: 'theme-schema', message: expect.stringMatching(/`roles.mono` names `Comic Sans`, which is not a family of `fonts`/) }]);
    expect(role[0]!.line).toBe(stock.split('\n').findIndex((l) => l.includes('mono: Source Code Pro')) + 1);

    const page = diagnosticsOf(themeWith('bad-page', bad('size: letter', 'size: "letter; } body { background: url(x)"')));
    expect(page).toMatchObject([{ ruleId: 'theme-schema', message: expect.stringMatching(/`page.size` must be a page size/) }]);

    const footer = diagnosticsOf(themeWith('bad-footer', bad('left: "{series}  |  {title}"', 'left: "Page {pgae}"')));
    expect(footer).toMatchObject([{ ruleId: 'theme-schema', message: expect.stringMatching(/`footer.left` may use only the placeholders/) }]);

    const missing = diagnosticsOf(themeWith('no-accent', bad('  accent: "#0065a6"          # CSIS blue: series band, rules, links, Q labels\n', '')));
    expect(missing).toMatchObject([{ ruleId: 'theme-schema', message: expect.stringMatching(/needs the colour `accent`/) }]);

    const noLogo = diagnosticsOf(themeWith('no-logo', bad('logo: logo.svg', 'logo: mark.svg')));
    expect(noLogo).toMatchObject([{ ruleId: 'theme-schema', message: 'The theme has no file mark.svg' }]);

    const scriptLogo = diagnosticsOf(themeWith('script-logo', stock, { 'logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="1" height="1"/></svg>' }));
    expect(scriptLogo).toMatchObject([{ ruleId: 'theme-schema', message: expect.stringMatching(/The logo logo.svg holds <script>/) }]);
  });
});

describe('a theme that extends another', () => {
  it('takes the files it does not have from its base, and refuses a cycle at `extends`', () => {
    const dir = path.join(tmp, 'extends');
    const ms = path.join(dir, 'manuscript');
    cpSync(base, ms, { recursive: true });
    const stock = readFileSync(path.join(repoRoot, 'templates/csis/theme.yaml'), 'utf8');
    mkdirSync(path.join(ms, 'theme', 'house'), { recursive: true });
    writeFileSync(path.join(ms, 'theme', 'house', 'theme.yaml'), stock.replace('name: CSIS', 'name: House\nextends: csis').replace('"#0065a6"          # CSIS blue', '"#7a1f2b"          # house red'));
    writeFileSync(path.join(ms, 'theme', 'house', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="{{colors.accent}}"/></svg>');
    const theme = loadTheme('house', ms);
    expect(theme.design.vars.get('color-accent')).toBe('#7a1f2b');
    expect(theme.logo).toContain('fill="#7a1f2b"');
    expect(theme.path('page.html')).toBe(path.join(repoRoot, 'templates/csis/page.html'));
    expect(theme.path('logo.svg')).toBe(path.join(ms, 'theme/house/logo.svg'));

    mkdirSync(path.join(ms, 'theme', 'csis'), { recursive: true });
    writeFileSync(path.join(ms, 'theme', 'csis', 'theme.yaml'), stock.replace('name: CSIS', 'name: CSIS\nextends: house'));
    const d = diagnosticsOf(() => loadTheme('house', ms));
    expect(d).toMatchObject([{ file: expect.stringMatching(/theme\/csis\/theme\.yaml$/), ruleId: 'theme-schema', line: stock.split('\n').indexOf('name: CSIS') + 2, message: 'Theme `csis` extends `house`, which extends it back' }]);
  });
});

/** CSS colour keywords (CSS Color 4), `transparent` and `currentcolor` aside: those are not colours of a brand. */
const namedColours =
  'aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan darkgoldenrod darkgray darkgreen darkgrey darkkhaki darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon darkseagreen darkslateblue darkslategray darkslategrey darkturquoise darkviolet deeppink deepskyblue dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite gold goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan lightgoldenrodyellow lightgray lightgreen lightgrey lightpink lightsalmon lightseagreen lightskyblue lightslategray lightslategrey lightsteelblue lightyellow lime limegreen linen magenta maroon mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen mediumslateblue mediumspringgreen mediumturquoise mediumvioletred midnightblue mintcream mistyrose moccasin navajowhite navy oldlace olive olivedrab orange orangered orchid palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru pink plum powderblue purple rebeccapurple red rosybrown royalblue saddlebrown salmon sandybrown seagreen seashell sienna silver skyblue slateblue slategray slategrey snow springgreen steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke yellow yellowgreen'.split(' ');
const colourProperty = /(?:^|[\s;{"'])((?:background|border|outline|column-rule|text-decoration|text-emphasis|box-shadow|text-shadow|caret|accent|fill|stroke|stop|flood|lighting)(?:-[a-z-]+)?|color)\s*[:=]\s*["']?([^;}"'\n]*)/gi;

/** Colour literals in a theme file: #hex, rgb()/hsl()/hwb()/lab()/lch()/color(), and named colours in colour properties or attributes. */
function colourLiterals(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(/gi)) found.push(text.slice(m.index, m.index + 24));
  for (const m of text.matchAll(colourProperty)) {
    const value = m[2]!;
    if (/#[0-9a-f]{3,8}\b/i.test(value)) found.push(`${m[1]}: ${value}`);
    for (const word of value.toLowerCase().match(/[a-z]+/g) ?? []) if (namedColours.includes(word)) found.push(`${m[1]}: ${value}`);
  }
  return found;
}

describe('no colour outside theme.yaml', () => {
  it('finds no colour literal in any stock theme file but theme.yaml', () => {
    const themes = readdirSync(path.join(repoRoot, 'templates'), { withFileTypes: true }).filter((e) => e.isDirectory());
    expect(themes.map((t) => t.name)).toContain('csis');
    let files = 0;
    for (const t of themes) {
      const dir = path.join(repoRoot, 'templates', t.name);
      for (const f of readdirSync(dir, { recursive: true, withFileTypes: true })) {
        if (!f.isFile() || !/\.(css|html|svg|xhtml|mustache)$/.test(f.name)) continue;
        const file = path.join(f.parentPath, f.name);
        files++;
        expect(colourLiterals(readFileSync(file, 'utf8')), path.relative(repoRoot, file)).toEqual([]);
      }
    }
    expect(files).toBeGreaterThanOrEqual(6);
  });

  it('the grep itself finds what it should', () => {
    expect(colourLiterals('a { color: #fff; }')).toHaveLength(1);
    expect(colourLiterals('a { background: 0 0 / cover White; }')).toHaveLength(1);
    expect(colourLiterals('<rect fill="#0065a6"/>')).toHaveLength(1);
    expect(colourLiterals('a { box-shadow: 0 1px rgba(0,0,0,.2); }').length).toBeGreaterThan(0);
    expect(colourLiterals('a { color: var(--color-ink); border: 1px solid currentColor; white-space: nowrap; } <a href="#content">')).toEqual([]);
  });
});

describe('fonts as files of the theme (theme.yaml `files:`)', () => {
  const stock = readFileSync(path.join(repoRoot, 'templates/csis/theme.yaml'), 'utf8');
  const stockFonts = path.join(repoRoot, 'templates/csis/fonts');

  it('reads the woff2 files of the stock theme from its folder: the same files, ranges and bytes as the @fontsource package', () => {
    const theme = loadTheme('csis', base);
    expect(theme.fonts.length).toBeGreaterThan(50);
    for (const f of theme.fonts) {
      expect(f.path.startsWith(`${stockFonts}/`), f.path).toBe(true);
      expect(f.bytes?.equals(readFileSync(f.path))).toBe(true);
    }
    // `package:` still works, and gives what the folder gives (the folder is a copy of the package's files).
    const dir = manuscriptWith('fonts-package', (own) => writeFileSync(path.join(own, 'theme.yaml'), stock.replace('files: fonts/source-serif-4', 'package: "@fontsource/source-serif-4"')));
    const fromPackage = loadTheme('csis', path.join(dir, 'manuscript'));
    const serif = (fonts: typeof theme.fonts) => fonts.filter((f) => f.family === 'Source Serif 4');
    const pkg = serif(fromPackage.fonts);
    expect(pkg.length).toBe(30); // 3 weights x 2 styles x 5 subsets
    expect(pkg.every((f) => f.path.includes(`${path.sep}node_modules${path.sep}@fontsource${path.sep}source-serif-4${path.sep}`) && f.bytes === undefined)).toBe(true);
    const strip = (f: (typeof theme.fonts)[number]) => ({ href: f.href, family: f.family, weight: f.weight, style: f.style, subset: f.subset, unicodeRange: f.unicodeRange, bytes: readFileSync(f.path).toString('base64') });
    expect(serif(theme.fonts).map(strip)).toEqual(pkg.map(strip));
    // The Arabic script font is the theme's too, standing in for each family at its nearest weight.
    const arabic = theme.fontsForLanguage('ar').fonts.filter((f) => f.script === 'Noto Naskh Arabic');
    expect(arabic.map((f) => `${f.family} ${f.weight} ${f.style} ${path.basename(f.path)}`)).toContain('Source Sans 3 600 italic noto-naskh-arabic-arabic-600-normal.woff2');
    expect(arabic.every((f) => f.path.startsWith(`${stockFonts}/noto-naskh-arabic/`) && f.subset === 'arabic')).toBe(true);
  });

  it('takes a font file from the series\' copy of the theme first, file by file', () => {
    const dir = manuscriptWith('fonts-own', (own) => {
      writeFileSync(path.join(own, 'theme.yaml'), stock);
      mkdirSync(path.join(own, 'fonts/source-code-pro'), { recursive: true });
      cpSync(path.join(stockFonts, 'source-code-pro/source-code-pro-latin-400-normal.woff2'), path.join(own, 'fonts/source-code-pro/source-code-pro-latin-400-normal.woff2'));
    });
    const theme = loadTheme('csis', path.join(dir, 'manuscript'));
    const mono = theme.fonts.filter((f) => f.family === 'Source Code Pro');
    expect(mono.find((f) => f.subset === 'latin')!.path).toBe(path.join(dir, 'manuscript/theme/csis/fonts/source-code-pro/source-code-pro-latin-400-normal.woff2'));
    expect(mono.find((f) => f.subset === 'greek')!.path).toBe(path.join(stockFonts, 'source-code-pro/source-code-pro-greek-400-normal.woff2'));
  });

  it('is a positioned theme-schema error when a font folder, file or weight is not there, or the folder is not the theme\'s', () => {
    const lineOf = (text: string) => stock.split('\n').findIndex((l) => l.includes(text)) + 1;
    const themeWith = (name: string, yaml: string, edit?: (own: string) => void) => {
      const dir = manuscriptWith(name, (own) => {
        writeFileSync(path.join(own, 'theme.yaml'), yaml);
        edit?.(own);
      });
      return () => loadTheme('csis', path.join(dir, 'manuscript'));
    };
    const noFolder = diagnosticsOf(themeWith('font-no-folder', stock.replace('files: fonts/source-code-pro', 'files: fonts/source-code-prose')));
    expect(noFolder).toMatchObject([{ ruleId: 'theme-schema', line: lineOf('files: fonts/source-code-pro'), column: 12, message: 'The theme has no font folder fonts/source-code-prose (with the family\'s unicode.json)' }]);

    const outside = diagnosticsOf(themeWith('font-dotdot', stock.replace('files: fonts/source-code-pro', 'files: ../../../node_modules/@fontsource/source-serif-4/files')));
    expect(outside).toMatchObject([{ ruleId: 'theme-schema', line: lineOf('files: fonts/source-code-pro'), message: expect.stringMatching(/`fonts.2.files` must be a folder inside the theme/) }]);

    const both = diagnosticsOf(themeWith('font-both', stock.replace('files: fonts/source-code-pro', 'files: fonts/source-code-pro\n    package: "@fontsource/source-code-pro"')));
    expect(both).toMatchObject([{ ruleId: 'theme-schema', line: lineOf('- family: Source Code Pro'), message: '`fonts.2` must name one of `files` (a folder of the theme) or `package` (an npm package)' }]);

    const weight = diagnosticsOf(themeWith('font-weight', stock.replace('files: fonts/source-code-pro\n    weights: [400]', 'files: fonts/source-code-pro\n    weights: [400, 300]')));
    expect(weight).toMatchObject([{ ruleId: 'theme-schema', message: 'The font folder fonts/source-code-pro has no normal weight 300' }]);

    // A subset the theme ships and the family has (unicode.json) must be there: a missing file is not skipped silently.
    const noFile = diagnosticsOf(
      themeWith('font-no-file', stock.replace('files: fonts/source-code-pro', 'files: fonts/mono'), (own) => {
        mkdirSync(path.join(own, 'fonts/mono'), { recursive: true });
        cpSync(path.join(stockFonts, 'source-code-pro/unicode.json'), path.join(own, 'fonts/mono/unicode.json'));
        for (const sub of ['latin', 'latin-ext', 'cyrillic', 'cyrillic-ext']) cpSync(path.join(stockFonts, `source-code-pro/source-code-pro-${sub}-400-normal.woff2`), path.join(own, `fonts/mono/mono-${sub}-400-normal.woff2`));
      }),
    );
    expect(noFile).toMatchObject([{ ruleId: 'theme-schema', message: 'The font folder fonts/mono has no file mono-greek-400-normal.woff2 (subset greek, normal weight 400)' }]);

    const badMap = diagnosticsOf(
      themeWith('font-bad-map', stock.replace('files: fonts/source-code-pro', 'files: fonts/mono'), (own) => {
        mkdirSync(path.join(own, 'fonts/mono'), { recursive: true });
        writeFileSync(path.join(own, 'fonts/mono/unicode.json'), '{ "latin": ');
      }),
    );
    expect(badMap).toMatchObject([{ file: expect.stringMatching(/theme\/csis\/fonts\/mono\/unicode\.json$/), ruleId: 'theme-schema', message: expect.stringMatching(/^The font folder's unicode.json does not parse/) }]);

    const noArabic = diagnosticsOf(themeWith('font-no-script', stock.replace('files: fonts/noto-naskh-arabic', 'files: fonts/naskh')));
    expect(noArabic).toMatchObject([{ ruleId: 'theme-schema', line: lineOf('files: fonts/noto-naskh-arabic'), message: 'The theme has no font folder fonts/naskh (with the family\'s unicode.json)' }]);
  });

  it('refuses a font file that is a symlink out of the theme (never read), through the CLI', () => {
    const outsideFont = path.join(tmp, 'not-a-theme-font.woff2');
    cpSync(path.join(stockFonts, 'source-code-pro/source-code-pro-latin-400-normal.woff2'), outsideFont);
    const dir = manuscriptWith('font-symlink', (own) => {
      writeFileSync(path.join(own, 'theme.yaml'), stock);
      mkdirSync(path.join(own, 'fonts/source-code-pro'), { recursive: true });
      symlinkSync(outsideFont, path.join(own, 'fonts/source-code-pro/source-code-pro-latin-400-normal.woff2'));
    });
    const r = runCli(['build', 'manuscript', '--out', 'out', '--format', 'html'], { cwd: dir });
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/manuscript\/theme\/csis\/fonts\/source-code-pro\/source-code-pro-latin-400-normal\.woff2(:\d+:\d+)?  error  .*leads outside.*  input-outside/);
    expect(existsSync(path.join(dir, 'out', 'sample', 'index.html'))).toBe(false);
  });
});

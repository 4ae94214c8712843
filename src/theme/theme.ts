/**
 * Themes: a folder of templates, CSS and a theme.yaml naming its fonts. Looked up by name in the
 * series' own `theme/<name>/` first, then briefpress' `templates/<name>/`; a file in the series'
 * copy wins over the stock one (STYLE.md 4).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';
import { BriefpressError, EnvironmentError } from '../util/diagnostics.js';
import { isSymlink, readSource, realRoots, type SourceFile } from '../manuscript/source.js';
import { keyPosition, validateYaml } from '../config/validate.js';
import { displayPath, isInside } from '../util/paths.js';
import { sanitizeSvg } from '../util/svg.js';
import { renderTemplate } from './template.js';
import { makeDesign, tokenFields, type Design } from './tokens.js';

export { packageRoot } from '../util/package-root.js';
import { packageRoot } from '../util/package-root.js';

const themeSchema = z.object({
  name: z.string(),
  /** A theme this one builds on: a file this theme does not have is the base theme's (looked up the same way). */
  extends: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a theme name such as "csis"').optional(),
  /** Fonts from npm (@fontsource): never from the system, so every machine prints the same. */
  fonts: z.array(
    z.object({
      family: z.string(),
      /** An npm package name (@fontsource/...): fonts come from npm, never from a path. */
      package: z.string().regex(/^(@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/, 'must be an npm package name such as "@fontsource/source-serif-4"'),
      weights: z.array(z.number().int()),
      italic: z.boolean().default(false),
    }),
  ),
  /** Unicode subsets to ship (fontsource names: latin, latin-ext, cyrillic, greek ...). */
  subsets: z.array(z.string()).default(['latin']),
  /** Design tokens: publisher and logo, colours, fonts by role, page, footer, Q/A labels, labels (tokens.ts). */
  ...tokenFields,
});

export interface FontAsset {
  /** Absolute path of the woff2 file (inside an npm package). */
  path: string;
  /** Name inside an edition: `fonts/<file>.woff2`. */
  href: string;
  family: string;
  weight: number;
  style: 'normal' | 'italic';
  subset: string;
  unicodeRange: string;
}

export interface Theme {
  name: string;
  /** Folders searched for a file, the series' own first. */
  dirs: string[];
  fonts: FontAsset[];
  /** The design tokens of theme.yaml (src/theme/tokens.ts). */
  design: Design;
  /** The publisher's logo: the theme's SVG, its tokens filled in, made inert (markup to inline). */
  logo: string;
  /** Absolute path of a theme file (throws when no folder has it). */
  path(file: string): string;
  /** Text of a theme file. */
  read(file: string): string;
  /** Text of a theme file, or undefined. */
  maybeRead(file: string): string | undefined;
}

/** Where a theme is named (series.yaml's `theme:` line): a theme that cannot be loaded is reported there. */
export interface ThemeRef {
  file: string;
  line: number;
  column: number;
}

/**
 * Load a theme by name. A theme that is not found, or whose theme.yaml is broken, is a positioned
 * manuscript error (BriefpressError) at `at` or in theme.yaml; a theme file that is a symlink out of
 * the theme's folders, a folder, a FIFO ... is one too (src/manuscript/source.ts).
 */
export function loadTheme(name: string, seriesRoot: string, at?: ThemeRef, chain: string[] = []): Theme {
  const dirs = [path.join(seriesRoot, 'theme', name), path.join(packageRoot, 'templates', name)].filter((d) => existsSync(d));
  const fail = (message: string, ruleId: string, hint: string, where: ThemeRef = at ?? { file: displayPath(path.join(seriesRoot, 'series.yaml')), line: 0, column: 0 }): never => {
    throw new BriefpressError([{ ...where, severity: 'error', message, ruleId, hint }]);
  };
  // The series' own theme folder as a symlink to nothing would silently give the stock theme.
  const ownLink = path.join(seriesRoot, 'theme', name);
  if (!existsSync(ownLink) && isSymlink(ownLink)) {
    fail('The theme folder is a symlink to nothing', 'input-unreadable', 'Remove the link, or restore the folder it points to.', { file: displayPath(ownLink), line: 0, column: 0 });
  }
  if (dirs.length === 0) {
    const stock = readdirSync(path.join(packageRoot, 'templates'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    fail(`Theme \`${name}\` not found`, 'theme-missing', `Create ${displayPath(path.join(seriesRoot, 'theme', name))}/, or name a theme briefpress has: ${stock.join(', ')}.`);
  }
  const realDirs = realRoots(dirs);
  // The series' own theme folder belongs to the manuscript: it may not lead out of it either.
  const own = path.join(seriesRoot, 'theme', name);
  const [realOwn] = dirs.includes(own) ? realRoots([own]) : [];
  if (realOwn && !realRoots([seriesRoot]).some((r) => isInside(realOwn, r))) {
    fail(`The theme folder leads outside the manuscript (to ${realOwn})`, 'input-outside', 'Copy the theme into the manuscript instead of linking to it.', { file: displayPath(own), line: 0, column: 0 });
  }
  // A theme file may be a symlink only to a file inside the theme's folders. Each file is looked up
  // and read once per build (a theme is loaded per build): the same bytes serve every brief.
  const found = new Map<string, SourceFile | undefined>();
  const find = (file: string): SourceFile | undefined => {
    if (found.has(file)) return found.get(file);
    const p = dirs.map((d) => path.join(d, file)).find((f) => existsSync(f) || isSymlink(f));
    let source: SourceFile | undefined;
    if (p) {
      const r = readSource(p, realDirs, `theme file ${file}`, "the theme's folder");
      if (!r.ok) throw new BriefpressError([r.diagnostic]);
      source = r.file;
    }
    found.set(file, source);
    return source;
  };
  const cfg = find('theme.yaml');
  if (!cfg) fail(`Theme \`${name}\` has no theme.yaml`, 'theme-schema', 'Copy templates/csis/theme.yaml into the theme folder and adapt it.');
  const text = cfg!.bytes.toString('utf8');
  const yaml = { file: displayPath(cfg!.path), text, offset: 0, yaml: text };
  const v = validateYaml(yaml, themeSchema, 'theme-schema');
  if (!v.ok) throw new BriefpressError(v.diagnostics);
  if (v.value.extends) {
    const where = { file: yaml.file, ...keyPosition(yaml, v.doc, ['extends']) };
    if ([...chain, name].includes(v.value.extends)) fail(`Theme \`${name}\` extends \`${v.value.extends}\`, which extends it back`, 'theme-schema', 'A theme may build on another, never on itself.', where);
    // The base theme's folders come after this theme's: a file of this theme wins, file by file.
    const base = loadTheme(v.value.extends, seriesRoot, where, [...chain, name]);
    for (const d of base.dirs) {
      if (dirs.includes(d)) continue;
      dirs.push(d);
      realDirs.push(...realRoots([d]));
    }
  }
  const fonts = resolveFonts(v.value.fonts, v.value.subsets, (i, message, hint) => fail(message, 'theme-schema', hint, { file: yaml.file, ...keyPosition(yaml, v.doc, ['fonts', ...i]) }));
  const failAt = (at: (string | number)[], message: string, hint: string): never => fail(message, 'theme-schema', hint, { file: yaml.file, ...keyPosition(yaml, v.doc, at) });
  const design = makeDesign(v.value, v.value.fonts.map((f) => f.family), failAt);
  const logo = readLogo(design, find, failAt);
  return {
    name,
    dirs,
    fonts,
    design,
    logo,
    path(file) {
      const f = find(file);
      if (!f) throw new EnvironmentError(`Theme \`${name}\` has no file ${file}`, `Add ${file} to ${dirs[0]}.`);
      return f.path;
    },
    read(file) {
      this.path(file); // the error of a missing file
      return find(file)!.bytes.toString('utf8');
    },
    maybeRead(file) {
      return find(file)?.bytes.toString('utf8');
    },
  };
}

/**
 * The logo: an SVG file of the theme, rendered as a template with the tokens (`{{colors.accent}}`,
 * `{{fonts.ui}}`) so that it holds no colour of its own, then made inert like any SVG image.
 */
function readLogo(design: Design, find: (file: string) => SourceFile | undefined, fail: (at: (string | number)[], message: string, hint: string) => never): string {
  const file = find(design.logoFile);
  if (!file) fail(['publisher', 'logo'], `The theme has no file ${design.logoFile}`, 'Put the logo (an SVG file) in the theme folder and name it here.');
  const svg = renderTemplate(file!.bytes.toString('utf8'), { colors: design.colors, fonts: design.fonts, publisher: design.publisher }, displayPath(file!.path));
  const safe = sanitizeSvg(new TextEncoder().encode(svg));
  if (!safe.ok) fail(['publisher', 'logo'], `The logo ${design.logoFile} ${safe.reason}`, 'Draw the logo as a plain SVG file (shapes and text, no script, nothing fetched).');
  if (safe.ok && safe.removed.length > 0) fail(['publisher', 'logo'], `The logo ${design.logoFile} holds ${safe.removed.join(', ')}`, 'A logo is shapes and text only: remove what runs or fetches.');
  return Buffer.from((safe as { data: Uint8Array }).data).toString('utf8').replace(/^\s*<\?xml[^>]*\?>\s*/, '').trim();
}

const require = createRequire(import.meta.url);

/** Read the fontsource package's own CSS to learn file names and unicode ranges per subset. */
function resolveFonts(
  fonts: z.infer<typeof themeSchema>['fonts'],
  subsets: string[],
  fail: (at: (string | number)[], message: string, hint: string) => never,
): FontAsset[] {
  const out: FontAsset[] = [];
  for (const [i, f] of fonts.entries()) {
    let pkgDir: string;
    try {
      pkgDir = path.dirname(require.resolve(`${f.package}/400.css`, { paths: [packageRoot] }));
    } catch {
      throw new EnvironmentError(`Font package ${f.package} is not installed`, `Run \`npm install ${f.package}\`.`);
    }
    for (const [j, weight] of f.weights.entries()) {
      for (const style of f.italic ? (['normal', 'italic'] as const) : (['normal'] as const)) {
        const cssFile = path.join(pkgDir, `${weight}${style === 'italic' ? '-italic' : ''}.css`);
        if (!existsSync(cssFile)) fail([i, 'weights', j], `The font package ${f.package} has no ${style} weight ${weight}`, `Use a weight it ships (see ${displayPath(pkgDir)}).`);
        const css = readFileSync(cssFile, 'utf8');
        for (const block of css.split('@font-face').slice(1)) {
          const file = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(block)?.[1];
          const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
          if (!file || !range) continue;
          const sub = subsets.find((s) => file.includes(`-${s}-${weight}-`));
          if (!sub) continue;
          out.push({ path: path.join(pkgDir, 'files', file), href: `fonts/${file}`, family: f.family, weight, style, subset: sub, unicodeRange: range.trim() });
        }
      }
    }
  }
  return out;
}

/** The theme's fonts whose unicode range covers some character of `text` (latin always). */
export function fontsFor(theme: Theme, text: string): FontAsset[] {
  const seen = new Set<number>();
  for (const ch of text) seen.add(ch.codePointAt(0)!);
  const codes = [...seen];
  return theme.fonts.filter((f) => f.subset === 'latin' || rangesOf(f.unicodeRange).some(([a, b]) => codes.some((c) => c >= a && c <= b)));
}

const ranges = new Map<string, [number, number][]>();

function rangesOf(range: string): [number, number][] {
  let r = ranges.get(range);
  if (!r) ranges.set(range, (r = parseRanges(range)));
  return r;
}

function parseRanges(range: string): [number, number][] {
  return range.split(',').map((r) => {
    const [a, b] = r.trim().replace(/^U\+/i, '').split('-');
    const lo = parseInt(a!.replace(/\?/g, '0'), 16);
    const hi = b ? parseInt(b, 16) : parseInt(a!.replace(/\?/g, 'F'), 16);
    return [lo, hi] as [number, number];
  });
}

/** @font-face rules for a chosen set of fonts. */
export function fontFaceCss(fonts: FontAsset[], prefix = ''): string {
  return fonts
    .map(
      (f) =>
        `@font-face {\n  font-family: '${f.family}';\n  font-style: ${f.style};\n  font-weight: ${f.weight};\n  font-display: block;\n` +
        `  src: url(${prefix}${f.href}) format('woff2');\n  unicode-range: ${f.unicodeRange};\n}\n`,
    )
    .join('\n');
}


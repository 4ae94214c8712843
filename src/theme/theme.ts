/**
 * Themes: a folder of templates, CSS and a theme.yaml naming its fonts. Looked up by name in the
 * series' own `theme/<name>/` first, then briefpress' `templates/<name>/`; a file in the series'
 * copy wins over the stock one (STYLE.md 4).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod/v4';
import { BriefpressError, EnvironmentError } from '../util/diagnostics.js';
import { isSymlink, readSource, realRoots, type SourceFile } from '../manuscript/source.js';
import { keyPosition, validateYaml } from '../config/validate.js';
import { displayPath, isInside } from '../util/paths.js';
import { sanitizeSvg } from '../util/svg.js';
import { readCached } from '../util/files.js';
import { renderTemplate } from './template.js';
import { makeDesign, tokenFields, type Design } from './tokens.js';

import { packageRoot } from '../util/package-root.js';
import { messageOverridesSchema, type MessageOverrides } from '../i18n/messages.js';

export { packageRoot };

/** The CSL styles briefpress ships in src/targets/cite/csl/ (a theme names one of these or ships its own .csl). */
export const bundledCslStyles = ['apa', 'vancouver', 'harvard1'];

/** An npm package name (a font package the theme names). */
const packageName = (example: string) => z.string().regex(/^(@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/, `must be an npm package name such as "${example}"`);

/** A folder of the theme, relative, without `..`: `fonts/source-serif-4`. */
const fontFolder = z.string().regex(/^(?!\.\.?(?:\/|$))(?!.*\/\.\.?(?:\/|$))[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/, 'must be a folder inside the theme such as "fonts/source-serif-4"');

/** A font comes from one place: a folder of the theme or an npm package. */
const oneSource = (f: { files?: string; package?: string }): boolean => (f.files === undefined) !== (f.package === undefined);
const oneSourceMessage = {
  message: 'must name one of `files` (a folder of the theme) or `package` (an npm package)',
  // Only for an entry whose fields are valid: an invalid `files` is reported as that, not as missing.
  when: (payload: { issues: unknown[] }) => payload.issues.length === 0,
};

const themeSchema = z.object({
  name: z.string(),
  /** A theme this one builds on: a file this theme does not have is the base theme's (looked up the same way). */
  extends: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a theme name such as "csis"').optional(),
  /**
   * Fonts: a folder of the theme (`files`) or an npm package (`package`, @fontsource): never from
   * the system, so every machine prints the same.
   */
  fonts: z.array(
    z
      .object({
        family: z.string(),
        /** A folder inside the theme holding fontsource-named woff2 files and fontsource's unicode.json. */
        files: fontFolder.optional(),
        /** An npm package name (@fontsource/...). */
        package: packageName('@fontsource/source-serif-4').optional(),
        weights: z.array(z.number().int()),
        italic: z.boolean().default(false),
      })
      .refine(oneSource, oneSourceMessage),
  ),
  /** Unicode subsets to ship (fontsource names: latin, latin-ext, cyrillic, greek ...). */
  subsets: z.array(z.string()).default(['latin']),
  /**
   * Fonts for scripts the theme's own fonts do not cover, picked by the brief's language. Each stands
   * in for the theme's families (under their names) for the characters it covers, so every
   * stylesheet keeps its font stacks. A folder of the theme, or a package the series' project
   * installs (CJK fonts are large).
   */
  scripts: z
    .array(
      z
        .object({
          /** Language tags (primary subtag, or a full tag) whose briefs need this font: `[ar, fa]`. */
          languages: z.array(z.string().regex(/^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$/, 'must be a BCP 47 language tag such as "ar"')).min(1),
          family: z.string(),
          files: fontFolder.optional(),
          package: packageName('@fontsource/noto-naskh-arabic').optional(),
          /** Fontsource subsets to use; default: all the font has except those of the theme's own fonts. */
          subsets: z.array(z.string()).optional(),
        })
        .strict()
        .refine(oneSource, oneSourceMessage),
    )
    .default([]),
  /** Message overrides per language (src/i18n/messages/<lang>.yaml has every key). */
  messages: messageOverridesSchema.optional(),
  /** Issue #15: the CSL style of "Cite this brief": a file `csl/<name>.csl` of the theme, or one briefpress ships (apa, vancouver, harvard1). */
  citationStyle: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a CSL style name such as "chicago-author-date"').default('chicago-author-date'),
  /** Design tokens: publisher and logo, colours, fonts by role, page, footer, Q/A labels, labels (tokens.ts). */
  ...tokenFields,
});

export interface FontAsset {
  /** Absolute path of the woff2 file (in a font folder of the theme, or an npm package). */
  path: string;
  /** A theme file's bytes, read through the source reader (fontBytes() reads either). */
  bytes?: Buffer;
  /** Name inside an edition: `fonts/<file>.woff2`. */
  href: string;
  family: string;
  weight: number;
  style: 'normal' | 'italic';
  subset: string;
  unicodeRange: string;
  /** For a script font standing in for a theme family: its own family name. */
  script?: string;
}

export interface Theme {
  name: string;
  /** Folders searched for a file, the series' own first. */
  dirs: string[];
  fonts: FontAsset[];
  /** The theme's message overrides (theme.yaml `messages:`). */
  messages?: MessageOverrides;
  /** Every family a PDF of this theme may use: its own and its script fonts'. */
  families: string[];
  /**
   * The fonts for a brief in `language`: the theme's own, then the script font its language needs,
   * standing in for each of the theme's families. `missing` names a script font package that is
   * not installed (in the manuscript's project or in briefpress' own).
   */
  fontsForLanguage(language: string): { fonts: FontAsset[]; missing?: string };
  /** The theme's fonts and every script font that is installed (for text of any language, e.g. other briefs' titles). */
  anyFonts(): FontAsset[];
  /** The CSL style of the citation block (theme.yaml `citationStyle`): `csl/<name>.csl` in the theme, else one briefpress ships. */
  citationStyle: string;
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
  /** The theme's files read so far (absolute path as asked for: sha256 of the bytes read), for its hash (src/build/cache.ts `hashTree`). */
  readHashes(): Map<string, string>;
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
  const failAt = (at: (string | number)[], message: string, hint: string, of: 'key' | 'value' = 'key'): never => fail(message, 'theme-schema', hint, { file: yaml.file, ...keyPosition(yaml, v.doc, at, of) });
  // A family's files: a folder of the theme (read like every theme file), or an npm package.
  const folder = (files: string, at: (string | number)[]): FontSource =>
    folderSource(files, find) ?? failAt(at, `The theme has no font folder ${files} (with the family's unicode.json)`, `Put the family's woff2 files (named as fontsource names them) and fontsource's unicode.json in ${files}/ of the theme.`, 'value');
  const fonts = resolveFonts(
    v.value.fonts,
    v.value.subsets,
    (f, i) => {
      if (f.files !== undefined) return folder(f.files, ['fonts', i, 'files']);
      const pkgDir = fontPackageDir(f.package!, seriesRoot);
      if (!pkgDir) throw new EnvironmentError(`Font package ${f.package} is not installed`, `Run \`npm install ${f.package}\`.`);
      return packageSource(f.package!, pkgDir);
    },
    (i, message, hint) => failAt(['fonts', ...i], message, hint),
  );
  const scripts = v.value.scripts;
  // A script font of the theme's own is there (or the theme is broken); a package may not be installed (`font-missing` for briefs that need it).
  const scriptSources = new Map(
    scripts.map((s, i) => {
      if (s.files === undefined) return [s, undefined];
      const src = folder(s.files, ['scripts', i, 'files']);
      if (src.weights().length === 0) failAt(['scripts', i, 'files'], `The ${src.label} has no woff2 file`, `Put the family's woff2 files in ${s.files}/, named as fontsource names them (${path.posix.basename(s.files)}-<subset>-<weight>-normal.woff2).`);
      return [s, src];
    }),
  );
  const byLanguage = new Map<string, { fonts: FontAsset[]; missing?: string }>();
  /** Every face of the theme and its script fonts (made once: a series' web pages each ask). */
  let anyFonts: FontAsset[] | undefined;
  const citationStyle = v.value.citationStyle;
  if (!bundledCslStyles.includes(citationStyle) && !find(`csl/${citationStyle}.csl`)) {
    fail(`Theme \`${name}\` names the citation style \`${citationStyle}\`, which it does not ship`, 'theme-schema', `Put csl/${citationStyle}.csl in the theme folder, or name one of ${bundledCslStyles.join(', ')}.`, { file: yaml.file, ...keyPosition(yaml, v.doc, ['citationStyle'], 'value') });
  }
  const design = makeDesign(v.value, v.value.fonts.map((f) => f.family), failAt);
  const logo = readLogo(design, find, failAt);
  return {
    name,
    dirs,
    fonts,
    messages: v.value.messages,
    families: [...new Set([...fonts.map((f) => f.family), ...scripts.map((s) => s.family)])],
    anyFonts() {
      if (!anyFonts) {
        const all = new Map<string, FontAsset>();
        for (const script of scripts) for (const f of this.fontsForLanguage(script.languages[0]!).fonts) all.set(`${f.href}|${f.family}|${f.weight}|${f.style}`, f);
        for (const f of fonts) all.set(`${f.href}|${f.family}|${f.weight}|${f.style}`, f);
        anyFonts = [...all.values()];
      }
      return [...anyFonts];
    },
    fontsForLanguage(language) {
      const tag = language.toLowerCase();
      let r = byLanguage.get(tag);
      if (!r) {
        const script = scripts.find((s) => s.languages.some((l) => l.toLowerCase() === tag)) ?? scripts.find((s) => s.languages.some((l) => l.toLowerCase() === tag.split('-')[0]));
        if (!script) r = { fonts };
        else {
          const own = new Set(v.value.subsets);
          const pkgDir = script.package === undefined ? undefined : fontPackageDir(script.package, seriesRoot);
          const src = scriptSources.get(script) ?? (pkgDir ? packageSource(script.package!, pkgDir) : undefined);
          const standIns = resolveScriptFont(script, src, fonts, (sub) => (script.subsets ? script.subsets.includes(sub) : !own.has(sub)));
          // Declared first: where ranges overlap, the face declared last (the theme's own) wins.
          r = standIns ? { fonts: [...standIns, ...fonts] } : { fonts, missing: script.package };
        }
        byLanguage.set(tag, r);
      }
      return r;
    },
    citationStyle,
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
    readHashes() {
      return new Map([...found.values()].flatMap((f) => (f ? [[f.path, f.hash] as [string, string]] : [])));
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

/**
 * The folder of an installed font package: from the manuscript's project first (node_modules in or
 * above the manuscript folder), then from briefpress' own install. Undefined when neither has it.
 */
export function fontPackageDir(pkg: string, seriesRoot: string): string | undefined {
  for (const from of [seriesRoot, packageRoot]) {
    try {
      return path.dirname(require.resolve(`${pkg}/package.json`, { paths: [from] }));
    } catch {
      // not installed there
    }
  }
  return undefined;
}

/** One woff2 file of a family: its name, fontsource subset and unicode range. */
interface Face {
  file: string;
  subset: string;
  range: string;
  path: string;
  /** The bytes, for a file of the theme (read through the source reader). */
  bytes?: Buffer;
}

/**
 * Where a family's woff2 files are, both named as fontsource names them
 * (`source-serif-4-latin-400-normal.woff2`): an npm package (its CSS per weight gives the files and
 * unicode ranges) or a folder of the theme (fontsource's `unicode.json` gives the ranges per subset).
 */
interface FontSource {
  /** `font package @fontsource/x`, `font folder fonts/x`: for messages. */
  label: string;
  /** Where to look (for hints). */
  where: string;
  /** The faces of a weight and style, in the source's order; none when it does not ship them. */
  faces(weight: number, style: 'normal' | 'italic'): Face[];
  /** The weights it ships upright. */
  weights(): number[];
  /** A theme folder: the file a subset of the family should have (a subset unicode.json names but no file is an error). */
  expected?(subset: string, weight: number, style: 'normal' | 'italic'): string | undefined;
}

/** An npm package's fonts (fontsource's CSS per weight and style). */
function packageSource(pkg: string, pkgDir: string): FontSource {
  return {
    label: `font package ${pkg}`,
    where: displayPath(pkgDir),
    faces(weight, style) {
      const cssFile = path.join(pkgDir, `${weight}${style === 'italic' ? '-italic' : ''}.css`);
      if (!existsSync(cssFile)) return [];
      const out: Face[] = [];
      for (const block of readFileSync(cssFile, 'utf8').split('@font-face').slice(1)) {
        const file = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(block)?.[1];
        const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
        if (!file || !range) continue;
        out.push({ file, subset: subsetOf(file, weight), range: range.trim(), path: path.join(pkgDir, 'files', file) });
      }
      return out;
    },
    weights() {
      return readdirSync(pkgDir).map((f) => /^(\d+)\.css$/.exec(f)?.[1]).filter((w): w is string => Boolean(w)).map(Number);
    },
  };
}

/**
 * A folder of the theme (`fonts/source-serif-4`): woff2 files named `<folder name>-<subset>-<weight>-<style>.woff2`
 * and fontsource's `unicode.json` (subset: unicode range). Every file is read like any theme file
 * (`find`: inside the theme's folders, no symlink out). Undefined when it has no unicode.json.
 */
function folderSource(folder: string, find: (file: string) => SourceFile | undefined): FontSource | undefined {
  const map = find(`${folder}/unicode.json`);
  if (!map) return undefined;
  let ranges: [string, string][];
  try {
    const json: unknown = JSON.parse(map.bytes.toString('utf8'));
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('not an object');
    ranges = Object.entries(json).filter((e): e is [string, string] => typeof e[1] === 'string' && /^U\+[0-9a-f?]/i.test(e[1]));
  } catch (e) {
    throw new BriefpressError([{ file: displayPath(map.path), line: 1, column: 1, severity: 'error', message: `The font folder's unicode.json does not parse (${(e as Error).message})`, ruleId: 'theme-schema', hint: "Copy unicode.json from the family's @fontsource package: subset names and their unicode ranges." }]);
  }
  const id = path.posix.basename(folder);
  const name = (subset: string, weight: number, style: string) => `${id}-${subset}-${weight}-${style}.woff2`;
  return {
    label: `font folder ${folder}`,
    where: folder,
    faces(weight, style) {
      const out: Face[] = [];
      for (const [subset, range] of ranges) {
        const file = name(subset, weight, style);
        const f = find(`${folder}/${file}`);
        if (f) out.push({ file, subset, range, path: f.path, bytes: f.bytes });
      }
      return out;
    },
    weights() {
      return [100, 200, 300, 400, 500, 600, 700, 800, 900].filter((w) => ranges.some(([subset]) => find(`${folder}/${name(subset, w, 'normal')}`)));
    },
    expected(subset, weight, style) {
      return ranges.some(([s]) => s === subset) ? name(subset, weight, style) : undefined;
    },
  };
}

function resolveFonts(
  fonts: z.infer<typeof themeSchema>['fonts'],
  subsets: string[],
  source: (f: z.infer<typeof themeSchema>['fonts'][number], i: number) => FontSource,
  fail: (at: (string | number)[], message: string, hint: string) => never,
): FontAsset[] {
  const out: FontAsset[] = [];
  for (const [i, f] of fonts.entries()) {
    const src = source(f, i);
    for (const [j, weight] of f.weights.entries()) {
      for (const style of f.italic ? (['normal', 'italic'] as const) : (['normal'] as const)) {
        const faces = src.faces(weight, style);
        if (faces.length === 0) fail([i, 'weights', j], `The ${src.label} has no ${style} weight ${weight}`, `Use a weight it ships (see ${src.where}).`);
        for (const face of faces) {
          const sub = subsets.find((s) => face.file.includes(`-${s}-${weight}-`));
          if (!sub) continue;
          out.push({ path: face.path, bytes: face.bytes, href: `fonts/${face.file}`, family: f.family, weight, style, subset: sub, unicodeRange: face.range });
        }
        // A theme folder holds the files of the subsets the theme names (those the family has).
        for (const sub of subsets) {
          const file = src.expected?.(sub, weight, style);
          if (file && !faces.some((face) => face.file === file)) fail([i, 'weights', j], `The ${src.label} has no file ${file} (subset ${sub}, ${style} weight ${weight})`, `Copy ${file} into ${src.where}/ from the family's @fontsource package, or leave ${sub} out of \`subsets\`.`);
        }
      }
    }
  }
  return out;
}

/** The subset of a fontsource file name: `noto-sans-sc-12-400-normal.woff2` gives `12`, `x-latin-ext-400-normal.woff2` `latin-ext`. */
function subsetOf(file: string, weight: number): string {
  const stem = file.replace(new RegExp(`-${weight}-(normal|italic)\\.woff2$`), '');
  const known = ['latin-ext', 'cyrillic-ext', 'greek-ext', 'vietnamese', 'latin', 'cyrillic', 'greek', 'arabic', 'hebrew', 'math', 'symbols', 'chinese-simplified', 'chinese-traditional', 'japanese', 'korean', 'devanagari', 'thai'];
  const named = known.find((k) => stem.endsWith(`-${k}`));
  return named ?? stem.slice(stem.lastIndexOf('-') + 1);
}

/**
 * A script font standing in for each of the theme's families, weights and styles (its nearest
 * weight), or undefined when it is not there (a package not installed).
 */
function resolveScriptFont(script: { family: string }, src: FontSource | undefined, themeFonts: FontAsset[], useSubset: (subset: string) => boolean): FontAsset[] | undefined {
  if (!src) return undefined;
  const weights = src.weights();
  if (weights.length === 0) return undefined;
  const out: FontAsset[] = [];
  const seen = new Set<string>();
  for (const t of themeFonts) {
    const key = `${t.family}|${t.weight}|${t.style}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const weight = weights.reduce((best, w) => (Math.abs(w - t.weight) < Math.abs(best - t.weight) ? w : best));
    for (const face of src.faces(weight, 'normal')) {
      if (!useSubset(face.subset)) continue;
      out.push({ path: face.path, bytes: face.bytes, href: `fonts/${face.file}`, family: t.family, weight: t.weight, style: t.style, subset: face.subset, unicodeRange: face.range, script: script.family });
    }
  }
  return out;
}

/** A font's bytes: a theme file's as read through the source reader, a package's from disk (once per process). */
export function fontBytes(f: FontAsset): Buffer {
  return f.bytes ?? readCached(f.path);
}

/**
 * The fonts (of `fonts`, the theme's for a brief's language) whose unicode range covers some
 * character of `text` (latin always).
 */
export function fontsFor(theme: Theme | FontAsset[], text: string): FontAsset[] {
  const all = Array.isArray(theme) ? theme : theme.fonts;
  const codes = codePointsOf(text);
  // Some code in [a, b]: the first code >= a (binary search) is <= b.
  const anyIn = (a: number, b: number): boolean => {
    let lo = 0;
    let hi = codes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (codes[mid]! < a) lo = mid + 1;
      else hi = mid;
    }
    return lo < codes.length && codes[lo]! <= b;
  };
  // Faces share ranges (a script font's subsets, every weight and style of a family): each range is looked at once.
  const seen = new Map<string, boolean>();
  const covered = (range: string): boolean => {
    let hit = seen.get(range);
    if (hit === undefined) {
      // By the shorter list: the range's intervals for each code (a few titles against a CJK subset's hundreds of intervals), or the codes for each interval.
      const merged = mergedRangesOf(range);
      hit = codes.length * 4 < merged.starts.length ? codes.some((c) => inMerged(merged, c)) : rangesOf(range).some(([a, b]) => anyIn(a, b));
      seen.set(range, hit);
    }
    return hit;
  };
  return all.filter((f) => (f.subset === 'latin' && !f.script) || covered(f.unicodeRange));
}

/** The distinct code points of `text`, ascending (a lone surrogate counts as itself, as codePointAt says). */
function codePointsOf(text: string): Uint32Array {
  const bmp = new Uint8Array(0x10000);
  const astral = new Set<number>();
  // The distinct ones in the order met (a text holds a few hundred at most), sorted at the end.
  const met: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        astral.add(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
        i++;
        continue;
      }
    }
    if (bmp[c] === 0) {
      bmp[c] = 1;
      met.push(c);
    }
  }
  const codes = new Uint32Array(met.length + astral.size);
  codes.set(met);
  codes.subarray(0, met.length).sort();
  codes.set([...astral].sort((a, b) => a - b), met.length);
  return codes;
}

/** Font files of a set of faces, each once (a script font's file serves several faces). */
export function fontFiles(fonts: FontAsset[]): FontAsset[] {
  const seen = new Set<string>();
  return fonts.filter((f) => !seen.has(f.href) && Boolean(seen.add(f.href)));
}

/** Whether some font of `fonts` covers the code point. */
export function covers(fonts: FontAsset[], code: number): boolean {
  return fonts.some((f) => rangesOf(f.unicodeRange).some(([a, b]) => code >= a && code <= b));
}

const ranges = new Map<string, [number, number][]>();

/** A unicode-range's intervals, sorted and overlapping ones joined: starts and ends ascending. */
interface MergedRanges {
  starts: Uint32Array;
  ends: Uint32Array;
}
const merged = new Map<string, MergedRanges>();

function mergedRangesOf(range: string): MergedRanges {
  let m = merged.get(range);
  if (!m) {
    const sorted = [...rangesOf(range)].filter(([a, b]) => a <= b).sort((x, y) => x[0] - y[0]);
    const starts: number[] = [];
    const ends: number[] = [];
    for (const [a, b] of sorted) {
      if (ends.length > 0 && a <= ends[ends.length - 1]!) ends[ends.length - 1] = Math.max(ends[ends.length - 1]!, b);
      else {
        starts.push(a);
        ends.push(b);
      }
    }
    merged.set(range, (m = { starts: Uint32Array.from(starts), ends: Uint32Array.from(ends) }));
  }
  return m;
}

/** Whether `code` is in one of the intervals (the last one starting at or before it). */
function inMerged(m: MergedRanges, code: number): boolean {
  let lo = 0;
  let hi = m.starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (m.starts[mid]! <= code) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && code <= m.ends[lo - 1]!;
}

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


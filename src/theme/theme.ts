/**
 * Themes: a folder of templates, CSS and a theme.yaml naming its fonts. Looked up by name in the
 * series' own `theme/<name>/` first, then briefpress' `templates/<name>/`; a file in the series'
 * copy wins over the stock one (STYLE.md 4).
 */
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { BriefpressError, EnvironmentError } from '../util/diagnostics.js';
import { readSource, realRoots } from '../manuscript/source.js';

/**
 * briefpress' own folder (templates/, src/, package.json): the nearest folder above this module
 * with briefpress' package.json. Searched, not assumed: the CLI runs this code from a bundle in
 * node_modules/.cache/briefpress/ (src/cli/bin.js).
 */
export const packageRoot = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      if (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).name === 'briefpress') return dir;
    } catch {
      // no package.json here, or not ours: go up
    }
    if (path.dirname(dir) === dir) return path.resolve(from, '../..');
  }
}

const themeSchema = z.object({
  name: z.string(),
  /** Fonts from npm (@fontsource): never from the system, so every machine prints the same. */
  fonts: z.array(
    z.object({
      family: z.string(),
      package: z.string(),
      weights: z.array(z.number().int()),
      italic: z.boolean().default(false),
    }),
  ),
  /** Unicode subsets to ship (fontsource names: latin, latin-ext, cyrillic, greek ...). */
  subsets: z.array(z.string()).default(['latin']),
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
  /** Absolute path of a theme file (throws when no folder has it). */
  path(file: string): string;
  /** Text of a theme file. */
  read(file: string): string;
  /** Text of a theme file, or undefined. */
  maybeRead(file: string): string | undefined;
}

export function loadTheme(name: string, seriesRoot: string): Theme {
  const dirs = [path.join(seriesRoot, 'theme', name), path.join(packageRoot, 'templates', name)].filter((d) => existsSync(d));
  if (dirs.length === 0) {
    throw new EnvironmentError(`Theme \`${name}\` not found`, `Create ${path.join(seriesRoot, 'theme', name)}/ or use a theme in ${path.join(packageRoot, 'templates')}.`);
  }
  const realDirs = realRoots(dirs);
  // A theme file may be a symlink only to a file inside the theme's folders (src/manuscript/source.ts).
  const find = (file: string) => {
    const p = dirs.map((d) => path.join(d, file)).find((f) => existsSync(f) || isLink(f));
    if (p) {
      const r = readSource(p, realDirs, `theme file ${file}`);
      if (!r.ok) throw new BriefpressError([r.diagnostic]);
    }
    return p;
  };
  const readText = (p: string, file: string) => {
    const r = readSource(p, realDirs, `theme file ${file}`);
    if (!r.ok) throw new BriefpressError([r.diagnostic]);
    return r.file.bytes.toString('utf8');
  };
  const cfgPath = find('theme.yaml');
  if (!cfgPath) throw new EnvironmentError(`Theme \`${name}\` has no theme.yaml`, 'Copy templates/csis/theme.yaml and adapt it.');
  const cfg = themeSchema.parse(parseYaml(readText(cfgPath, 'theme.yaml')));
  const fonts = resolveFonts(cfg.fonts, cfg.subsets);
  return {
    name,
    dirs,
    fonts,
    path(file) {
      const p = find(file);
      if (!p) throw new EnvironmentError(`Theme \`${name}\` has no file ${file}`, `Add ${file} to ${dirs[0]}.`);
      return p;
    },
    read(file) {
      return readText(this.path(file), file);
    },
    maybeRead(file) {
      const p = find(file);
      return p ? readText(p, file) : undefined;
    },
  };
}

const require = createRequire(import.meta.url);

/** Read the fontsource package's own CSS to learn file names and unicode ranges per subset. */
function resolveFonts(fonts: z.infer<typeof themeSchema>['fonts'], subsets: string[]): FontAsset[] {
  const out: FontAsset[] = [];
  for (const f of fonts) {
    let pkgDir: string;
    try {
      pkgDir = path.dirname(require.resolve(`${f.package}/400.css`, { paths: [packageRoot] }));
    } catch {
      throw new EnvironmentError(`Font package ${f.package} is not installed`, `Run \`npm install ${f.package}\`.`);
    }
    for (const weight of f.weights) {
      for (const style of f.italic ? (['normal', 'italic'] as const) : (['normal'] as const)) {
        const css = readFileSync(path.join(pkgDir, `${weight}${style === 'italic' ? '-italic' : ''}.css`), 'utf8');
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

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

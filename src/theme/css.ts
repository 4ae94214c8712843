/**
 * A theme's stylesheets may refer only to files of the theme: every `url()`, `@import`, `src()` and
 * `image-set()` is checked before a stylesheet reaches an edition. `file:`, `http(s):`, `//host`,
 * absolute paths, `..` climbing out of the theme folder and `data:` URLs other than images and
 * fonts are errors at the URL's line and column (rule `theme-css-url`). The web edition's CSP and
 * the print page's request filter would block such a fetch too; this says so at build time, with a
 * position, instead of leaving a stylesheet in the editions that tries.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { cssReferences, foreignUrl } from '../util/css-urls.js';
import { offsetToPosition, type Diagnostic } from '../util/diagnostics.js';
import { displayPath, isInside } from '../util/paths.js';
import type { Theme } from './theme.js';
import { unknownTokens, withTokens } from './tokens.js';

const written = new WeakMap<Theme, Map<string, string>>();

/** A stylesheet of the theme as editions get it: the design tokens' `:root {}` block first (tokens.ts). */
export function themeStylesheet(theme: Theme, name: string): string {
  let byName = written.get(theme);
  if (!byName) written.set(theme, (byName = new Map()));
  let css = byName.get(name);
  if (css === undefined) byName.set(name, (css = withTokens(theme.read(name), theme.design)));
  return css;
}

/** The stylesheets a theme hands to editions (web, print, EPUB, catalog). */
export const themeStylesheets = ['style.css', 'print.css', 'epub.css', 'catalog.css'];

/** Problems of one stylesheet: `file` is its path, `themeDir` the theme folder it belongs to. */
export function vetCss(css: string, file: string, themeDir: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const ref of cssReferences(css)) {
    let why = foreignUrl(ref.url);
    if (!why && !ref.url.startsWith('#') && !/^data:/i.test(ref.url)) {
      let rel = ref.url.split(/[?#]/)[0]!;
      try {
        rel = decodeURIComponent(rel);
      } catch {
        // keep it as written
      }
      const target = path.resolve(path.dirname(file), rel);
      if (!isInside(target, themeDir)) why = 'outside the theme folder';
      else {
        // A file that exists must not be a link leading out either.
        try {
          if (!isInside(realpathSync(target), realpathSync(themeDir))) why = 'a link to a file outside the theme folder';
        } catch {
          // missing: the browser finds nothing, and nothing outside
        }
      }
    }
    if (!why) continue;
    const { line, column } = offsetToPosition(css, ref.offset);
    out.push({
      file: displayPath(file),
      line,
      column,
      severity: 'error',
      message: `Stylesheet refers to \`${ref.url.slice(0, 80)}\` (${why}): only files of the theme may be used`,
      ruleId: 'theme-css-url',
      hint: 'A theme stylesheet may refer only to files inside its theme folder (fonts come from theme.yaml); copy the file into the theme and use a relative path.',
    });
  }
  return out;
}

/** Every stylesheet the theme gives to editions, checked (the series' override where it has one). */
export function vetThemeCss(theme: Theme): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const name of themeStylesheets) {
    const file = theme.dirs.map((d) => path.join(d, name)).find((p) => existsSync(p));
    if (!file) continue;
    const dir = theme.dirs.find((d) => isInside(file, d))!;
    const css = readFileSync(file, 'utf8');
    out.push(...vetCss(css, file, dir), ...vetTokens(css, file, theme));
  }
  const cover = theme.maybeRead('cover.html');
  if (cover !== undefined) out.push(...vetTokens(cover, theme.path('cover.html'), theme), ...vetCoverUrls(cover, theme.path('cover.html')));
  return out;
}

/**
 * The cover fetches nothing, not even a file of the theme: it is drawn as an SVG image, which loads
 * nothing, after its style sheets' faces are loaded in a page that refuses every request but data:
 * URLs (src/targets/cover.ts). So every URL in its CSS is a data: URL or a `#fragment`; its fonts
 * come in through `{{{fontCss}}}`, as data: URLs. (A face it could not load left its text in a
 * fallback font, or before, failed the cover with a network error and no position.)
 */
function vetCoverUrls(html: string, file: string): Diagnostic[] {
  return cssReferences(html).flatMap((ref) => {
    const why = foreignUrl(ref.url) ?? (ref.url.startsWith('#') || /^data:/i.test(ref.url) ? undefined : 'a file, which the cover cannot load');
    if (!why) return [];
    return [{
      file: displayPath(file),
      ...offsetToPosition(html, ref.offset),
      severity: 'error' as const,
      message: `The cover refers to \`${ref.url.slice(0, 80)}\` (${why}): a cover is drawn as an image and loads nothing`,
      ruleId: 'theme-css-url',
      hint: "Put what it needs inline: a data: URL, or the theme's own fonts, which {{{fontCss}}} brings in.",
    }];
  });
}

/** Every design token a stylesheet uses is one theme.yaml defines (a typo would silently lose a colour). */
function vetTokens(css: string, file: string, theme: Theme): Diagnostic[] {
  return unknownTokens(css, theme.design).map(({ name, offset }) => ({
    file: displayPath(file),
    ...offsetToPosition(css, offset),
    severity: 'error' as const,
    message: `Stylesheet uses the token \`--${name}\`, which theme.yaml does not define`,
    ruleId: 'theme-token',
    hint: `Use a token of theme.yaml (${[...theme.design.vars.keys()].filter((k) => k.startsWith(name.split('-')[0]!)).map((k) => `--${k}`).join(', ')}), or add it there.`,
  }));
}

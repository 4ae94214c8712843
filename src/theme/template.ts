/**
 * The one template language of theme files: Mustache (the `mustache` package), logic-less.
 *   {{name}}      value, HTML-escaped          {{{name}}}  value, raw (HTML made by briefpress)
 *   {{#name}}..{{/name}}  section: repeated for each item of a list, shown once for a truthy value
 *   {{^name}}..{{/name}}  inverted section: shown when the value is falsy or an empty list
 *   {{a.b}} dotted lookup;  {{.}} the current item;  {{! comment }};  {{> partial }}
 * A template runs nothing: the view is plain data copied into objects without a prototype (so
 * `{{constructor.constructor}}` finds nothing) and holds no function (Mustache would call one).
 * A partial `{{> name}}` is the theme file `partials/<name>.html`, read like every theme file
 * (src/manuscript/source.ts: a symlink out of the theme is refused). Templates are theme files;
 * code never holds an HTML shell (STYLE.md 4).
 */
import Mustache from 'mustache';
import { BriefpressError, offsetToPosition, type Diagnostic } from '../util/diagnostics.js';
import { displayPath } from '../util/paths.js';
import type { Theme } from './theme.js';

export type View = Record<string, unknown>;

/** A partial's text and the file it came from (for messages), or undefined when there is none. */
export type PartialSource = (name: string) => { text: string; file: string } | undefined;

const partialNameRe = /^[a-z0-9][a-z0-9_-]*$/i;

/**
 * Render `template` with `view`. `file` names the template in messages (its display path). A
 * template that does not parse, or a partial that is missing, badly named or includes itself, is a
 * positioned `theme-template` error.
 */
export function renderTemplate(template: string, view: View, file = 'template', partials?: PartialSource): string {
  const loaded = new Map<string, string>();
  const load = (text: string, from: string, chain: string[]) => {
    for (const name of partialNames(parse(text, from), text, from)) {
      const at = { file: from, ...offsetToPosition(text, name.offset) };
      if (!partialNameRe.test(name.name)) fail(at, `Partial \`${name.name.slice(0, 60)}\` is not a partial name`, 'Name a file of the theme\'s `partials/` folder without its `.html`, e.g. `{{> author}}`.');
      if (chain.includes(name.name)) fail(at, `Partial \`${name.name}\` includes itself`, 'A partial may not include itself, directly or through another partial.');
      if (loaded.has(name.name)) continue;
      const p = partials?.(name.name);
      if (!p) fail(at, `No partial \`${name.name}\` (partials/${name.name}.html) in the theme`, `Add partials/${name.name}.html to the theme folder, or remove the \`{{> ${name.name}}}\`.`);
      loaded.set(name.name, p!.text);
      load(p!.text, p!.file, [...chain, name.name]);
    }
  };
  load(template, file, []);
  return Mustache.render(template, inert(view), Object.fromEntries(loaded), { escape: (v: unknown) => escapeHtml(String(v)) });
}

type Span = [string, string, number, number, ...unknown[]];

function parse(text: string, file: string): Span[] {
  try {
    return Mustache.parse(text) as unknown as Span[];
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const offset = Number(/ at (\d+)$/.exec(message)?.[1] ?? 0);
    return fail({ file, ...offsetToPosition(text, offset) }, `Template does not parse: ${message.replace(/ at \d+$/, '')}`, 'Close every `{{#section}}` with its `{{/section}}` and every `{{` with `}}` (templates/README.md, "Template language").');
  }
}

/** Every partial tag of a parsed template, nested sections included. */
function partialNames(spans: Span[], text: string, file: string): { name: string; offset: number }[] {
  const out: { name: string; offset: number }[] = [];
  for (const s of spans) {
    if (s[0] === '>') out.push({ name: s[1], offset: s[2] });
    if ((s[0] === '#' || s[0] === '^') && Array.isArray(s[4])) out.push(...partialNames(s[4] as Span[], text, file));
  }
  return out;
}

function fail(at: { file: string; line: number; column: number }, message: string, hint: string): never {
  const d: Diagnostic = { ...at, severity: 'error', message, ruleId: 'theme-template', hint };
  throw new BriefpressError([d]);
}

/** Plain data only: objects without a prototype, no functions (a template cannot reach or call code). */
function inert(value: unknown): never {
  if (Array.isArray(value)) return Object.setPrototypeOf(value.map(inert), null) as never;
  if (value && typeof value === 'object') {
    const out = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) if (typeof v !== 'function') out[k] = inert(v);
    return out as never;
  }
  return (typeof value === 'function' ? undefined : value) as never;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The theme file `file` rendered with `view`; its partials are the theme's `partials/<name>.html`. */
export function renderThemeFile(theme: Pick<Theme, 'read' | 'path' | 'maybeRead'>, file: string, view: View): string {
  return renderTemplate(theme.read(file), view, displayPath(theme.path(file)), (name) => {
    const text = theme.maybeRead(`partials/${name}.html`);
    return text === undefined ? undefined : { text, file: displayPath(theme.path(`partials/${name}.html`)) };
  });
}

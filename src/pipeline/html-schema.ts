/**
 * What raw HTML may hold once sanitized (series with `rawHtml: true`): elements and attributes that
 * are valid in both HTML and EPUB XHTML, fetch nothing and run nothing. One table feeds the checking
 * plugin (rehype-safe-html.ts, which says what it changes) and the schema of rehype-sanitize behind
 * it (which would drop silently anything the first one missed).
 *
 * It also admits what the Markdown pipeline itself writes (GFM footnotes, task lists, table
 * alignment, code languages), so Markdown never triggers a message.
 */
import { defaultSchema, type Options as Schema } from 'rehype-sanitize';

/** `true`: any value; a list: only these values (strings or patterns). */
export type AttributeRule = true | readonly (string | RegExp)[];

const digits = [/^\d+$/];
/** A date or date-time as HTML's `datetime` attribute takes it (EPUB checkers validate the value). */
const dateTime = [/^\d{4}(-\d{2}(-\d{2})?)?([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/];
/** A BCP 47 language tag, roughly (`en`, `pt-BR`, `zh-Hant-TW`). */
const languageTag = [/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/];

/** Attributes every allowed element may carry (hast property names). */
export const globalAttributes: Record<string, AttributeRule> = {
  id: true,
  title: true,
  lang: languageTag,
  dir: ['ltr', 'rtl', 'auto'],
  ariaLabel: true,
  ariaDescribedBy: true,
  ariaLabelledBy: true,
};

const none: Record<string, AttributeRule> = {};

/** Allowed elements and their own attributes. */
export const allowedElements: Record<string, Record<string, AttributeRule>> = {
  a: { href: true, hrefLang: languageTag, dataFootnoteRef: true, dataFootnoteBackref: true, className: ['data-footnote-backref'] },
  abbr: none,
  b: none,
  bdi: none,
  bdo: none,
  blockquote: { cite: true },
  br: none,
  caption: none,
  cite: none,
  code: { className: [/^language-[\w+#.-]+$/] },
  col: { span: digits },
  colgroup: { span: digits },
  dd: none,
  del: { cite: true, dateTime },
  details: { open: true },
  dfn: none,
  div: none,
  dl: none,
  dt: none,
  em: none,
  figcaption: none,
  figure: none,
  h1: none,
  h2: { className: ['sr-only'] },
  h3: none,
  h4: none,
  h5: none,
  h6: none,
  hr: none,
  i: none,
  img: { src: true, alt: true, width: digits, height: digits },
  input: { type: ['checkbox'], disabled: true, checked: true },
  ins: { cite: true, dateTime },
  kbd: none,
  li: { className: ['task-list-item'] },
  mark: none,
  ol: { start: [/^-?\d+$/], reversed: true, type: ['1', 'a', 'A', 'i', 'I'], className: ['contains-task-list'] },
  p: none,
  pre: none,
  q: { cite: true },
  rp: none,
  rt: none,
  ruby: none,
  s: none,
  samp: none,
  section: { dataFootnotes: true, className: ['footnotes'] },
  small: none,
  span: none,
  strong: none,
  sub: none,
  summary: none,
  sup: none,
  table: none,
  tbody: none,
  td: { colSpan: digits, rowSpan: digits, headers: true, align: ['left', 'right', 'center'] },
  tfoot: none,
  th: { colSpan: digits, rowSpan: digits, headers: true, scope: ['row', 'col', 'rowgroup', 'colgroup'], abbr: true, align: ['left', 'right', 'center'] },
  thead: none,
  time: { dateTime },
  tr: none,
  u: none,
  ul: { className: ['contains-task-list'] },
  var: none,
  wbr: none,
};

/** Obsolete elements written as their HTML5 equivalent. */
export const renamedElements: Record<string, string> = { strike: 's', tt: 'code', big: 'strong', center: 'div' };

/**
 * Elements removed with everything inside them: they run, fetch, embed another document or hold
 * text that is not meant to be read as text (a `<style>`'s CSS, a `<title>` in the body).
 */
export const droppedElements = new Set([
  'script', 'style', 'template', 'noscript', 'iframe', 'frame', 'frameset', 'noframes', 'object', 'embed', 'applet',
  'audio', 'video', 'source', 'track', 'param', 'canvas', 'svg', 'math', 'map', 'area', 'head', 'title', 'meta', 'link',
  'base', 'textarea', 'select', 'datalist', 'option', 'optgroup', 'button', 'portal', 'xmp', 'plaintext', 'dialog',
]);

/** URL attributes and the schemes they may use (anything else is removed; relative `src` is the image check's). */
export const urlSchemes: Record<string, string[]> = { href: ['http', 'https', 'mailto'], cite: ['http', 'https'], src: [] };

/** Elements whose content is phrasing only: a block element inside one is invalid (e.g. `<p>` in `<pre>`). */
export const phrasingOnly = new Set([
  'p', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'span', 'em', 'strong', 'b', 'i', 'u', 's', 'small', 'mark', 'cite', 'q',
  'dfn', 'abbr', 'time', 'code', 'var', 'samp', 'kbd', 'sub', 'sup', 'bdi', 'bdo', 'ruby', 'rt', 'rp', 'summary',
]);

/** Elements whose content model is their parent's (`<a>` holds a block only where its parent may). */
export const transparent = new Set(['a', 'ins', 'del']);

/** Phrasing elements: everything else allowed is flow (block) content. */
export const phrasing = new Set([
  'a', 'abbr', 'b', 'bdi', 'bdo', 'br', 'cite', 'code', 'del', 'dfn', 'em', 'i', 'img', 'input', 'ins', 'kbd', 'mark', 'q',
  'ruby', 's', 'samp', 'small', 'span', 'strong', 'sub', 'sup', 'time', 'u', 'var', 'wbr',
]);

/** Elements valid only inside one of these parents. */
export const requiredParents: Record<string, string[]> = {
  li: ['ul', 'ol'],
  dt: ['dl', 'div'],
  dd: ['dl', 'div'],
  figcaption: ['figure'],
  summary: ['details'],
  rt: ['ruby'],
  rp: ['ruby'],
  caption: ['table'],
  colgroup: ['table'],
  col: ['colgroup'],
  thead: ['table'],
  tbody: ['table'],
  tfoot: ['table'],
  tr: ['table', 'thead', 'tbody', 'tfoot'],
  td: ['tr'],
  th: ['tr'],
};

/** The children a list-like element may hold; anything else is wrapped in the first of them. */
export const allowedChildren: Record<string, string[]> = {
  ul: ['li'],
  ol: ['li'],
  dl: ['dt', 'dd', 'div'],
};

/** rehype-sanitize's schema from the same table: behind the checks, it drops whatever they missed. */
export function sanitizeSchema(): Schema {
  const attributes: Record<string, (string | [string, ...(string | RegExp | boolean | number)[]])[]> = {};
  const toList = (rules: Record<string, AttributeRule>) =>
    Object.entries(rules).map(([name, rule]) => (rule === true ? name : ([name, ...rule] as [string, ...(string | RegExp)[]])));
  attributes['*'] = toList(globalAttributes);
  for (const [tag, rules] of Object.entries(allowedElements)) attributes[tag] = toList(rules);
  return {
    ...defaultSchema,
    tagNames: Object.keys(allowedElements),
    attributes,
    protocols: urlSchemes,
    required: { input: { disabled: true, type: 'checkbox' } },
    strip: [...droppedElements],
    clobber: [],
    clobberPrefix: '',
  };
}

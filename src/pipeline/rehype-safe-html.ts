/**
 * rehype plugin for series with `rawHtml: true`, run right after rehype-raw: raw HTML is brought to
 * what html-schema.ts allows, and every change is a positioned message, never a silent edit:
 * - elements that run, fetch or embed (`<script>`, `<style>`, `<iframe>`, `<object>`, `<video>`,
 *   `<source srcset>`, `<link>` ...) are removed with their content (`raw-html-removed`);
 * - other unknown elements (`<font>`, `<picture>`, `<form>` ...) give way to their content;
 * - attributes outside the table (`style`, `srcset`, `on*`, `class`, `target` ...) are removed;
 * - links other than http(s), mailto and `#fragment` are errors as in Markdown (`link-scheme`), and
 *   an image from another host or an absolute path is an error (`image-outside`);
 * - what would make invalid XHTML for the EPUB is repaired: a block inside a phrasing element (`<p>`
 *   in `<pre>`), a link in a link, a list item outside a list ... (`raw-html-structure`);
 * - ids must be XML names, unique in the whole brief, and not one of those briefpress writes
 *   (`content`, `q1`, `fn-1` ...): others are removed (`raw-html-id`).
 * rehype-sanitize runs behind it with the same table, as a second line.
 */
import type { Element, ElementContent, Root, RootContent } from 'hast';
import { find, html } from 'property-information';
import type { Node } from 'unist';
import type { VFile } from 'vfile';
import {
  allowedChildren,
  allowedElements,
  droppedElements,
  globalAttributes,
  phrasing,
  phrasingOnly,
  renamedElements,
  requiredParents,
  transparent,
  type AttributeRule,
} from './html-schema.js';
import { report } from './messages.js';

export interface SafeHtmlOptions {
  /** Ids already used in the brief (shared by the body, bios and boilerplate of one brief). */
  ids: Set<string>;
}

/** Ids briefpress' templates write (web page and EPUB documents). */
export const reservedIds = new Set(['content', 'notes-title', 'about-title', 'brief-title', 'colophon-title', 'toc', 'toc-title', 'landmarks', 'landmarks-title']);
/** Ids the pipeline writes: questions, and footnotes (with the prefixes of bios and boilerplate). */
const reservedPatterns = [/^q\d+(-title)?$/, /^(?:(?:bio\d+|disclaimer|copyright)-)?(?:fn-|fnref-|footnote-label$)/];

interface Context {
  /** Only phrasing content is allowed here. */
  phrasing: boolean;
  /** Inside a link (no link may nest). */
  link: boolean;
  /** The element whose content this is (for messages). */
  parentTag: string;
  /** The nearest node with a position (for messages about nodes parse5 made up). */
  at: Node | undefined;
}

export function makeSafe(tree: Root, file: VFile, opts: SafeHtmlOptions): void {
  const warn = (node: Node | undefined, message: string, ruleId: string, hint: string) => report(file, node, message, { ruleId, severity: 'warning', hint });

  const vetList = (children: RootContent[], parent: Root | Element, ctx: Context): ElementContent[] => {
    const out: ElementContent[] = [];
    for (const child of children) {
      if (child.type === 'element') out.push(...vetElement(child, parent, ctx));
      else if (child.type === 'text') out.push(child);
      // comments, doctypes and leftovers are not content: dropped (rehype-sanitize would too)
    }
    return out;
  };

  const unwrap = (el: Element, parent: Root | Element, ctx: Context): ElementContent[] => {
    const kept = vetList(el.children, parent, { ...ctx, at: el.position ? el : ctx.at });
    // A block given up inside <pre> still ends its line.
    if (ctx.parentTag === 'pre' && !phrasing.has(el.tagName)) kept.push({ type: 'text', value: '\n' });
    return kept;
  };

  const vetElement = (el: Element, parent: Root | Element, ctx: Context): ElementContent[] => {
    const at = el.position ? el : ctx.at;
    let tag = el.tagName.toLowerCase();
    if (droppedElements.has(tag) || (tag === 'input' && !(el.properties.type === 'checkbox' && el.children.length === 0))) {
      const content = el.children.some((c) => c.type !== 'text' || c.value.trim()) ? ' with its content' : '';
      warn(at, `Raw HTML \`<${tag}>\` removed${content}`, 'raw-html-removed', hintFor(tag));
      return [];
    }
    const renamed = renamedElements[tag];
    if (renamed) {
      warn(at, `Raw HTML \`<${tag}>\` is obsolete: written as \`<${renamed}>\``, 'raw-html-structure', `Write <${renamed}> instead.`);
      el.tagName = tag = renamed;
    }
    const rules = allowedElements[tag];
    if (!rules) {
      warn(at, `Raw HTML \`<${tag}>\` is not allowed: its content is kept without it`, 'raw-html-removed', 'Raw HTML may use the elements of plain text: paragraphs, lists, tables, emphasis, links, images.');
      return unwrap(el, parent, ctx);
    }
    const parentTag = parent.type === 'element' ? parent.tagName : '';
    if (ctx.phrasing && !phrasing.has(tag)) {
      warn(at, `Raw HTML \`<${tag}>\` cannot stand inside \`<${ctx.parentTag}>\`: its content is kept without it`, 'raw-html-structure', `<${ctx.parentTag}> holds text and inline elements only (XHTML, and so the EPUB, refuses anything else).`);
      return unwrap(el, parent, ctx);
    }
    if (tag === 'a' && ctx.link) {
      warn(at, 'Raw HTML link inside a link: the inner one is kept as text', 'raw-html-structure', 'A link cannot hold another link.');
      return unwrap(el, parent, ctx);
    }
    const parents = requiredParents[tag];
    if (parents && !parents.includes(parentTag)) {
      warn(at, `Raw HTML \`<${tag}>\` outside \`<${parents.join('>` or `<')}>\`: its content is kept without it`, 'raw-html-structure', `Put <${tag}> inside <${parents[0]}>.`);
      return unwrap(el, parent, ctx);
    }

    vetAttributes(el, tag, rules, at);
    if (tag === 'img' && typeof el.properties.src === 'string') {
      const src = el.properties.src.trim();
      if (/^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith('/') || src.startsWith('\\')) {
        report(file, at, `Image \`${src.slice(0, 80)}\` is not a file of the brief`, {
          ruleId: 'image-outside',
          hint: 'Put the image beside brief.md and refer to it by a relative path; nothing is fetched from the network.',
        });
        return [];
      }
    }
    if (tag === 'a' && typeof el.properties.href === 'string') {
      const href = el.properties.href.trim();
      if (/^[a-z][a-z0-9+.-]*:/i.test(href) && !/^(https?|mailto):/i.test(href)) {
        report(file, at, `Link to \`${href.slice(0, 60)}\` uses a scheme that is not allowed`, { ruleId: 'link-scheme', hint: 'Link to an http(s) or mailto: address.' });
        delete el.properties.href;
      }
    }
    vetId(el, tag, at);

    el.children = vetList(el.children, el, {
      phrasing: transparent.has(tag) ? ctx.phrasing : phrasingOnly.has(tag),
      link: ctx.link || tag === 'a',
      parentTag: tag,
      at,
    });
    const kids = allowedChildren[tag];
    if (kids) wrapStrays(el, kids, at);
    return [el];
  };

  const vetAttributes = (el: Element, tag: string, rules: Record<string, AttributeRule>, at: Node | undefined) => {
    const dropped: string[] = [];
    for (const [prop, value] of Object.entries(el.properties)) {
      if (value === undefined || value === null || value === false) continue;
      const name = find(html, prop).attribute;
      const rule = rules[prop] ?? globalAttributes[prop];
      if (!rule) {
        dropped.push(name);
        delete el.properties[prop];
        continue;
      }
      if (prop === 'cite' && !/^https?:/i.test(String(value).trim())) {
        dropped.push(`${name}="${String(value).slice(0, 40)}"`);
        delete el.properties[prop];
        continue;
      }
      if ((prop === 'cite' || prop === 'href') && /^https?:/i.test(String(value).trim())) {
        // Written as a browser reads it (spaces and the like percent-encoded): XHTML wants a valid URL.
        const url = URL.canParse(String(value).trim()) ? new URL(String(value).trim()).href : undefined;
        if (!url) {
          dropped.push(`${name}="${String(value).slice(0, 40)}" (not a valid URL)`);
          delete el.properties[prop];
          continue;
        }
        el.properties[prop] = url;
      }
      if (rule === true) continue;
      const ok = (v: unknown) => rule.some((r) => (typeof r === 'string' ? String(v) === r : r.test(String(v))));
      if (prop === 'className' && Array.isArray(value)) {
        const kept = value.filter(ok);
        if (kept.length < value.length) dropped.push(`class="${value.filter((v) => !ok(v)).join(' ')}"`);
        if (kept.length) el.properties.className = kept.map(String);
        else delete el.properties.className;
      } else if (!(Array.isArray(value) ? value : [value]).every(ok)) {
        dropped.push(`${name}="${String(value).slice(0, 40)}"`);
        delete el.properties[prop];
      }
    }
    if (dropped.length) {
      const fetches = dropped.some((d) => /^(style|srcset|src|poster|background|data|action|formaction|ping|href|xlink:href|lowsrc|dynsrc|longdesc|usemap)\b/i.test(d));
      const handlers = dropped.some((d) => /^on/i.test(d));
      warn(at, `Raw HTML \`<${tag}>\`: removed ${dropped.join(', ')}`, 'raw-html-removed', handlers
        ? 'No edition runs script: event handlers are removed.'
        : fetches
        ? 'Nothing in an edition is fetched from elsewhere: images must be files of the brief, styles come from the theme.'
        : 'Raw HTML keeps only attributes that every edition can show; styling comes from the theme.');
    }
  };

  const vetId = (el: Element, tag: string, at: Node | undefined) => {
    const id = el.properties.id;
    if (id === undefined) return;
    const value = String(id);
    let why: string | undefined;
    if (!/^[A-Za-z_\u00C0-\uFFEF][\w.\-\u00B7\u00C0-\uFFEF]*$/u.test(value)) why = 'is not a valid XML name (letters, digits, `-`, `_`, `.`; not starting with a digit)';
    else if ((reservedIds.has(value) || reservedPatterns.some((p) => p.test(value))) && !madeByPipeline(el, tag, value)) why = 'is one that briefpress writes itself';
    else if (opts.ids.has(value)) why = 'is used twice in the brief';
    if (why) {
      delete el.properties.id;
      warn(at, `Raw HTML id \`${value.slice(0, 40)}\` ${why}: removed`, 'raw-html-id', 'Give the element another id, unique in the brief (ids such as content, q1, fn-1 are taken).');
    } else opts.ids.add(value);
  };

  /** List-like elements hold only their items: anything else is wrapped in one. */
  const wrapStrays = (el: Element, kids: string[], at: Node | undefined) => {
    const wrapper = kids.includes('dd') ? 'dd' : kids[0]!;
    let wrapped = false;
    el.children = el.children.map((c) => {
      const stray = (c.type === 'element' && !kids.includes(c.tagName)) || (c.type === 'text' && c.value.trim() !== '');
      if (!stray) return c;
      wrapped = true;
      return { type: 'element', tagName: wrapper, properties: {}, children: [c], position: c.position };
    });
    if (wrapped) warn(at, `Raw HTML \`<${el.tagName}>\` holds content outside its items: wrapped in \`<${wrapper}>\``, 'raw-html-structure', `Put each part of the list in its own <${kids[0]}>.`);
  };

  tree.children = vetList(tree.children, tree, { phrasing: false, link: false, parentTag: '', at: undefined }) as RootContent[];
}

/** Footnote ids are the pipeline's own when they sit on the elements it makes. */
function madeByPipeline(el: Element, tag: string, id: string): boolean {
  if (tag === 'a' && /fnref-/.test(id)) return 'dataFootnoteRef' in el.properties;
  if (tag === 'li' && /fn-/.test(id)) return true;
  if (tag === 'h2' && /footnote-label$/.test(id)) return true;
  return false;
}

function hintFor(tag: string): string {
  if (tag === 'script' || tag === 'noscript' || tag === 'template') return 'No edition runs script.';
  if (tag === 'style' || tag === 'link') return 'Styling comes from the theme; a stylesheet in the brief would show as text in some editions.';
  if (tag === 'input' || tag === 'button' || tag === 'select' || tag === 'textarea') return 'Editions hold no forms (task lists in Markdown, `- [ ]`, are fine).';
  return 'Nothing in an edition is fetched or embedded from elsewhere: use an image file beside brief.md, or a link.';
}

export default function rehypeSafeHtml(opts: SafeHtmlOptions) {
  return (tree: Root, file: VFile) => makeSafe(tree, file, opts);
}

/**
 * The unified processors: Markdown (with front matter) to hast. This is the only place Markdown is parsed.
 */
import type { Root as HastRoot } from 'hast';
import type { Root as MdastRoot } from 'mdast';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified, type PluggableList } from 'unified';
import type { VFile } from 'vfile';
import rehypeImages from './rehype-images.js';
import rehypeLinks from './rehype-links.js';
import rehypeNotes from './rehype-notes.js';
import rehypeQuestions from './rehype-questions.js';
import remarkHeadings from './remark-headings.js';
import remarkRawHtml from './remark-raw-html.js';
import { frontmatterSyntax, gfmSyntax } from './markdown-syntax.js';

export interface ProcessOptions {
  briefDir: string;
  root: string;
  rawHtml: boolean;
  /** Number `##` headings as questions. */
  qa: boolean;
  /** Brief body (headings checked, notes split) or a fragment (bio, boilerplate). */
  kind: 'body' | 'fragment';
  /** Prefix for footnote ids, unique per document. */
  idPrefix?: string;
  /** Ids of raw HTML already used in the brief (pass one set to every part of a brief): no id twice. */
  ids?: Set<string>;
}

/** The Markdown parser (made once: its syntax extensions are the same for every file). */
const markdownParser = unified().use(remarkParse).use(frontmatterSyntax).use(gfmSyntax).freeze();

/** Parse Markdown to mdast (front matter included as a `yaml` node). */
export function parseMarkdown(file: VFile): MdastRoot {
  return markdownParser.parse(file);
}

/** Run the brief plugins over an mdast tree, giving hast. Messages land on `file`. */
export async function toHast(mdast: MdastRoot, file: VFile, opts: ProcessOptions): Promise<HastRoot> {
  // (The syntax extensions are the parser's: none of them changes a parsed tree.)
  const remarkPlugins: PluggableList = [];
  if (!opts.rawHtml) remarkPlugins.push(remarkRawHtml);
  if (opts.kind === 'body') remarkPlugins.push(remarkHeadings);
  const rehypePlugins: PluggableList = [];
  if (opts.rawHtml) {
    const raw = await rawHtmlPlugins();
    rehypePlugins.push(raw.rehypeRaw, [raw.rehypeSafeHtml, { ids: opts.ids ?? new Set<string>() }], [raw.rehypeSanitize, raw.schema]);
  }
  rehypePlugins.push([rehypeImages, { briefDir: opts.briefDir, root: opts.root }], rehypeLinks);
  if (opts.kind === 'body') rehypePlugins.push(rehypeNotes);
  if (opts.kind === 'body' && opts.qa) rehypePlugins.push(rehypeQuestions);
  const processor = unified()
    .use(remarkPlugins)
    .use(remarkRehype, {
      allowDangerousHtml: opts.rawHtml,
      clobberPrefix: opts.idPrefix ?? '',
      footnoteLabel: 'Notes',
      // Both put in the brief's language at render time (src/i18n/localize.ts), from the number.
      footnoteBackLabel: (i: number) => `Back to reference ${i + 1}`,
      // An arrow every theme's Latin font has (U+2191 is in fontsource's latin subset): `↩` is in
      // none, and fell back to a system font (DejaVu) in every PDF with a note.
      footnoteBackContent: (_: number, again: number) => [
        { type: 'text' as const, value: '↑' },
        ...(again > 1 ? [{ type: 'element' as const, tagName: 'sup', properties: {}, children: [{ type: 'text' as const, value: String(again) }] }] : []),
      ],
    })
    .use(rehypePlugins);
  return (await processor.run(mdast, file)) as HastRoot;
}

/**
 * The raw HTML plugins (hast-util-raw, the sanitizer and their schema: some 30 modules), loaded
 * only for a series that allows raw HTML (`rawHtml: true`; most do not).
 */
let rawHtmlLoaded: ReturnType<typeof loadRawHtml> | undefined;
const rawHtmlPlugins = () => (rawHtmlLoaded ??= loadRawHtml());
async function loadRawHtml() {
  const [raw, sanitize, safe, schema] = await Promise.all([import('rehype-raw'), import('rehype-sanitize'), import('./rehype-safe-html.js'), import('./html-schema.js')]);
  // Behind rehype-safe-html (which reports what it changes), the same rules as rehype-sanitize's schema.
  return { rehypeRaw: raw.default, rehypeSanitize: sanitize.default, rehypeSafeHtml: safe.default, schema: schema.sanitizeSchema() };
}

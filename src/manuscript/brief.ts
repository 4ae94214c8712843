/**
 * Read one brief folder into the Brief model: front matter (validated), body, authors' bios,
 * boilerplate with placeholders filled. Nothing is written; problems come back as Diagnostics.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Root as HastRoot } from 'hast';
import { toString } from 'hast-util-to-string';
import { VFile } from 'vfile';
import { frontMatterSchema } from '../config/schema.js';
import { validateYaml } from '../config/validate.js';
import type { Author, Brief, ImageAsset } from '../model/brief.js';
import { toDiagnostics } from '../pipeline/messages.js';
import { checkFragments } from '../pipeline/fragments.js';
import { parseMarkdown, toHast } from '../pipeline/processor.js';
import type { Diagnostic } from '../util/diagnostics.js';
import { uuidV5 } from '../util/hash.js';
import { displayPath } from '../util/paths.js';
import { fillPlaceholders } from './placeholders.js';
import type { Loaded, SeriesSource } from './series.js';

export async function readBrief(src: SeriesSource, dir: string): Promise<Loaded<Brief>> {
  const file = path.join(dir, 'brief.md');
  const shown = displayPath(file);
  const slug = path.basename(dir);
  const text = readFileSync(file, 'utf8');
  const vfile = new VFile({ path: file, value: text });
  const mdast = parseMarkdown(vfile);
  const fmNode = mdast.children[0]?.type === 'yaml' ? mdast.children[0] : undefined;
  if (!fmNode) {
    return {
      diagnostics: [
        {
          file: shown,
          line: 1,
          column: 1,
          severity: 'error',
          message: 'brief.md has no front matter',
          ruleId: 'frontmatter-missing',
          hint: 'Start the file with a block between two `---` lines holding title, authors, date and summary.',
        },
      ],
    };
  }
  const v = validateYaml(
    { file: shown, text, offset: fmNode.position!.start.offset! + 4, yaml: fmNode.value },
    frontMatterSchema,
    'frontmatter-schema',
  );
  if (!v.ok) return { diagnostics: v.diagnostics };
  const fm = v.value;
  mdast.children.shift();
  const { series } = src;
  const diagnostics: Diagnostic[] = [];
  const fmLine = fmNode.position!.start.line;

  const common = { briefDir: dir, root: series.root, rawHtml: series.rawHtml, ids: new Set<string>() };
  const body = await toHast(mdast, vfile, { ...common, qa: series.format === 'qa', kind: 'body', idPrefix: '' });
  diagnostics.push(...toDiagnostics(vfile, shown));
  const images: ImageAsset[] = [...(vfile.data.images ?? [])];

  // A Markdown fragment (bio, boilerplate): parsed with the same plugins, messages at its file.
  const fragment = async (markdown: string, where: string, lineOffset: number, idPrefix: string, baseDir = dir): Promise<HastRoot> => {
    const f = new VFile({ path: where, value: markdown });
    const tree = await toHast(parseMarkdown(f), f, { ...common, briefDir: baseDir, qa: false, kind: 'fragment', idPrefix });
    diagnostics.push(...toDiagnostics(f, displayPath(where), lineOffset));
    images.push(...(f.data.images ?? []));
    return tree;
  };

  const authors: Author[] = [];
  for (const [i, ref] of fm.authors.entries()) {
    const r = typeof ref === 'string' ? { id: ref } : ref;
    const a = src.authors.get(r.id);
    if (!a) {
      diagnostics.push({
        file: shown,
        ...linePos(text, fmLine, new RegExp(`\\b${r.id}\\b`)),
        severity: 'error',
        message: `Author \`${r.id}\` has no file authors/${r.id}.md`,
        ruleId: 'author-missing',
        hint: `Create ${displayPath(path.join(series.root, 'authors', `${r.id}.md`))} with front matter \`name:\` and the bio, or fix the name.`,
      });
      continue;
    }
    const bio = r.bio
      ? await fragment(r.bio, file, fmLine, `bio${i}-`)
      : await fragment(a.bio, a.file, a.bioLineOffset, `bio${i}-`, path.dirname(a.file));
    authors.push({
      id: a.id,
      name: a.config.name,
      title: r.title ?? a.config.title,
      affiliation: a.config.affiliation,
      bio,
      bioText: toString(bio).trim(),
    });
  }

  const values: Record<string, string> = {
    year: fm.date.slice(0, 4),
    publisher: series.publisher,
    publisherShort: series.publisherShort,
    series: series.name,
    title: fm.title,
  };
  const boiler = async (which: 'disclaimer' | 'copyright'): Promise<HastRoot> => {
    const override = fm[which];
    const where = override ? file : src[which].file;
    const filled = fillPlaceholders(override ?? src[which].text, values, displayPath(where));
    diagnostics.push(...filled.diagnostics);
    return fragment(filled.text, where, override ? fmLine : 0, `${which}-`);
  };
  const disclaimer = await boiler('disclaimer');
  const copyright = await boiler('copyright');

  const notes: HastRoot = vfile.data.notes ?? { type: 'root', children: [] };
  diagnostics.push(...checkFragments([body, notes], shown));
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };

  const identifier = fm.identifier ?? `urn:uuid:${uuidV5(`${series.identifier.namespace}/${slug}`)}`;
  const brief: Brief = {
    slug,
    dir,
    file,
    title: fm.title,
    subtitle: fm.subtitle,
    authors,
    date: fm.date,
    number: fm.number,
    identifier,
    keywords: fm.keywords,
    summary: fm.summary.trim(),
    language: fm.language ?? series.language,
    series,
    body,
    notes,
    questions: vfile.data.questions ?? [],
    disclaimer,
    copyright,
    copyrightText: toString(copyright).trim(),
    images: dedupe(images),
    sources: [file, ...src.sources, ...authors.map((a) => src.authors.get(a.id)!.file), ...images.map((i) => i.path)],
  };
  return { value: brief, diagnostics };
}

function dedupe(images: ImageAsset[]): ImageAsset[] {
  const seen = new Map<string, ImageAsset>();
  for (const i of images) if (!seen.has(i.hash)) seen.set(i.hash, i);
  return [...seen.values()];
}

/** Line and column of the first match of `re` in the front matter (starting at line `from`). */
function linePos(text: string, from: number, re: RegExp): { line: number; column: number } {
  const lines = text.split('\n');
  for (let i = from - 1; i < lines.length; i++) {
    const m = re.exec(lines[i]!);
    if (m) return { line: i + 1, column: m.index + 1 };
  }
  return { line: from, column: 1 };
}

/**
 * Read one brief folder into the Brief model: front matter (validated), body, authors' bios,
 * boilerplate with placeholders filled. Nothing is written; problems come back as Diagnostics.
 */
import path from 'node:path';
import type { Root as HastRoot } from 'hast';
import { toString } from 'hast-util-to-string';
import { VFile } from 'vfile';
import { frontMatterSchema } from '../config/schema.js';
import { keyPosition, validateYaml, valuePlacer, type Placer } from '../config/validate.js';
import type { Author, Brief, ImageAsset } from '../model/brief.js';
import { toDiagnostics } from '../pipeline/messages.js';
import { checkFragments } from '../pipeline/fragments.js';
import { parseMarkdown, toHast } from '../pipeline/processor.js';
import type { Diagnostic } from '../util/diagnostics.js';
import { displayPath } from '../util/paths.js';
import { fillPlaceholders } from './placeholders.js';
import type { Loaded, SeriesSource } from './series.js';
import { scanBrief, type ScannedBrief } from '../build/scan.js';
import { defaultIdentifier } from '../build/entry.js';

/** Read a brief; `scanned` is brief.md as the build already read it (the same bytes: read once). */
export async function readBrief(src: SeriesSource, dir: string, scanned: ScannedBrief = scanBrief(dir, src.roots)): Promise<Loaded<Brief>> {
  const file = path.join(dir, 'brief.md');
  const shown = displayPath(file);
  const slug = path.basename(dir);
  if (!scanned.source) return { diagnostics: scanned.diagnostics };
  const text = scanned.text;
  const vfile = new VFile({ path: file, value: text });
  const mdast = parseMarkdown(vfile);
  const fmNode = mdast.children[0]?.type === 'yaml' ? mdast.children[0] : undefined;
  if (!fmNode) {
    return {
      diagnostics: [
        ...scanned.diagnostics,
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
  const yaml = { file: shown, text, offset: fmNode.position!.start.offset! + 4, yaml: fmNode.value };
  const v = validateYaml(yaml, frontMatterSchema, 'frontmatter-schema');
  if (!v.ok) return { diagnostics: [...scanned.diagnostics, ...v.diagnostics] };
  const fm = v.value;
  mdast.children.shift();
  const { series } = src;
  const diagnostics: Diagnostic[] = [...scanned.diagnostics];
  // Messages about a Markdown value of the front matter go to its place in brief.md (at its key
  // when the value is not written out there, e.g. an alias).
  const placeOf = (at: (string | number)[]): Placer => valuePlacer(yaml, v.doc, at) ?? (() => keyPosition(yaml, v.doc, at));

  const common = { briefDir: dir, root: series.root, rawHtml: series.rawHtml, ids: new Set<string>() };
  const body = await toHast(mdast, vfile, { ...common, qa: series.format === 'qa', kind: 'body', idPrefix: '' });
  diagnostics.push(...toDiagnostics(vfile, shown));
  const images: ImageAsset[] = [...(vfile.data.images ?? [])];
  const imageReads = [...(vfile.data.imageReads ?? [])];

  // A Markdown fragment (bio, boilerplate): parsed with the same plugins, messages at its file:
  // lines shifted by `place` (a file's body after its front matter), or placed by `place` (a
  // front matter value, src/config/validate.ts valuePlacer).
  const fragment = async (markdown: string, where: string, place: number | Placer, idPrefix: string, baseDir = dir): Promise<HastRoot> => {
    const f = new VFile({ path: where, value: markdown });
    const tree = await toHast(parseMarkdown(f), f, { ...common, briefDir: baseDir, qa: false, kind: 'fragment', idPrefix });
    diagnostics.push(...placed(toDiagnostics(f, displayPath(where), typeof place === 'number' ? place : 0), place));
    images.push(...(f.data.images ?? []));
    imageReads.push(...(f.data.imageReads ?? []));
    return tree;
  };

  const authors: Author[] = [];
  for (const [i, ref] of fm.authors.entries()) {
    const r = typeof ref === 'string' ? { id: ref } : ref;
    const a = src.authors.get(r.id);
    const broken = src.faults.get(path.join(series.root, 'authors', `${r.id}.md`));
    if (!a && broken) {
      // The author file is there but cannot be used: its own messages fail this brief.
      diagnostics.push(...broken);
      continue;
    }
    if (!a) {
      diagnostics.push({
        file: shown,
        ...keyPosition(yaml, v.doc, typeof ref === 'string' ? ['authors', i] : ['authors', i, 'id']),
        severity: 'error',
        message: `Author \`${r.id}\` has no file authors/${r.id}.md`,
        ruleId: 'author-missing',
        hint: `Create ${displayPath(path.join(series.root, 'authors', `${r.id}.md`))} with front matter \`name:\` and the bio, or fix the name.`,
      });
      continue;
    }
    const bio = r.bio
      ? await fragment(r.bio, file, placeOf(['authors', i, 'bio']), `bio${i}-`)
      : await fragment(a.bio, a.file, a.bioLineOffset, `bio${i}-`, path.dirname(a.file));
    authors.push({
      id: a.id,
      name: a.config.name,
      title: r.title ?? a.config.title,
      affiliation: a.config.affiliation,
      bio,
      bioLanguage: r.bio ? (fm.language ?? series.language) : series.language,
      // The title and affiliation: the author file's (the series' language), or the brief's title override.
      roleLanguage: r.title && !a.config.affiliation ? (fm.language ?? series.language) : series.language,
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
    const broken = override ? undefined : src.faults.get(path.resolve(src[which].file));
    if (broken) {
      diagnostics.push(...broken);
      return { type: 'root', children: [] };
    }
    const where = override ? file : src[which].file;
    const place = override ? placeOf([which]) : 0;
    const filled = fillPlaceholders(override ?? src[which].text, values, displayPath(where));
    diagnostics.push(...placed(filled.diagnostics, place));
    return fragment(filled.text, where, place, `${which}-`);
  };
  const disclaimer = await boiler('disclaimer');
  const copyright = await boiler('copyright');

  const notes: HastRoot = vfile.data.notes ?? { type: 'root', children: [] };
  diagnostics.push(...checkFragments([body, notes], shown));
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };

  const identifier = fm.identifier ?? defaultIdentifier(series, slug);
  // What was read, with the hash of the bytes read (never read again to key the cache).
  const seriesRead = (f: string) => {
    const r = src.files.get(f);
    return r ? [{ path: f, hash: r.hash }] : [];
  };
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
    sources: [
      { path: file, hash: scanned.source.hash },
      ...src.sources.flatMap(seriesRead),
      ...authors.flatMap((a) => seriesRead(src.authors.get(a.id)!.file)),
      ...imageReads,
    ],
  };
  return { value: brief, diagnostics };
}

/** Diagnostics of a front matter value, moved to their place in brief.md. */
function placed(ds: Diagnostic[], place: number | Placer): Diagnostic[] {
  if (typeof place !== 'function') return ds;
  return ds.map((d) => (d.line > 0 ? { ...d, ...place(d.line, d.column) } : d));
}

function dedupe(images: ImageAsset[]): ImageAsset[] {
  const seen = new Map<string, ImageAsset>();
  for (const i of images) if (!seen.has(i.hash)) seen.set(i.hash, i);
  return [...seen.values()];
}

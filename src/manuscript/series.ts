/**
 * Read the series-level files of a manuscript folder: series.yaml, authors/, boilerplate/.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { authorSchema, seriesSchema, type AuthorConfig } from '../config/schema.js';
import { keyPosition, validateYaml } from '../config/validate.js';
import type { Series } from '../model/brief.js';
import { splitFrontMatter } from './frontmatter.js';
import type { Diagnostic } from '../util/diagnostics.js';
import { displayPath } from '../util/paths.js';
import { decodeText, isSymlink, readSource, realRoots, type SourceFile } from './source.js';

export interface AuthorSource {
  id: string;
  config: AuthorConfig;
  /** The bio (Markdown, the file's body). */
  bio: string;
  /** The author file's path. */
  file: string;
  /** Lines before the bio in the file (to report the bio's messages at their place). */
  bioLineOffset: number;
}

export interface SeriesSource {
  series: Series;
  authors: Map<string, AuthorSource>;
  /** Raw Markdown of the boilerplate, with placeholders. */
  disclaimer: { text: string; file: string };
  copyright: { text: string; file: string };
  /** The series-level files every brief reads (series.yaml, boilerplate); author files are in `authors`. */
  sources: string[];
  /** Real path of the manuscript folder: every manuscript file must resolve inside it (src/manuscript/source.ts). */
  roots: string[];
  /** Every file read, as read (bytes hashed once): series.yaml, author files, boilerplate. */
  files: Map<string, SourceFile>;
  /**
   * Errors of author and boilerplate files, by absolute path: they fail only the briefs that use
   * the file (src/manuscript/brief.ts), not the series.
   */
  faults: Map<string, Diagnostic[]>;
  /** Where series.yaml names the theme (for a theme that cannot be loaded). */
  themeAt: { file: string; line: number; column: number };
}

export type Loaded<T> = { value?: T; diagnostics: Diagnostic[] };

/**
 * Read series.yaml, the author files and the boilerplate. Only a series.yaml that cannot be read
 * leaves no value (nothing can be built without it); a broken author or boilerplate file is kept
 * in `faults` for the briefs that use it. `diagnostics` then holds warnings only.
 */
export function readSeries(root: string): Loaded<SeriesSource> {
  const diagnostics: Diagnostic[] = [];
  const faults = new Map<string, Diagnostic[]>();
  const fault = (f: string, ds: Diagnostic[]) => faults.set(path.resolve(f), [...(faults.get(path.resolve(f)) ?? []), ...ds]);
  const file = path.join(root, 'series.yaml');
  if (!existsSync(file)) {
    return {
      diagnostics: [
        {
          file: displayPath(root),
          line: 0,
          column: 0,
          severity: 'error',
          message: 'No series.yaml in the manuscript folder',
          ruleId: 'series-missing',
          hint: 'Point briefpress at a manuscript folder (one with series.yaml), or make a new series with `briefpress init <folder>`.',
        },
      ],
    };
  }
  const roots = realRoots([root]);
  const files = new Map<string, SourceFile>();
  const readText = (f: string, what: string): string | undefined => {
    const r = readSource(f, roots, what);
    if (!r.ok) {
      fault(f, [r.diagnostic]);
      return undefined;
    }
    files.set(f, r.file);
    const d = decodeText(r.file);
    diagnostics.push(...d.diagnostics);
    return d.text;
  };
  const text = readText(file, 'series.yaml');
  if (text === undefined) return { diagnostics: [...faults.get(path.resolve(file))!, ...diagnostics] };
  const yaml = { file: displayPath(file), text, offset: 0, yaml: text };
  const v = validateYaml(yaml, seriesSchema, 'series-schema');
  if (!v.ok) return { diagnostics: [...diagnostics, ...v.diagnostics] };
  const c = v.value;
  const themeAt = { file: displayPath(file), ...keyPosition(yaml, v.doc, ['theme'], 'value') };
  const series: Series = {
    name: c.name,
    publisher: c.publisher,
    publisherShort: c.publisherShort ?? c.publisher,
    publisherUrl: c.publisherUrl,
    language: c.language,
    description: c.description,
    theme: c.theme,
    identifier: c.identifier ?? { scheme: 'uuid', namespace: `${c.publisher}/${c.name}` },
    format: c.format,
    rawHtml: c.rawHtml,
    root: path.resolve(root),
    ...(c.lint ? { lint: c.lint } : {}),
  };
  const sources = [file];
  const authors = new Map<string, AuthorSource>();
  const authorsDir = path.join(root, 'authors');
  let authorFiles: string[] = [];
  try {
    authorFiles = existsSync(authorsDir) ? readdirSync(authorsDir).sort() : [];
  } catch (e) {
    diagnostics.push({
      file: displayPath(authorsDir),
      line: 0,
      column: 0,
      severity: 'warning',
      message: `authors/ cannot be listed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): no author file was read`,
      ruleId: 'input-unreadable',
      hint: 'authors/ must be a folder holding one <id>.md file per author.',
    });
  }
  for (const name of authorFiles) {
    if (!name.endsWith('.md')) continue;
    const afile = path.join(authorsDir, name);
    const atext = readText(afile, 'author file');
    if (atext === undefined) continue;
    const split = splitFrontMatter(atext);
    if (!split) {
      fault(afile, [
        {
          file: displayPath(afile),
          line: 1,
          column: 1,
          severity: 'error',
          message: 'Author file has no front matter',
          ruleId: 'author-schema',
          hint: 'Start the file with ---, `name: ...`, ---, then the bio.',
        },
      ]);
      continue;
    }
    const av = validateYaml({ file: displayPath(afile), text: atext, offset: split.yamlOffset, yaml: split.yaml }, authorSchema, 'author-schema');
    if (!av.ok) {
      fault(afile, av.diagnostics);
      continue;
    }
    authors.set(name.slice(0, -3), { id: name.slice(0, -3), config: av.value, bio: split.body, file: afile, bioLineOffset: split.bodyLineOffset });
  }
  const boiler = (name: 'disclaimer' | 'copyright') => {
    const bfile = path.join(root, 'boilerplate', `${name}.md`);
    if (!existsSync(bfile) && !isSymlink(bfile)) {
      fault(bfile, [
        {
          file: displayPath(bfile),
          line: 0,
          column: 0,
          severity: 'error',
          message: `The series ${name} is missing`,
          ruleId: 'boilerplate-missing',
          hint: `Create boilerplate/${name}.md (placeholders: {{year}}, {{publisher}}, {{publisherShort}}, {{series}}, {{title}}).`,
        },
      ]);
      return { text: '', file: bfile };
    }
    const btext = readText(bfile, `series ${name}`);
    if (btext === undefined) return { text: '', file: bfile };
    sources.push(bfile);
    return { text: btext, file: bfile };
  };
  const disclaimer = boiler('disclaimer');
  const copyright = boiler('copyright');
  return { value: { series, authors, disclaimer, copyright, sources, roots, files, faults, themeAt }, diagnostics };
}

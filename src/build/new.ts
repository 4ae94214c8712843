/**
 * `briefpress new`: scaffold `briefs/<slug>/brief.md` in a series, front matter filled in (next number,
 * today's date, an author) and the theme's sample body (templates/<theme>/new-brief.md).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { slugRe } from '../config/schema.js';
import { yamlLimits } from '../config/validate.js';
import { findManuscript } from '../manuscript/find.js';
import { readSeries } from '../manuscript/series.js';
import { readSource } from '../manuscript/source.js';
import { renderTemplate } from '../theme/template.js';
import { loadTheme } from '../theme/theme.js';
import { BriefpressError, type Diagnostic } from '../util/diagnostics.js';
import { displayPath } from '../util/paths.js';
import { writeAtomic } from '../util/write.js';
import { planSeries } from './plan.js';
import { scanBrief } from './scan.js';

export interface NewBriefOptions {
  slug: string;
  /** The series folder. Default `manuscript`. */
  input?: string;
  /** Default: the slug in title case. */
  title?: string;
  /** Author id (a file stem in authors/). Default: the first author of the series' latest brief. */
  author?: string;
  /** `YYYY-MM-DD`. Default: today (local time). */
  date?: string;
}

export interface NewBriefResult {
  file: string;
  slug: string;
  number: number;
}

export function newBrief(options: NewBriefOptions): NewBriefResult {
  const input = path.resolve(options.input ?? 'manuscript');
  const series = readSeries(input);
  if (!series.value) throw new BriefpressError(series.diagnostics);
  const src = series.value;
  const dir = path.join(input, 'briefs', options.slug);
  const err = (ruleId: string, message: string, hint: string, file = dir): never => {
    const d: Diagnostic = { file: displayPath(file), line: 0, column: 0, severity: 'error', message, ruleId, hint };
    throw new BriefpressError([d]);
  };
  if (!slugRe.test(options.slug)) {
    err('slug-invalid', `\`${options.slug}\` is not a valid slug`, 'Use lower-case letters, digits and single hyphens, e.g. `kerry-in-russia`: it becomes the folder, the file names and the URL.');
  }
  if (existsSync(dir)) err('duplicate-slug', `The series already has a brief \`${options.slug}\``, 'Choose another slug, or edit the existing brief.');
  const date = options.date ?? today();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) err('frontmatter-schema', `The date \`${date}\` is not YYYY-MM-DD`, 'Give a date such as 2015-05-12.');

  const briefs = findManuscript(input).briefDirs.map((d) => scanBrief(d, src.roots));
  const plan = planSeries(briefs);
  const number = Math.max(0, ...plan.numbers.values(), ...briefs.map((b) => b.head?.number ?? 0)) + 1;

  const known = [...src.authors.keys()];
  let author = options.author;
  if (author === undefined) {
    const latest = plan.order[plan.order.length - 1];
    author = latest ? firstAuthor(path.join(input, 'briefs', latest, 'brief.md'), src.roots) : undefined;
    author ??= known[0];
  }
  if (!author) err('author-missing', 'The series has no author yet', 'Create authors/<id>.md (front matter `name:`, then the bio), then pass --author <id>.', path.join(input, 'authors'));
  const broken = src.faults.get(path.join(src.series.root, 'authors', `${author}.md`));
  if (broken) throw new BriefpressError(broken);
  if (!src.authors.has(author!)) {
    err('author-missing', `No author \`${author}\` in authors/`, known.length ? `Known authors: ${known.join(', ')}.` : 'Create authors/<id>.md first.', path.join(input, 'authors'));
  }

  const frontMatter = stringifyYaml(
    {
      title: options.title ?? titleFromSlug(options.slug),
      authors: [author],
      date,
      number,
      language: src.series.language,
      summary: 'One or two sentences on what this brief explains: the catalog summary, the EPUB description and the PDF subject.',
      keywords: [],
    },
    { lineWidth: 0 },
  );
  const theme = loadTheme(src.series.theme, input, src.themeAt);
  const text = renderTemplate(theme.read('new-brief.md'), { frontMatter: frontMatter.trimEnd(), series: src.series.name }, 'new-brief.md');
  const file = path.join(dir, 'brief.md');
  writeAtomic(file, text);
  return { file, slug: options.slug, number };
}

function firstAuthor(file: string, roots: string[]): string | undefined {
  const r = readSource(file, roots, 'brief.md');
  if (!r.ok) return undefined;
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(r.file.bytes.toString('utf8'));
  try {
    const a = (parseYaml(m?.[1] ?? '', { maxAliasCount: yamlLimits.maxAliasCount }) as { authors?: unknown[] } | null)?.authors?.[0];
    return typeof a === 'string' ? a : a && typeof a === 'object' && 'id' in a ? String((a as { id: unknown }).id) : undefined;
  } catch {
    return undefined;
  }
}

function titleFromSlug(slug: string): string {
  const small = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'vs']);
  return slug
    .split('-')
    .map((w, i) => (i > 0 && small.has(w) ? w : w.charAt(0).toUpperCase() + w.slice(1)))
    .join(' ');
}

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

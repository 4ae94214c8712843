/**
 * A synthetic series shaped like the sample (manuscript/): the same series.yaml, authors and
 * boilerplate, and N briefs made from the sample brief with their own slug, title and date.
 * Used by `npm run bench` and the series tests.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sample = path.join(repoRoot, 'manuscript');

export interface SyntheticBrief {
  slug: string;
  title?: string;
  date?: string;
  number?: number;
  /** Replace the whole brief.md. */
  text?: string;
}

/** Create a series folder (in a new temp folder unless `dir` is given) and return its path. */
export function makeSeries(briefs: number | SyntheticBrief[], dir?: string): string {
  const root = dir ?? path.join(mkdtempSync(path.join(os.tmpdir(), 'briefpress-series-')), 'manuscript');
  mkdirSync(path.join(root, 'briefs'), { recursive: true });
  cpSync(path.join(sample, 'series.yaml'), path.join(root, 'series.yaml'));
  cpSync(path.join(sample, 'authors'), path.join(root, 'authors'), { recursive: true });
  cpSync(path.join(sample, 'boilerplate'), path.join(root, 'boilerplate'), { recursive: true });
  const list = typeof briefs === 'number' ? Array.from({ length: briefs }, (_, i) => syntheticBrief(i)) : briefs;
  for (const b of list) writeBrief(root, b);
  return root;
}

/** The i-th brief of a synthetic series: one a week from 2015-01-05. */
export function syntheticBrief(i: number): SyntheticBrief {
  const d = new Date(Date.UTC(2015, 0, 5 + 7 * i));
  return { slug: `brief-${String(i + 1).padStart(3, '0')}`, title: `Critical Question ${i + 1}`, date: d.toISOString().slice(0, 10) };
}

export function writeBrief(root: string, b: SyntheticBrief): string {
  const dir = path.join(root, 'briefs', b.slug);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'brief.md');
  writeFileSync(file, b.text ?? briefText(b));
  return file;
}

/** The sample brief's text with another title, date and (optionally) number. */
export function briefText(b: SyntheticBrief): string {
  let text = readFileSync(path.join(sample, 'briefs/kerry-in-russia/brief.md'), 'utf8');
  if (b.title) text = text.replace(/^title: .*$/m, `title: ${JSON.stringify(b.title)}`);
  if (b.date) text = text.replace(/^date: .*$/m, `date: ${b.date}`);
  if (b.number !== undefined) text = text.replace(/^date: .*$/m, (m) => `${m}\nnumber: ${b.number}`);
  return text;
}

/**
 * A quick look at every brief of a series, every build: the bytes of brief.md (read once, hashed) and
 * its front matter (YAML only, no Markdown), from which the series is numbered, neighbours are linked
 * and an unchanged brief's catalog entry is made (src/build/entry.ts): never from the build cache. The
 * full read (src/manuscript/brief.ts) parses the same bytes and happens only for briefs that must be
 * rebuilt; a brief whose front matter does not parse here is left out of the numbering, and its full
 * read reports why.
 */
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { yamlLimits } from '../config/validate.js';
import { decodeText, readSource, type SourceFile } from '../manuscript/source.js';
import type { Diagnostic } from '../util/diagnostics.js';

export interface BriefHead {
  title: string;
  /** ISO date `YYYY-MM-DD`. */
  date: string;
  /** Front matter `number`, when given. */
  number?: number;
  /** 1-based line and column of the `number:` key (for duplicate-number messages). */
  numberAt?: { line: number; column: number };
}

export interface ScannedBrief {
  slug: string;
  dir: string;
  /** Absolute path of brief.md. */
  file: string;
  /** sha256 of brief.md ('' when it could not be read). */
  hash: string;
  /** brief.md as read (once: the full read parses these same bytes); undefined when it could not be read. */
  source?: SourceFile;
  /** brief.md's text (decoded from `source`). */
  text: string;
  /** Why brief.md could not be read, and warnings about its text (encoding). */
  diagnostics: Diagnostic[];
  /** Undefined when the front matter is missing or does not parse (the full read will say why). */
  head?: BriefHead;
  /** The front matter as parsed (not validated), when it parses. */
  frontMatter?: Record<string, unknown>;
}

/** Scan one brief folder: brief.md read inside `roots` (real paths) and its front matter parsed. */
export function scanBrief(dir: string, roots: string[]): ScannedBrief {
  const file = path.join(dir, 'brief.md');
  const slug = path.basename(dir);
  const read = readSource(file, roots, 'brief.md');
  if (!read.ok) return { slug, dir, file, hash: '', text: '', diagnostics: [read.diagnostic] };
  const { text, diagnostics } = decodeText(read.file);
  const hash = read.file.hash;
  const fm = parseFrontMatter(text);
  return { slug, dir, file, hash, source: read.file, text, diagnostics, head: fm && headOf(fm.data, fm.block), frontMatter: fm?.data };
}

const fmRe = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** The front matter's YAML as data (and the block's text); undefined when there is none or it does not parse. */
function parseFrontMatter(text: string): { data: Record<string, unknown>; block: string } | undefined {
  const m = fmRe.exec(text);
  if (!m) return undefined;
  let data: unknown;
  try {
    data = parseYaml(m[1]!, { maxAliasCount: yamlLimits.maxAliasCount });
  } catch {
    return undefined;
  }
  return data && typeof data === 'object' && !Array.isArray(data) ? { data: data as Record<string, unknown>, block: m[0] } : undefined;
}

export function readHead(text: string): BriefHead | undefined {
  const fm = parseFrontMatter(text);
  return fm && headOf(fm.data, fm.block);
}

function headOf(d: Record<string, unknown>, block: string): BriefHead | undefined {
  const date = d.date instanceof Date ? d.date.toISOString().slice(0, 10) : d.date;
  if (typeof d.title !== 'string' || typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const head: BriefHead = { title: d.title, date };
  if (d.number !== undefined) {
    if (typeof d.number !== 'number' || !Number.isInteger(d.number) || d.number < 1) return undefined;
    head.number = d.number;
    const lines = block.split('\n');
    const i = lines.findIndex((l) => /^number\s*:/.test(l));
    if (i >= 0) head.numberAt = { line: i + 1, column: /^number\s*:\s*/.exec(lines[i]!)![0].length + 1 };
  }
  return head;
}

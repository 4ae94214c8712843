/**
 * The EPUBs of the sample and of every fixture brief, checked by the real validators:
 * W3C epubcheck (0 errors, 0 warnings) and DAISY Ace (0 violations, accessibility metadata present).
 * Each book is built once and validated once (the tools cost 7-12 s a run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEpubs, epubFixtures, epubPath, sampleManuscript } from './helpers/epub.js';
import { runAce, runEpubcheck, type AceResult, type EpubcheckResult } from './helpers/validators.js';

const books = [
  { name: 'sample kerry-in-russia', input: sampleManuscript, slug: 'kerry-in-russia' },
  { name: 'fixture rich-features (tables, notes, images, lists, code)', input: epubFixtures, slug: 'rich-features' },
  { name: 'fixture russian-brief (Cyrillic, ru)', input: epubFixtures, slug: 'russian-brief' },
];

let tmp: string;
const epubcheck = new Map<string, EpubcheckResult>();
const ace = new Map<string, AceResult>();

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'briefpress-epub-validate-'));
  const outs = new Map<string, string>();
  for (const input of new Set(books.map((b) => b.input))) {
    const out = path.join(tmp, String(outs.size));
    await buildEpubs(input, out);
    outs.set(input, out);
  }
  const file = (b: (typeof books)[number]) => epubPath(outs.get(b.input)!, b.slug);
  // Two at a time: the machine has two cores and each tool is single-book.
  for (const b of books) {
    const [check, report] = await Promise.all([runEpubcheck(file(b)), runAce(file(b))]);
    epubcheck.set(b.slug, check);
    ace.set(b.slug, report);
  }
}, 300_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe.each(books)('$name', ({ slug }) => {
  it('passes epubcheck with 0 errors and 0 warnings', () => {
    const r = epubcheck.get(slug)!;
    expect(r.messages.filter((m) => m.severity !== 'USAGE' && m.severity !== 'INFO'), r.output).toEqual([]);
    expect({ fatals: r.fatals, errors: r.errors, warnings: r.warnings, exitCode: r.exitCode }).toEqual({ fatals: 0, errors: 0, warnings: 0, exitCode: 0 });
  });

  it('passes Ace with 0 violations and complete accessibility metadata', () => {
    const r = ace.get(slug)!;
    expect(r.violations, r.output).toEqual([]);
    expect(r.outcome).toBe('pass');
    expect(r.exitCode).toBe(0);
    expect(r.metadata.present).toEqual(
      expect.arrayContaining([
        'schema:accessMode',
        'schema:accessModeSufficient',
        'schema:accessibilityFeature',
        'schema:accessibilityHazard',
        'schema:accessibilitySummary',
        'dcterms:conformsTo',
        'a11y:certifiedBy',
      ]),
    );
    expect(r.metadata.empty).toEqual([]);
  });
});

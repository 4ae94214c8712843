/** The library's contract (README "Library"): what build() returns and throws, and diagnostics as VFileMessages. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VFileMessage } from 'vfile-message';
import { afterAll, describe, expect, it } from 'vitest';
import { build, BriefpressError, check, EnvironmentError, init, toVFileMessages, toVFiles, type BuildEvent, type Diagnostic } from '../src/api.js';
import { repoRoot } from './helpers/cli.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'bp-api-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the sample manuscript with a second brief whose date is broken (line 9, column 7). */
function brokenSeries(name: string): string {
  const ms = path.join(tmp, name);
  cpSync(path.join(repoRoot, 'manuscript'), ms, { recursive: true });
  cpSync(path.join(ms, 'briefs', 'kerry-in-russia'), path.join(ms, 'briefs', 'broken'), { recursive: true });
  const f = path.join(ms, 'briefs', 'broken', 'brief.md');
  const text = readFileSync(f, 'utf8').replace('date: 2015-05-12', 'date: 12 May 2015');
  writeFileSync(f, text);
  return ms;
}

/** What vfile-reporter prints of a file's messages, from the fields it reads. */
function report(files: ReturnType<typeof toVFiles>): string {
  return files
    .map((f) => [f.path, ...f.messages.map((m) => `  ${m.line ?? 0}:${m.column ?? 0}  ${m.fatal ? 'error' : m.fatal === false ? 'warning' : 'info'}  ${m.reason}  ${m.ruleId}  ${m.source}`)].join('\n'))
    .join('\n');
}

describe('the library', () => {
  it('build() returns ok: false for a brief that fails, throws BriefpressError for the series and EnvironmentError without Chromium', async () => {
    const ms = brokenSeries('series');
    const events: BuildEvent['type'][] = [];
    const r = await build({ input: ms, outDir: path.join(tmp, 'out'), formats: ['html'], onEvent: (e) => events.push(e.type) });
    expect(r.ok).toBe(false);
    expect(r.briefs.map((b) => [b.slug, b.ok])).toEqual([
      ['broken', false],
      ['kerry-in-russia', true],
    ]);
    expect(r.briefs[0]!.diagnostics[0]).toMatchObject({ line: 9, column: 7, severity: 'error', ruleId: 'frontmatter-schema' });
    expect(events).toEqual(expect.arrayContaining(['read', 'brief-start', 'brief-done', 'brief-failed', 'series-done']));
    expect(r.outDir).toBe(path.join(tmp, 'out'));

    const missing = await build({ input: path.join(tmp, 'nowhere'), outDir: path.join(tmp, 'out2') }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(BriefpressError);
    expect((missing as BriefpressError).diagnostics[0]).toMatchObject({ ruleId: 'series-missing' });

    const before = process.env.PUPPETEER_EXECUTABLE_PATH;
    process.env.PUPPETEER_EXECUTABLE_PATH = '/nonexistent/chromium';
    try {
      const noChromium = await build({ input: path.join(repoRoot, 'manuscript'), outDir: path.join(tmp, 'out3'), formats: ['pdf'], cache: false }).catch((e: unknown) => e);
      expect(noChromium).toBeInstanceOf(EnvironmentError);
    } finally {
      if (before === undefined) delete process.env.PUPPETEER_EXECUTABLE_PATH;
      else process.env.PUPPETEER_EXECUTABLE_PATH = before;
    }
  });

  it('gives diagnostics as VFileMessages (file, line, column, place, ruleId, source, fatal, reason, note) and VFiles for vfile-reporter', async () => {
    const ms = brokenSeries('vfile');
    const result = await check({ input: ms, outDir: path.join(tmp, 'never-built') });
    const ds: Diagnostic[] = result.diagnostics;
    const messages = toVFileMessages(ds);
    expect(messages).toHaveLength(ds.length);
    const date = messages.find((m) => m.ruleId === 'frontmatter-schema')!;
    expect(date).toBeInstanceOf(VFileMessage);
    expect(date).toBeInstanceOf(Error);
    expect(date).toMatchObject({
      file: expect.stringMatching(/briefs\/broken\/brief\.md$/),
      line: 9,
      column: 7,
      place: { line: 9, column: 7 },
      ruleId: 'frontmatter-schema',
      source: 'briefpress',
      fatal: true,
      reason: '`date` must be a date written YYYY-MM-DD',
      message: '`date` must be a date written YYYY-MM-DD',
      note: expect.stringContaining('YYYY-MM-DD'),
    });
    expect(date.name).toBe('9:7');
    // a warning of the editorial lint: fatal false; an edition not built: info (fatal undefined), no place
    expect(messages.find((m) => m.ruleId === 'repeated-words')).toMatchObject({ fatal: false, source: 'briefpress', line: expect.any(Number) });
    const info = messages.find((m) => m.ruleId === 'edition-missing')!;
    expect(info.fatal).toBeUndefined();
    expect(info.place).toBeUndefined();
    expect(info.line).toBeUndefined();

    const files = toVFiles(ds);
    expect(files.reduce((n, f) => n + f.messages.length, 0)).toBe(ds.length);
    expect(new Set(files.map((f) => f.path)).size).toBe(files.length);
    const text = report(files);
    expect(text).toContain(`${date.file}\n`);
    expect(text).toContain('  9:7  error  `date` must be a date written YYYY-MM-DD  frontmatter-schema  briefpress');
  });

  it('init() makes a series that build() builds', async () => {
    const r = init({ dir: path.join(tmp, 'made'), publisher: 'Example Institute', series: 'Notes' });
    expect(r.files.map((f) => path.relative(r.dir, f)).sort()).toContain(path.join('briefs', 'sample-brief', 'brief.md'));
    const b = await build({ input: r.dir, outDir: path.join(tmp, 'made-out'), formats: ['html', 'epub'] });
    expect(b.ok).toBe(true);
    expect(b.seriesFiles.some((f) => f.path.endsWith('opds.xml'))).toBe(true);
    expect(() => init({ dir: r.dir })).toThrow(BriefpressError);
  });
});

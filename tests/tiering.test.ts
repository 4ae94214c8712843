/**
 * V8's optimizing compiler is off for a short `build` (src/util/young.ts, src/cli/heap.ts,
 * src/api.ts): compiling hot functions cost a build of the sample more CPU on V8's background threads
 * than it saved. These tests show that the switch really stops and restarts optimization (V8's own
 * status of a hot function), that it survives a worker thread's start (which puts V8's flags back),
 * and which builds the CLI runs with it off.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { briefText, makeSeries, syntheticBrief } from '../scripts/synthetic-series.js';
import { runCli, repoRoot } from './helpers/cli.js';

const young = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'util', 'young.ts')).href;

/** Whether a function run hot is optimized by TurboFan (V8's status bit 16), in a fresh process. */
function optimized(setup: 'none' | 'off' | 'off-worker' | 'off-then-on' | 'resume-only' | 'slow' | 'slow-worker'): boolean {
  const script = `
    import { Worker } from 'node:worker_threads';
    const { optimizeCode, resumeOptimizing, afterWorkerStart, slowTierUp } = await import(${JSON.stringify(young)});
    const setup = ${JSON.stringify(setup)};
    if (setup.startsWith('off')) optimizeCode(false);
    if (setup.startsWith('slow')) slowTierUp(10000); // a budget no test run spends (670 MB of bytecode)
    if (setup === 'off-worker' || setup === 'slow-worker') {
      const w = new Worker('setTimeout(() => {}, 100)', { eval: true });
      w.once('online', afterWorkerStart);
      await new Promise((r) => w.once('online', r));
    }
    if (setup === 'off-then-on' || setup === 'resume-only') resumeOptimizing();
    const hot = new Function('x', 'let s = 0; for (let i = 0; i < 50; i++) s += (i * x) % 7; return s;');
    let t = 0;
    for (let i = 0; i < 300000; i++) t += hot(i);
    %WaitForBackgroundOptimization();
    for (let i = 0; i < 1000; i++) t += hot(i);
    console.log((%GetOptimizationStatus(hot) & 16) !== 0);`;
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim()) as boolean;
}

describe('optimizeCode', () => {
  it('keeps hot functions out of TurboFan, through a worker thread\'s start, until turned back on', () => {
    expect(optimized('none')).toBe(true); // what V8 does left alone: the test can tell
    expect(optimized('off')).toBe(false);
    expect(optimized('off-worker')).toBe(false);
    expect(optimized('off-then-on')).toBe(true);
    expect(optimized('resume-only')).toBe(true); // nothing turned it off: resuming changes nothing
  });

  it('slowTierUp raises the budget a function spends before it is optimized, through a worker thread\'s start', () => {
    expect(optimized('slow')).toBe(false);
    expect(optimized('slow-worker')).toBe(false);
  });
});

describe('the CLI\'s build', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const out = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'briefpress-tiering-'));
    dirs.push(d);
    return d;
  };
  const said = (stderr: string) => stderr.split('\n').filter((l) => l.includes("V8's optimizing compiler"));

  it('builds one brief with the optimizing compiler off', () => {
    const r = runCli(['build', 'manuscript', '--out', out(), '--format', 'html', '--quiet'], { env: { BRIEFPRESS_TRACE: '1' } });
    expect(r.code, r.stderr).toBe(0);
    expect(said(r.stderr)).toEqual(["briefpress: V8's optimizing compiler off (until the job is known to be long)"]);
  });

  it('turns it back on for a long document, with a larger young generation (32 MiB)', () => {
    // One brief of ~90 kB of Markdown (the sample's body 15 times, as the bench's report): a long document.
    const text = briefText(syntheticBrief(0));
    const end = text.indexOf('\n---', 4) + 4;
    const parts = Array.from({ length: 15 }, (_, i) => text.slice(end).replace(/^## (.*)$/gm, (_m, h: string) => `## Part ${i + 1}: ${h}`));
    expect(parts.join('\n').length).toBeGreaterThan(64 * 1024);
    const series = makeSeries([{ slug: 'long-report', text: text.slice(0, end) + parts.join('\n') }]);
    dirs.push(series);
    const r = runCli(['build', series, '--out', out(), '--format', 'html', '--quiet'], { env: { BRIEFPRESS_TRACE: '1' } });
    expect(r.code, r.stderr).toBe(0);
    expect(said(r.stderr)).toEqual([
      "briefpress: V8's optimizing compiler off (until the job is known to be long)",
      "briefpress: V8's optimizing compiler on (more than 64 kB of Markdown to build; young generation up to 32 MiB)",
    ]);
  });

  it('turns it back on for a series of more than 10 briefs, and BRIEFPRESS_OPTIMIZE=1 never turns it off', () => {
    const series = makeSeries(12);
    dirs.push(series);
    const r = runCli(['build', series, '--out', out(), '--format', 'html', '--quiet'], { env: { BRIEFPRESS_TRACE: '1' } });
    expect(r.code, r.stderr).toBe(0);
    expect(said(r.stderr)).toEqual(["briefpress: V8's optimizing compiler off (until the job is known to be long)", "briefpress: V8's optimizing compiler on (a series of 12 briefs)"]);
    const kept = runCli(['build', path.join(repoRoot, 'manuscript'), '--out', out(), '--format', 'html', '--quiet'], { env: { BRIEFPRESS_TRACE: '1', BRIEFPRESS_OPTIMIZE: '1' } });
    expect(kept.code, kept.stderr).toBe(0);
    expect(said(kept.stderr)).toEqual([]);
  });
});

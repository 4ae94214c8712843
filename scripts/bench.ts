/**
 * `npm run bench`: build synthetic series shaped like the sample and report median times and peak
 * memory. Scenarios: one brief; 20 and 100 briefs cold; 100 with one changed; 100 with none changed;
 * and, where pandoc is installed, the same 20 briefs through pandoc (EPUB, and HTML printed by
 * Chromium, one launch per document) for a ratio. Never part of the tests: times vary by machine.
 *
 *   node --import tsx scripts/bench.ts [--runs 3] [--big-runs N] [--formats html,epub,pdf] [--jobs 2] [--big 100] [--small 20]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { makeSeries, repoRoot } from './synthetic-series.js';
import { findChromium } from '../src/browser/find.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    formats: { type: 'string', default: 'html,epub,pdf' },
    big: { type: 'string', default: '100' },
    small: { type: 'string', default: '20' },
    /** Pages printing at once (build()'s `jobs`). */
    jobs: { type: 'string', default: '2' },
    /** Runs of the big cold build (the slowest); default --runs. */
    'big-runs': { type: 'string' },
  },
});
const runs = Number(values.runs);
const formats = values.formats!;
const big = Number(values.big);
const small = Number(values.small);
const jobs = values.jobs!;
const bigRuns = Number(values['big-runs'] ?? runs);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'briefpress-bench-'));

interface Sample {
  wallMs: number;
  buildMs: number;
  maxRssKb: number;
  built: number;
  cached: number;
}

function runBuild(input: string, out: string, extra: string[] = []): Sample {
  const t = performance.now();
  // The real command line, as a user runs it (`npx briefpress build`).
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'src/cli/bin.js'), 'build', input, '--out', out, '--format', formats, '--jobs', String(jobs), '--json', ...extra], { encoding: 'utf8', cwd: repoRoot });
  const wallMs = performance.now() - t;
  if (r.status !== 0) throw new Error(`build failed (${r.status}):\n${r.stderr}`);
  const j = JSON.parse(r.stdout);
  if (!j.ok) throw new Error(`build of ${input} reported errors`);
  return { wallMs, buildMs: j.ms, maxRssKb: j.peakRssKb, built: j.built, cached: j.unchanged };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

interface Row {
  name: string;
  samples: Sample[];
}
const rows: Row[] = [];

function scenario(name: string, prepare: (i: number) => { input: string; out: string }, n = runs, extra: string[] = []): Row {
  const samples: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const { input, out } = prepare(i);
    samples.push(runBuild(input, out, extra));
  }
  const row = { name, samples };
  rows.push(row);
  const s = summary(row);
  console.log(`${name.padEnd(34)} wall ${sec(s.wall).padStart(8)}  build() ${sec(s.build).padStart(8)}  peak RSS ${s.rss.toFixed(0).padStart(4)} MB  (built ${s.built}, unchanged ${s.cached})`);
  return row;
}
function summary(r: Row) {
  return {
    wall: median(r.samples.map((s) => s.wallMs)),
    build: median(r.samples.map((s) => s.buildMs)),
    rss: Math.max(...r.samples.map((s) => s.maxRssKb)) / 1024,
    built: r.samples[r.samples.length - 1]!.built,
    cached: r.samples[r.samples.length - 1]!.cached,
  };
}

console.log(`briefpress bench: ${formats}, --jobs ${jobs}, median of ${runs} runs (${bigRuns} for ${big} cold), ${os.cpus().length} CPUs, Node ${process.versions.node}`);
console.log('wall = the whole process (Node start, module loading, build); build() = the library call alone.\n');

const one = makeSeries(1, path.join(tmp, 'one'));
const twenty = makeSeries(small, path.join(tmp, 'twenty'));
const hundred = makeSeries(big, path.join(tmp, 'hundred'));
const fresh = (name: string) => () => {
  const out = path.join(tmp, `out-${name}`);
  rmSync(out, { recursive: true, force: true });
  return out;
};

const oneRow = scenario('1 brief, cold', () => ({ input: one, out: fresh('one')() }));
const twentyRow = scenario(`${small} briefs, cold`, () => ({ input: twenty, out: fresh('twenty')() }));
const twentyLeanRow = scenario(`${small} briefs, cold, --no-previews`, () => ({ input: twenty, out: fresh('twenty')() }), runs, ['--no-previews']);
scenario(`${big} briefs, cold`, () => ({ input: hundred, out: fresh('hundred')() }), bigRuns);
const changed = path.join(hundred, 'briefs', `brief-${String(Math.ceil(big / 2)).padStart(3, '0')}`, 'brief.md');
const original = readFileSync(changed, 'utf8');
const oneChangedRow = scenario(`${big} briefs, 1 changed`, (i) => {
  writeFileSync(changed, original.replace('Secretary Kerry is in Sochi', `Secretary Kerry is in Sochi (edit ${i})`));
  return { input: hundred, out: path.join(tmp, 'out-hundred') };
});
const noChangeRow = scenario(`${big} briefs, none changed`, () => ({ input: hundred, out: path.join(tmp, 'out-hundred') }));

const s = (r: Row) => summary(r);
console.log('\nTargets (issue #5):');
console.log(`  ${small} briefs, all editions, cold <= 8 s:           wall ${sec(s(twentyRow).wall)}, build() ${sec(s(twentyRow).build)}`);
console.log(`    the same without page previews (--no-previews):   wall ${sec(s(twentyLeanRow).wall)}, build() ${sec(s(twentyLeanRow).build)}`);
console.log(`  ${big} briefs, no change <= 0.5 s:                    wall ${sec(s(noChangeRow).wall)}, build() ${sec(s(noChangeRow).build)}`);
console.log(`  1 changed in ${big} <= 1.5x that brief alone:        wall ${(s(oneChangedRow).wall / s(oneRow).wall).toFixed(2)}x, build() ${(s(oneChangedRow).build / s(oneRow).build).toFixed(2)}x`);

const pandoc = spawnSync('which', ['pandoc'], { encoding: 'utf8' }).stdout.trim();
if (!pandoc) {
  console.log('\npandoc is not installed: no comparison (apt-get install pandoc to add one).');
} else {
  const chromium = findChromium();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = fresh('pandoc')();
    execFileSync('mkdir', ['-p', out]);
    const t = performance.now();
    for (let b = 1; b <= small; b++) {
      const slug = `brief-${String(b).padStart(3, '0')}`;
      const md = path.join(twenty, 'briefs', slug, 'brief.md');
      execFileSync(pandoc, [md, '-o', path.join(out, `${slug}.epub`)], { stdio: 'ignore' });
      const html = path.join(out, `${slug}.html`);
      execFileSync(pandoc, [md, '-s', '-o', html], { stdio: 'ignore' });
      execFileSync(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-pdf-header-footer', `--print-to-pdf=${path.join(out, `${slug}.pdf`)}`, `file://${html}`], { stdio: 'ignore' });
    }
    times.push(performance.now() - t);
  }
  const p = median(times);
  console.log(`\npandoc (${execFileSync(pandoc, ['--version'], { encoding: 'utf8' }).split('\n')[0]}), ${small} briefs to EPUB + HTML printed by Chromium: ${sec(p)}`);
  const like = formats.includes('epub') && formats.includes('pdf');
  console.log(`  briefpress (${formats}) / pandoc, ${small} briefs cold: wall ${(s(twentyRow).wall / p).toFixed(2)}x${like ? ' (briefpress also makes the web edition, covers and previews)' : ' (not like for like: build epub and pdf for a fair ratio)'}`);
}
rmSync(tmp, { recursive: true, force: true });

/**
 * `npm run bench`: briefpress side by side with the chain a user would pick instead (issue #17), on the
 * same inputs, whole processes, cold (a fresh --out, so no cache, every time), in turn (A B A B ...):
 *
 *   one      the sample (manuscript/, one brief, ~920 words)
 *   report   one ~41k-word report (the sample's body 50 times)
 *   s20      a 20-brief series (the sample 20 times, scripts/synthetic-series.ts)
 *   s100     a 100-brief series (briefpress only: a point of the plot)
 *   s200     a 200-brief series
 *   incr     the 100-brief series again: one brief changed, then none (briefpress only; needs s100)
 *
 * The peer: per brief, `pandoc brief.md -o brief.epub`, `pandoc brief.md -s -o brief.html` and
 * Chromium's headless shell `--print-to-pdf` of that HTML, a shell loop for a series. briefpress:
 * `briefpress build <series> --out <fresh>`, all editions (web page, EPUB, PDF, cover, previews, catalog).
 * Each time is the median of the runs; memory is the peak of the whole process tree (the command
 * and every process it started, Chromium's included), sampled from /proc every 50 ms: the sum of PSS
 * (smaps_rollup: shared pages split between the processes sharing them) and the sum of RSS. Times and
 * memory come from separate runs, each in turn: the runs that are timed are not sampled (below). When pandoc
 * is missing the bench says so and prints briefpress's figures alone. With the peer, a third side runs
 * in turn too, the chosen stack's floor (scripts/bench-floor.mjs): Node, Puppeteer and Chromium
 * printing pandoc's HTML of each brief, as briefpress drives Chromium, and nothing else; it says how
 * much of each target is left for briefpress' own work (--no-floor leaves it out). It also writes an SVG plot of
 * build time against series size (1, 20, 100, 200 briefs) to bench-series.svg (--plot to move it).
 * Never part of the tests: times vary by machine.
 *
 *   npm run bench -- [--quick] [--only one,report,s20,s100,s200,incr] [--runs 3] [--big-runs 1]
 *                    [--jobs 2] [--formats html,epub,pdf] [--plot FILE] [--keep] [--no-peer] [--versus DIR]
 *                    [--sample-ms 50] [--memory-runs N] [--no-floor]
 *
 * --sample-ms N: the memory sampling interval (default 50; 0: no memory runs, times only).
 * --memory-runs N: sampled runs of each side per input (default: as many as --runs, 1 for 100 and
 * 200 briefs), each pair after a timed pair.
 *
 * Why apart: reading every process's smaps_rollup each 50 ms is not free. The sampler took ~0.3 s of
 * CPU in a 1.1 s build of the sample (~15 ms a sample: the kernel walks each Chromium process's page
 * tables), and ~0.15 s in the peer's 0.53 s: about a quarter of one core on both sides. The peer
 * chain runs one program at a time, and the sampler took the idle core; briefpress keeps both cores
 * busy, and it took from the build. Measured (2026-12-03, timed and sampled pairs in turn): the sample
 * 0.91 s unsampled, 1.11 s sampled (+22 %), the peer 0.46 and 0.51 s (+11 %), the ratio 1.97x against
 * 2.20x (11 pairs each); 20 briefs 0.49x against 0.64x, the 41k-word report 1.65x against 1.78x (3
 * each). Every line prints the sampled runs' times too.
 *
 * --versus DIR: another briefpress checkout (say, main) also run in turn, for a before/after ratio
 * (it needs its node_modules: `npm ci` there, or a link to this repository's).
 *
 * What runs: a snapshot of each checkout's compiled package (lib/, templates/, package.json; compiled
 * first if its sources changed), as the installed package runs (`lib/cli/cli.js`: the CLI's bundle
 * with its code cache). Editing the checkout during a run changes nothing measured.
 *
 * --quick: one run each of one, report and s20 (two with the memory run: about two minutes). The
 * default run (3 timed and 3 sampled runs of the small ones, 1 and 1 of s100 and s200) takes ~15-25
 * minutes on 2 cores.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { makeSeries, repoRoot } from './synthetic-series.js';
import { findChromium } from '../src/browser/find.js';

const all = ['one', 'report', 's20', 's100', 's200', 'incr'];
const usage = `Usage: npm run bench -- [--quick] [--only ${all.join(',')}] [--runs N] [--big-runs N]
       [--formats html,epub,pdf] [--jobs N] [--plot FILE] [--keep] [--no-peer] [--no-floor] [--versus DIR] [--sample-ms N] [--memory-runs N]
briefpress against pandoc (EPUB + HTML) + the headless shell's print, cold, in turn (A B A B): medians
of timed runs, peak memory of each whole process tree (from separate sampled runs), ratios, and an SVG
plot of build time against series size.
--versus DIR runs another briefpress checkout as a third side (before/after).
With the peer, the stack's floor runs in turn too (Node + Puppeteer + Chromium printing pandoc's HTML,
nothing else): --no-floor leaves it out.`;
let parsed;
try {
  parsed = parseArgs({
  options: {
    help: { type: 'boolean', short: 'h' },
    runs: { type: 'string' },
    'big-runs': { type: 'string' },
    formats: { type: 'string', default: 'html,epub,pdf' },
    jobs: { type: 'string', default: '2' },
    only: { type: 'string' },
    quick: { type: 'boolean' },
    plot: { type: 'string', default: path.join(repoRoot, 'bench-series.svg') },
    keep: { type: 'boolean' },
    /** Memory sampling interval; 0: no memory runs (times only). Sampled runs are not the timed ones: see above. */
    'sample-ms': { type: 'string', default: '50' },
    'memory-runs': { type: 'string' },
    'no-peer': { type: 'boolean' },
    /** No floor side (scripts/bench-floor.mjs). */
    'no-floor': { type: 'boolean' },
    /** Another briefpress checkout (its src/cli/bin.js) run in turn as a third side: before/after A/B. */
    versus: { type: 'string' },
  },
  });
} catch (e) {
  console.error(`bench: ${(e as Error).message}\n${usage}`);
  process.exit(2);
}
const { values } = parsed;
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const quick = values.quick === true;
const sampleMs = Number(values['sample-ms']);
if (!Number.isFinite(sampleMs) || sampleMs < 0) {
  console.error(`bench: --sample-ms takes a number of milliseconds (0: no memory sampling)\n${usage}`);
  process.exit(2);
}
const runs = Number(values.runs ?? (quick ? 1 : 3));
const bigRuns = Number(values['big-runs'] ?? 1);
const memoryRuns = values['memory-runs'] === undefined ? undefined : Number(values['memory-runs']);
const only = (values.only ?? (quick ? 'one,report,s20' : all.join(','))).split(',').map((s) => s.trim());
for (const o of only) {
  if (!all.includes(o)) {
    console.error(`bench: unknown --only ${o}; use ${all.join(',')}`);
    process.exit(2);
  }
}
if (!(runs >= 1) || !(bigRuns >= 1) || (memoryRuns !== undefined && !(memoryRuns >= 0))) {
  console.error('bench: --runs and --big-runs take a whole number >= 1, --memory-runs one >= 0');
  process.exit(2);
}
const formats = values.formats!;
const jobs = values.jobs!;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'briefpress-bench-'));

/**
 * The briefpress that is measured: a snapshot of a checkout's compiled package (lib/, templates/,
 * package.json; its node_modules linked), compiled first if its sources changed, and run as the
 * installed package runs (lib/cli/cli.js: the bundle with its code cache). Editing or recompiling
 * the checkout while the bench runs changes nothing measured (it ran the sources through tsx
 * before, once they no longer matched lib/, and a whole run failed in the middle).
 */
function snapshot(checkout: string, name: string): string {
  if (!existsSync(path.join(checkout, 'node_modules'))) {
    console.error(`bench: ${checkout} has no node_modules: run \`npm ci\` there (or link the repository's: \`ln -s ${path.join(repoRoot, 'node_modules')} ${path.join(checkout, 'node_modules')}\`)`);
    process.exit(2);
  }
  const compiled = spawnSync(process.execPath, [path.join(checkout, 'scripts/compile.mjs')], { cwd: checkout, stdio: 'inherit' });
  if (compiled.status !== 0) {
    console.error(`bench: ${checkout}: \`npm run compile\` failed`);
    process.exit(1);
  }
  const dir = path.join(tmp, `snapshot-${name}`);
  for (const part of ['lib', 'templates']) cpSync(path.join(checkout, part), path.join(dir, part), { recursive: true, preserveTimestamps: true });
  cpSync(path.join(checkout, 'package.json'), path.join(dir, 'package.json'), { preserveTimestamps: true });
  symlinkSync(realpathSync(path.join(checkout, 'node_modules')), path.join(dir, 'node_modules'), 'dir');
  return path.join(dir, 'lib/cli/cli.js');
}
const bin = snapshot(repoRoot, 'this');

// ---------------------------------------------------------------------------------------------------
// One whole process tree: wall time and peak memory.

interface Sample {
  ms: number;
  /** Peak of the sum of PSS / RSS over the process tree, in MiB. */
  pss: number;
  rss: number;
}

/** pid -> children, from /proc/<pid>/stat (one pass over /proc). */
function childrenMap(): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (name.charCodeAt(0) > 57) continue; // not a pid
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ', 2)[1]);
      let list = map.get(ppid);
      if (!list) map.set(ppid, (list = []));
      list.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return map;
}

function field(text: string, name: string): number {
  const i = text.indexOf(`${name}:`);
  return i < 0 ? 0 : parseInt(text.slice(i + name.length + 1), 10) || 0;
}

/** The tree's memory now (kB): the root and every descendant. */
function treeMemory(root: number): { pss: number; rss: number } {
  const map = childrenMap();
  const pids = [root];
  for (let i = 0; i < pids.length; i++) pids.push(...(map.get(pids[i]!) ?? []));
  let pss = 0;
  let rss = 0;
  for (const pid of pids) {
    try {
      const r = readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1');
      pss += field(r, 'Pss');
      rss += field(r, 'Rss');
    } catch {
      // gone meanwhile, or a zombie
    }
  }
  return { pss, rss };
}

/** Run a command to its end: its wall time, and with `sampled` the peak memory of its process tree (else 0). */
function run(cmd: string, args: string[], opts: { cwd?: string; sampled?: boolean } = {}): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(cmd, args, { cwd: opts.cwd ?? repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let pss = 0;
    let rss = 0;
    const sample = () => {
      if (!child.pid) return;
      const m = treeMemory(child.pid);
      pss = Math.max(pss, m.pss);
      rss = Math.max(rss, m.rss);
    };
    const timer = opts.sampled && sampleMs > 0 ? setInterval(sample, sampleMs) : undefined;
    child.on('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on('exit', (code) => {
      const ms = performance.now() - t;
      clearInterval(timer);
      if (code !== 0) reject(new Error(`${path.basename(cmd)} ${args.slice(0, 3).join(' ')} ... exited ${code}:\n${stderr.slice(-2000)}`));
      else resolve({ ms, pss: pss / 1024, rss: rss / 1024 });
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// The two sides.

const fresh = (name: string) => {
  const out = path.join(tmp, `out-${name}`);
  rmSync(out, { recursive: true, force: true });
  return out;
};

if (values.versus && !existsSync(path.resolve(values.versus, 'scripts/compile.mjs'))) {
  console.error(`bench: --versus ${values.versus}: not a briefpress checkout (no scripts/compile.mjs)`);
  process.exit(2);
}
const versusBin = values.versus ? snapshot(path.resolve(values.versus), 'versus') : undefined;

function briefpress(series: string, out: string, program = bin, sampled = false): Promise<Sample> {
  return run(process.execPath, [program, 'build', series, '--out', out, '--format', formats, '--jobs', jobs, '--quiet'], { sampled });
}

const pandoc = (() => {
  if (values['no-peer']) return undefined;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, 'pandoc');
    if (dir && existsSync(p)) return p;
  }
  return undefined;
})();
const headlessShell = (() => {
  try {
    return findChromium();
  } catch {
    return undefined;
  }
})();
const peerOk = Boolean(pandoc && headlessShell);

/** The peer chain over every brief.md of a series, as one shell script (one process tree). */
function peer(series: string, out: string, sampled = false): Promise<Sample> {
  mkdirSync(out, { recursive: true });
  const briefs = path.join(series, 'briefs');
  const slugs = readdirSync(briefs).sort();
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const chromeFlags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--no-pdf-header-footer', '--disable-dev-shm-usage'];
  const script = ['set -e', `cd ${q(out)}`, `for s in ${slugs.map(q).join(' ')}; do`,
    `  ${q(pandoc!)} ${q(briefs)}/"$s"/brief.md -o "$s.epub"`,
    `  ${q(pandoc!)} ${q(briefs)}/"$s"/brief.md -s -o "$s.html"`,
    `  ${q(headlessShell!)} ${chromeFlags.join(' ')} --user-data-dir="$PWD/.profile" --print-to-pdf="$PWD/$s.pdf" "file://$PWD/$s.html" 2>/dev/null`,
    'done', 'rm -rf .profile'].join('\n');
  return run('bash', ['-c', script], { sampled });
}

/** The inputs of the floor: pandoc's standalone HTML of each brief (the peer's print input), made once, untimed. */
function floorHtml(series: string, name: string): string[] {
  const dir = path.join(tmp, `floor-in-${name.replace(/[^a-z0-9]+/gi, '-')}`);
  mkdirSync(dir, { recursive: true });
  const briefs = path.join(series, 'briefs');
  return readdirSync(briefs).sort().map((slug) => {
    const html = path.join(dir, `${slug}.html`);
    const r = spawnSync(pandoc!, [path.join(briefs, slug, 'brief.md'), '-s', '-o', html]);
    if (r.status !== 0) throw new Error(`pandoc failed on ${slug}: ${r.stderr}`);
    return html;
  });
}

/** The stack's floor over those files: one process, one browser (scripts/bench-floor.mjs). */
function floor(files: string[], out: string): Promise<Sample> {
  mkdirSync(out, { recursive: true });
  return run(process.execPath, [path.join(repoRoot, 'scripts/bench-floor.mjs'), path.dirname(path.dirname(bin)), out, ...files]);
}

// ---------------------------------------------------------------------------------------------------
// Inputs.

/** A one-brief series whose brief is the sample's body `times` times (each copy's questions renamed). */
function makeReport(times: number, dir: string): string {
  const root = makeSeries(0, dir);
  const text = readFileSync(path.join(repoRoot, 'manuscript/briefs/kerry-in-russia/brief.md'), 'utf8');
  const end = text.indexOf('\n---', 4) + 4;
  const head = text.slice(0, end).replace(/^title: .*$/m, 'title: "Russia, Syria and Iran: A Long Report"');
  const body = text.slice(end);
  const parts = Array.from({ length: times }, (_, i) => body.replace(/^## (.*)$/gm, (_m, h: string) => `## Part ${i + 1}: ${h}`));
  mkdirSync(path.join(root, 'briefs', 'long-report'), { recursive: true });
  writeFileSync(path.join(root, 'briefs', 'long-report', 'brief.md'), head + parts.join('\n'));
  return root;
}

function words(series: string): number {
  let n = 0;
  for (const s of readdirSync(path.join(series, 'briefs'))) {
    const t = readFileSync(path.join(series, 'briefs', s, 'brief.md'), 'utf8');
    n += t.slice(t.indexOf('\n---', 4) + 4).split(/\s+/).filter(Boolean).length;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------------
// Figures.

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (m: number) => (Number.isFinite(m) ? `${m.toFixed(0)} MiB` : 'n/a');

interface Row {
  name: string;
  briefs: number;
  words: number;
  /** Timed runs (not sampled). */
  bp: Sample[];
  peer: Sample[];
  /** --versus: the other checkout. */
  base: Sample[];
  /** The stack's floor (scripts/bench-floor.mjs): timed only. */
  floor: Sample[];
  /** Sampled runs, for memory only. */
  mem: { bp: Sample[]; peer: Sample[]; base: Sample[] };
}
const rows: Row[] = [];
/** The median time of timed runs, and the peak memory of sampled ones (`mem`; none: n/a). */
const stat = (xs: Sample[], mem: Sample[] = []) => ({ ms: median(xs.map((s) => s.ms)), pss: mem.length ? Math.max(...mem.map((s) => s.pss)) : NaN, rss: mem.length ? Math.max(...mem.map((s) => s.rss)) : NaN });

function line(r: Row): string {
  const b = stat(r.bp, r.mem.bp);
  let s = `${r.name.padEnd(30)} briefpress ${sec(b.ms).padStart(8)}  peak ${mib(b.pss).padStart(8)} PSS (${mib(b.rss)} RSS)`;
  if (r.base.length) {
    const v = stat(r.base, r.mem.base);
    const pairs = r.bp.map((x, i) => (r.base[i] ? x.ms / r.base[i]!.ms : NaN)).filter((x) => !Number.isNaN(x));
    s += `\n${''.padEnd(30)} --versus   ${sec(v.ms).padStart(8)}  peak ${mib(v.pss).padStart(8)} PSS (${mib(v.rss)} RSS)`;
    s += `\n${''.padEnd(30)} this/versus ${(b.ms / v.ms).toFixed(2)}x of the medians (pair by pair: ${pairs.map((x) => x.toFixed(2)).join(', ')})`;
  }
  if (r.peer.length) {
    const p = stat(r.peer, r.mem.peer);
    s += `\n${''.padEnd(30)} peer       ${sec(p.ms).padStart(8)}  peak ${mib(p.pss).padStart(8)} PSS (${mib(p.rss)} RSS)`;
    const pairs = r.bp.map((x, i) => (r.peer[i] ? x.ms / r.peer[i]!.ms : NaN)).filter((x) => !Number.isNaN(x));
    s += `\n${''.padEnd(30)} ratio      ${(b.ms / p.ms).toFixed(2)}x of the medians (pair by pair: ${pairs.map((x) => x.toFixed(2)).join(', ')})`;
    if (r.floor.length) {
      const f = stat(r.floor);
      s += `\n${''.padEnd(30)} floor      ${sec(f.ms).padStart(8)}  ${(f.ms / p.ms).toFixed(2)}x the peer: Node + Puppeteer + Chromium printing pandoc's HTML, nothing else`;
    }
    // The sampled runs' own times, for comparison (the sampler slows the side that keeps both cores busy).
    if (r.mem.bp.length && r.mem.peer.length) {
      const mb = median(r.mem.bp.map((x) => x.ms));
      const mp = median(r.mem.peer.map((x) => x.ms));
      s += `\n${''.padEnd(30)} sampled    ${sec(mb).padStart(8)} against ${sec(mp)}: ${(mb / mp).toFixed(2)}x (the memory runs' times)`;
    }
  }
  return s;
}

async function scenario(name: string, series: string, n: number, withPeer: boolean): Promise<Row> {
  const row: Row = { name, briefs: readdirSync(path.join(series, 'briefs')).length, words: words(series), bp: [], peer: [], base: [], floor: [], mem: { bp: [], peer: [], base: [] } };
  const floorInput = withPeer && peerOk && !values['no-floor'] ? floorHtml(series, name) : undefined;
  // A timed pair (unsampled), then a sampled pair for memory (see the top: the sampler would slow the
  // timed runs), and again: both kinds see the same changes in the machine's load.
  const memory = sampleMs > 0 ? (memoryRuns ?? n) : 0;
  for (let i = 0; i < Math.max(n, memory); i++) {
    for (const sampled of [false, true]) {
      if (i >= (sampled ? memory : n)) continue;
      const into = sampled ? row.mem : row;
      if (versusBin) into.base.push(await briefpress(series, fresh('base'), versusBin, sampled));
      // In turn: A B A B, so that a change in the machine's load falls on both sides of a pair.
      into.bp.push(await briefpress(series, fresh('bp'), bin, sampled));
      if (withPeer && peerOk) into.peer.push(await peer(series, fresh('peer'), sampled));
      if (floorInput && !sampled) row.floor.push(await floor(floorInput, fresh('floor')));
    }
  }
  rows.push(row);
  console.log(`${line(row)}\n`);
  return row;
}

// ---------------------------------------------------------------------------------------------------

/**
 * The machine's CPU time as /proc/stat counts it (Linux; undefined elsewhere): `steal` is time the
 * hypervisor gave to other machines while this one wanted to run. On a shared host it is what makes
 * one run's times 50 % longer than another's: printed with the summary, so a loaded run shows as one.
 */
function cpuTimes(): { total: number; steal: number; idle: number } | undefined {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user)
    return { total: f.slice(0, 8).reduce((a, b) => a + b, 0), steal: f[7] ?? 0, idle: (f[3] ?? 0) + (f[4] ?? 0) };
  } catch {
    return undefined;
  }
}
const cpuAtStart = cpuTimes();
const loads: number[] = [];
const loadTimer = setInterval(() => loads.push(os.loadavg()[0]!), 10_000);
loadTimer.unref();

console.log(`briefpress bench: ${formats}, --jobs ${jobs}, median of ${runs} timed runs (${bigRuns} for 100 and 200 briefs), cold, in turn, then ${sampleMs > 0 ? `${memoryRuns ?? 'as many'} sampled for memory` : 'no memory runs'}; ${os.cpus().length} CPUs, Node ${process.versions.node}, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
if (!pandoc) console.log(values['no-peer'] ? 'peer chain: off (--no-peer)' : 'pandoc is not installed: no peer chain, briefpress figures alone (apt-get install pandoc chromium-headless-shell to compare).');
else if (!headlessShell) console.log('no Chromium found: no peer chain, briefpress figures alone.');
else {
  const v = await new Promise<string>((resolve) => {
    const c = spawn(pandoc, ['--version']);
    let o = '';
    c.stdout.on('data', (d) => (o += d));
    c.on('exit', () => resolve(o.split('\n')[0]!));
  });
  console.log(`peer chain: ${v} (EPUB, standalone HTML) + ${path.basename(headlessShell)} --print-to-pdf of that HTML, per brief`);
}
console.log('briefpress makes the web edition, EPUB, PDF, cover, page previews and the series catalog; peak memory is the whole process tree.\n');

// One run of each CLI outside the timings (its files read once).
await run(process.execPath, [bin, '--version']);
if (versusBin) await run(process.execPath, [versusBin, '--version']);

const sizes: { briefs: number; ms: number; peerMs?: number; floorMs?: number }[] = [];
if (only.includes('one')) {
  // The sample itself, copied beside the other inputs.
  const one = makeSeries(0, path.join(tmp, 'one'));
  cpSync(path.join(repoRoot, 'manuscript/briefs'), path.join(one, 'briefs'), { recursive: true });
  const r = await scenario('the sample (1 brief)', one, runs, true);
  sizes.push({ briefs: 1, ms: stat(r.bp).ms, peerMs: r.peer.length ? stat(r.peer).ms : undefined, floorMs: r.floor.length ? stat(r.floor).ms : undefined });
}
if (only.includes('report')) {
  const report = makeReport(50, path.join(tmp, 'report'));
  await scenario(`a ${Math.round(words(report) / 1000)}k-word report`, report, runs, true);
}
if (only.includes('s20')) {
  const r = await scenario('20-brief series', makeSeries(20, path.join(tmp, 's20')), runs, true);
  sizes.push({ briefs: 20, ms: stat(r.bp).ms, peerMs: r.peer.length ? stat(r.peer).ms : undefined, floorMs: r.floor.length ? stat(r.floor).ms : undefined });
}
let hundred: string | undefined;
if (only.includes('s100') || only.includes('incr')) {
  hundred = makeSeries(100, path.join(tmp, 's100'));
  const r = await scenario('100-brief series', hundred, bigRuns, false);
  sizes.push({ briefs: 100, ms: stat(r.bp).ms });
}
if (only.includes('incr') && hundred) {
  // Out of the last cold build (fresh('bp') is out-bp): one brief changed, then none.
  const out = path.join(tmp, 'out-bp');
  const changed = path.join(hundred, 'briefs', 'brief-050', 'brief.md');
  const original = readFileSync(changed, 'utf8');
  const one: Sample[] = [];
  const none: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    writeFileSync(changed, original.replace('Secretary Kerry is in Sochi', `Secretary Kerry is in Sochi (edit ${i})`));
    one.push(await briefpress(hundred, out));
    none.push(await briefpress(hundred, out));
  }
  console.log(`100 briefs, 1 changed            briefpress ${sec(stat(one).ms).padStart(8)}`);
  console.log(`100 briefs, none changed         briefpress ${sec(stat(none).ms).padStart(8)}\n`);
}
if (only.includes('s200')) {
  const r = await scenario('200-brief series', makeSeries(200, path.join(tmp, 's200')), bigRuns, true);
  sizes.push({ briefs: 200, ms: stat(r.bp).ms, peerMs: r.peer.length ? stat(r.peer).ms : undefined, floorMs: r.floor.length ? stat(r.floor).ms : undefined });
}

// ---------------------------------------------------------------------------------------------------
// Summary against the issue's targets.

const find = (prefix: string) => rows.find((r) => r.name.startsWith(prefix));
const ratio = (r: Row | undefined) => (r && r.peer.length ? stat(r.bp).ms / stat(r.peer).ms : undefined);
/** The floor's time over the peer's (scripts/bench-floor.mjs), when it ran. */
const floorRatio = (r: Row | undefined) => (r && r.floor.length && r.peer.length ? stat(r.floor).ms / stat(r.peer).ms : undefined);
const fmt = (x: number | undefined, target: number, r?: Row) => {
  if (x === undefined) return 'n/a (no peer)';
  const f = floorRatio(r);
  return `${x.toFixed(2)}x (target <= ${target}x)${x <= target ? '' : '  MISSED'}${f === undefined ? '' : `; the stack's floor ${f.toFixed(2)}x`}`;
};
clearInterval(loadTimer);
{
  const end = cpuTimes();
  const span = end && cpuAtStart ? end.total - cpuAtStart.total : 0;
  const range = loads.length ? ` load ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} (1-minute average, every 10 s);` : '';
  if (span > 0) {
    const steal = ((end!.steal - cpuAtStart!.steal) / span) * 100;
    console.log(`host during the run:${range} CPU stolen by the hypervisor ${steal.toFixed(1)} % of the time${steal >= 5 ? ' (a shared host under load: compare ratios, not times, with other runs)' : ''}\n`);
  } else if (range) console.log(`host during the run:${range}\n`);
}
console.log('Summary (issue #17):');
if (find('the sample')) console.log(`  one brief vs peer:        ${fmt(ratio(find('the sample')), 1.3, find('the sample'))}; peak ${mib(stat(find('the sample')!.bp, find('the sample')!.mem.bp).pss)} (target <= 300 MiB)`);
if (find('a ')) console.log(`  long report vs peer:      ${fmt(ratio(find('a ')), 1.0, find('a '))}`);
if (find('20-')) console.log(`  20 briefs vs peer loop:   ${fmt(ratio(find('20-')), 0.35, find('20-'))}`);
if (find('200-')) console.log(`  200 briefs vs peer loop:  ${fmt(ratio(find('200-')), 0.35, find('200-'))}; peak ${mib(stat(find('200-')!.bp, find('200-')!.mem.bp).pss)} (target <= 600 MiB)`);
const s20 = sizes.find((s) => s.briefs === 20);
const s200 = sizes.find((s) => s.briefs === 200);
if (s20 && s200) {
  const a = s20.ms / 20;
  const b = s200.ms / 200;
  console.log(`  per brief: ${sec(a)} at 20, ${sec(b)} at 200 (${(((b - a) / a) * 100).toFixed(0)} %; target within 10 %)`);
  // The same net of the fixed cost (start-up, Chromium, the catalog), taken as the time of one brief:
  // what each further brief adds.
  const s1 = sizes.find((s) => s.briefs === 1);
  if (s1) {
    const c = (s20.ms - s1.ms) / 19;
    const d = (s200.ms - s1.ms) / 199;
    console.log(`  per brief beyond the first: ${sec(c)} at 20, ${sec(d)} at 200 (${(((d - c) / c) * 100).toFixed(0)} %)`);
  }
}
for (const s of sizes) console.log(`  ${String(s.briefs).padStart(3)} brief(s): ${sec(s.ms)}${s.peerMs ? `  (peer ${sec(s.peerMs)})` : ''}${s.floorMs ? `  (floor ${sec(s.floorMs)})` : ''}`);

// ---------------------------------------------------------------------------------------------------
// The plot: build time against series size.

if (sizes.length >= 2) {
  writeFileSync(values.plot!, plot(sizes.sort((a, b) => a.briefs - b.briefs)));
  console.log(`\nplot: ${path.relative(process.cwd(), values.plot!) || values.plot}`);
}

function plot(pts: { briefs: number; ms: number; peerMs?: number; floorMs?: number }[]): string {
  const W = 480;
  const H = 300;
  const L = 56;
  const R = 16;
  const T = 28;
  const B = 44;
  const maxX = Math.max(...pts.map((p) => p.briefs));
  const maxY = Math.max(...pts.flatMap((p) => [p.ms, p.peerMs ?? 0, p.floorMs ?? 0])) / 1000;
  const step = niceStep(maxY / 5);
  const top = Math.ceil(maxY / step) * step;
  const x = (n: number) => L + (n / maxX) * (W - L - R);
  const y = (s: number) => H - B - (s / top) * (H - T - B);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const series = (key: 'ms' | 'peerMs' | 'floorMs', color: string, label: string, ly: number) => {
    const ps = pts.filter((p) => p[key] !== undefined);
    if (ps.length < 2) return '';
    const d = ps.map((p, i) => `${i ? 'L' : 'M'}${x(p.briefs).toFixed(1)},${y(p[key]! / 1000).toFixed(1)}`).join(' ');
    return [
      `<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`,
      ...ps.map((p) => `<circle cx="${x(p.briefs).toFixed(1)}" cy="${y(p[key]! / 1000).toFixed(1)}" r="3" fill="${color}"><title>${p.briefs}: ${(p[key]! / 1000).toFixed(1)} s</title></circle>`),
      `<rect x="${L + 10}" y="${ly - 8}" width="12" height="3" fill="${color}"/><text x="${L + 28}" y="${ly - 4}">${esc(label)}</text>`,
    ].join('\n');
  };
  const grid: string[] = [];
  for (let v = 0; v <= top + 1e-9; v += step) grid.push(`<line x1="${L}" x2="${W - R}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/><text x="${L - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${+v.toFixed(1)}</text>`);
  for (const p of pts) grid.push(`<text x="${x(p.briefs).toFixed(1)}" y="${H - B + 16}" text-anchor="middle">${p.briefs}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">
<rect width="${W}" height="${H}" fill="#fff"/>
<text x="${W / 2}" y="16" text-anchor="middle" font-size="13">Build time against series size (cold, all editions)</text>
${grid.join('\n')}
<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#333"/><line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#333"/>
<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle">briefs in the series</text>
<text transform="translate(14 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">seconds</text>
${series('ms', '#0065A6', 'briefpress', T + 16)}
${series('peerMs', '#c0392b', 'pandoc + headless shell, per brief', T + 32)}
${series('floorMs', '#7f8c8d', 'floor: Node + Puppeteer + Chromium printing pandoc HTML', T + 48)}
</svg>
`;
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-3)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

if (!values.keep) rmSync(tmp, { recursive: true, force: true });
else console.log(`kept ${tmp}`);

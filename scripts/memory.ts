/**
 * `node --import tsx scripts/memory.ts [--briefs 300] [--at 30] [--jobs 2]`: build a synthetic series
 * (scripts/synthetic-series.ts) with the library, all editions, and report the memory of the
 * Chromium this build launched (every process descended from this one: the browser, its zygotes,
 * renderers, GPU and utility processes) after `--at` briefs and after the last: the sum of their
 * RSS, and the sum of their PSS (shared pages counted once, split between the processes sharing them).
 * Pages are replaced every so many uses (src/browser/pool.ts), so a single sample may catch one
 * being replaced: each figure is the highest of the samples taken after each of the last 10 briefs.
 * The issue's target: after 300 briefs within 20 % of after 30. Takes a few minutes: not a test.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from '../src/api.js';
import { makeSeries } from './synthetic-series.js';

const { values } = parseArgs({
  options: {
    briefs: { type: 'string', default: '300' },
    at: { type: 'string', default: '30' },
    jobs: { type: 'string', default: '2' },
    every: { type: 'string', default: '0' },
    formats: { type: 'string', default: 'html,epub,pdf' },
    'no-previews': { type: 'boolean' },
    detail: { type: 'boolean' },
  },
});
const total = Number(values.briefs);
const at = Number(values.at);
const every = Number(values.every);

/** Processes descended from `root` (by their parent in /proc/<pid>/stat). */
export function descendants(root: number): number[] {
  const parent = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = parent.get(ppid) ?? [];
      list.push(Number(name));
      parent.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of parent.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}

function kb(file: string, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(file, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The browser tree's memory now, in MB. */
function measure(detail = false): { processes: number; rss: number; pss: number } {
  // Only Chromium's processes (tsx's esbuild service is a child of this process too).
  const pids = descendants(process.pid).filter((pid) => {
    try {
      return /chrom/i.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!);
    } catch {
      return false;
    }
  });
  if (detail) {
    for (const pid of pids) {
      const type = /--type=([\w-]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1] ?? 'browser';
      console.log(`  ${pid} ${type.padEnd(10)} RSS ${(kb(`/proc/${pid}/status`, 'VmRSS') / 1024).toFixed(0).padStart(5)} MB  PSS ${(kb(`/proc/${pid}/smaps_rollup`, 'Pss') / 1024).toFixed(0).padStart(5)} MB`);
    }
  }
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    rss += kb(`/proc/${pid}/status`, 'VmRSS');
    pss += kb(`/proc/${pid}/smaps_rollup`, 'Pss');
  }
  return { processes: pids.length, rss: rss / 1024, pss: pss / 1024 };
}

const root = makeSeries(total);
const out = path.join(path.dirname(root), 'out');
const samples: { briefs: number; processes: number; rss: number; pss: number }[] = [];
const window: { processes: number; rss: number; pss: number }[] = [];
let done = 0;
const t0 = performance.now();
const result = await build({
  input: root,
  outDir: out,
  jobs: Number(values.jobs),
  formats: values.formats!.split(','),
  previews: !values['no-previews'],
  onEvent: (e) => {
    if (e.type !== 'brief-done' && e.type !== 'brief-failed') return;
    done++;
    const near = (n: number) => done > n - 10 && done <= n;
    const checkpoint = done === at || done === total || (every > 0 && done % every === 0);
    if (near(at) || near(total) || (every > 0 && near(Math.ceil(done / every) * every))) window.push(measure(checkpoint && values.detail));
    if (checkpoint) {
      const m = { processes: Math.max(...window.map((w) => w.processes)), rss: Math.max(...window.map((w) => w.rss)), pss: Math.max(...window.map((w) => w.pss)) };
      window.length = 0;
      samples.push({ briefs: done, ...m });
      console.log(`after ${String(done).padStart(4)} briefs: ${m.processes} Chromium processes, RSS ${m.rss.toFixed(0)} MB, PSS ${m.pss.toFixed(0)} MB  (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
  },
});
rmSync(path.dirname(root), { recursive: true, force: true });
if (!result.ok) {
  console.error('the build failed');
  process.exit(1);
}
const first = samples.find((s) => s.briefs === at);
const last = samples.find((s) => s.briefs === total);
if (first && last) {
  const growth = (a: number, b: number) => `${(((b - a) / a) * 100).toFixed(0)} %`;
  console.log(`\n${total} briefs against ${at}: RSS ${first.rss.toFixed(0)} -> ${last.rss.toFixed(0)} MB (${growth(first.rss, last.rss)}), PSS ${first.pss.toFixed(0)} -> ${last.pss.toFixed(0)} MB (${growth(first.pss, last.pss)}); target: within 20 %`);
}

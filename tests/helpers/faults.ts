/**
 * For fault-injection tests: run the real CLI in the background, watch its progress, find the
 * Chromium it launched (its descendants in /proc, never a process found by name), and check that
 * every file left in an output folder is whole and current.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { bin, repoRoot } from './cli.js';
import { decodePng } from './png.js';
import { qpdfCheck, pdfinfo } from './pdf.js';

export interface Running {
  child: ChildProcess;
  pid: number;
  stderr(): string;
  /** Resolves once stderr matches `re` (rejects if the CLI exits first). */
  waitFor(re: RegExp): Promise<void>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const watchers: { re: RegExp; resolve: () => void }[] = [];
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => {
    err += b;
    for (const w of [...watchers]) {
      if (w.re.test(err)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout: out, stderr: err })),
  );
  return {
    child,
    pid: child.pid!,
    stderr: () => err,
    waitFor: (re) =>
      new Promise<void>((resolve, reject) => {
        if (re.test(err)) return resolve();
        watchers.push({ re, resolve });
        void done.then(() => reject(new Error(`the CLI exited before printing ${re}:\n${err}`)));
      }),
    done,
  };
}

/** Processes descended from `root`, by their parent in /proc/<pid>/stat. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}

/** A process's arguments (Chromium's helpers rewrite theirs as one string: split on spaces too). */
export function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/).filter(Boolean);
  } catch {
    return [];
  }
}

/** The Chromium main process the CLI `cliPid` launched (the one with the DevTools pipe), if running. */
export function chromiumOf(cliPid: number): number | undefined {
  return descendants(cliPid).find((pid) => {
    const args = cmdline(pid);
    return args.includes('--remote-debugging-pipe') && !args.some((a) => a.startsWith('--type=')) && isRunning(pid);
  });
}

/** Its renderer processes. */
export function renderersOf(cliPid: number): number[] {
  return descendants(cliPid).filter((pid) => cmdline(pid).includes('--type=renderer'));
}

export function profileDirOf(pid: number): string | undefined {
  return cmdline(pid)
    .find((a) => a.startsWith('--user-data-dir='))
    ?.slice('--user-data-dir='.length);
}

export function isRunning(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(state); // a zombie has quit
  } catch {
    return false;
  }
}

export async function until<T>(fn: () => T | undefined, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** `✓ N built, M unchanged, F failed` of a build's output. */
export function summary(stderr: string): { built: number; unchanged: number; failed: number } | undefined {
  const m = /(\d+) built, (\d+) unchanged, (\d+) failed/.exec(stderr);
  return m ? { built: Number(m[1]), unchanged: Number(m[2]), failed: Number(m[3]) } : undefined;
}

export function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

/**
 * Every file in `out` is whole: no temporary file, every PDF passes `qpdf --check` and carries its
 * brief's current title, every PNG decodes, every EPUB is a zip whose entries all inflate. `titles`
 * maps a slug to its title in the manuscript as it is on disk. Returns the slugs with a PDF.
 */
export async function checkOut(out: string, titles: Map<string, string>): Promise<string[]> {
  const files = walk(out);
  const temps = files.filter((f) => /\.tmp$/.test(f));
  if (temps.length) throw new Error(`temporary files left: ${temps.join(', ')}`);
  const withPdf: string[] = [];
  for (const f of files) {
    if (f.endsWith('.pdf')) {
      const q = qpdfCheck(f);
      if (q.code !== 0) throw new Error(`qpdf --check ${f}: ${q.output}`);
      const slug = path.basename(f, '.pdf');
      const title = pdfinfo(f).Title ?? '';
      if (!title.startsWith(titles.get(slug) ?? '\0')) throw new Error(`${f}: title ${title}, the manuscript says ${titles.get(slug)}`);
      withPdf.push(slug);
    } else if (f.endsWith('.png')) {
      const png = readFileSync(f);
      decodePng(png);
      if (png.subarray(-8, -4).toString('latin1') !== 'IEND') throw new Error(`${f}: no IEND`);
    } else if (f.endsWith('.epub')) {
      const zip = await JSZip.loadAsync(readFileSync(f), { checkCRC32: true });
      for (const entry of Object.values(zip.files)) if (!entry.dir) await entry.async('uint8array');
      if (!zip.file('mimetype')) throw new Error(`${f}: no mimetype`);
    } else if (statSync(f).size === 0 && !f.endsWith('.txt')) {
      throw new Error(`${f} is empty`);
    }
  }
  return withPdf.sort();
}

/** Slugs recorded in the build cache of `out`. */
export function cachedSlugs(out: string): string[] {
  const file = path.join(out, '.briefpress-cache.json');
  if (!existsSync(file)) return [];
  return Object.keys(JSON.parse(readFileSync(file, 'utf8')).briefs ?? {}).sort();
}

export function sh(cmd: string, args: string[]): { code: number | null; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

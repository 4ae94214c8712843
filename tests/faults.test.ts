/**
 * Faults injected for real through the real CLI (issue 11, "Faults"): a renderer crashing while it
 * prints, renderers and the browser killed by their process id (found as descendants of the CLI this
 * test started), a browser stopped with SIGSTOP, the CLI signalled mid-build, a full tmpfs, a
 * read-only one, temporary files of a dead run, junk on the DevTools pipe. Each asserts the exit
 * code, the message, and that every file left in --out is whole and current; where a build stopped
 * half-way, that a rerun builds only the rest. No timing assertions: only generous timeouts.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { makeSeries, syntheticBrief } from '../scripts/synthetic-series.js';
import { runCli } from './helpers/cli.js';
import { cachedSlugs, checkOut, chromiumOf, isRunning, profileDirOf, renderersOf, sh, startCli, summary, until, walk, type Running } from './helpers/faults.js';
import { runEpubcheck } from './helpers/validators.js';

// Each test runs one or two builds of a few briefs, and the machine may be busy: generous bounds.
vi.setConfig({ testTimeout: 300_000 });

const tmp = mkdtempSync(path.join(os.tmpdir(), 'bp-faults-'));
const mounts: string[] = [];
const running: Running[] = [];
/** Processes this file stopped with SIGSTOP, to be sure they do not outlive it. */
const stoppedPids: number[] = [];

afterEach(async () => {
  // A CLI a failed test left running: stopped as a user would (it closes its Chromium), then killed.
  for (const r of running.splice(0)) {
    if (r.child.exitCode !== null || r.child.signalCode !== null) continue;
    r.child.kill('SIGTERM');
    const late = setTimeout(() => r.child.kill('SIGKILL'), 20_000);
    await r.done;
    clearTimeout(late);
  }
});
afterAll(() => {
  for (const pid of stoppedPids) {
    if (!isRunning(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  for (const m of mounts.reverse()) {
    // A process that has just exited may still hold the mount for a moment: try again, then detach it.
    let ok = false;
    for (let i = 0; i < 10 && !ok; i++) {
      ok = spawnSync('umount', [m]).status === 0;
      if (!ok) spawnSync('sleep', ['0.5']);
    }
    if (!ok) spawnSync('umount', ['-l', m]);
  }
  rmSync(tmp, { recursive: true, force: true });
});

const noTrace = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
const slugs = (n: number) => Array.from({ length: n }, (_, i) => syntheticBrief(i).slug);
const titlesOf = (n: number) => new Map(Array.from({ length: n }, (_, i) => [syntheticBrief(i).slug, syntheticBrief(i).title!]));

let serial = 0;
/** A fresh series of `n` briefs and an output folder beside it. */
function series(n: number): { root: string; out: string } {
  const dir = path.join(tmp, `s${++serial}`);
  const root = makeSeries(n, path.join(dir, 'manuscript'));
  return { root, out: path.join(dir, 'out') };
}

function start(root: string, out: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Running {
  const r = startCli(['build', root, '--out', out, ...extra], env);
  running.push(r);
  return r;
}

/** The next build of the same series: exit 0, and which briefs it built. */
function rerun(root: string, out: string) {
  const r = runCli(['build', root, '--out', out]);
  expect(r.code, r.stderr).toBe(0);
  return summary(r.stderr)!;
}

describe('a crashed renderer', () => {
  it('fails only the brief it was printing, with the reason, and a fresh page prints the others', async () => {
    const n = 6;
    const { root, out } = series(n);
    // The hook has the renderer of the page printing brief-003 crash (DevTools Page.crash: the process dies).
    const r = start(root, out, [], { BRIEFPRESS_TEST_CRASH: 'brief-003' });
    const done = await r.done;
    expect(done.code, done.stderr).toBe(3);
    expect(done.stderr).toMatch(/briefs\/brief-003\/brief\.md {2}error {2}Chromium's renderer crashed while printing brief-003 {2}browser-fault/);
    expect(summary(done.stderr)).toEqual({ built: n - 1, unchanged: 0, failed: 1 });
    noTrace(done.stderr);
    const printed = await checkOut(out, titlesOf(n));
    expect(printed).toEqual(slugs(n).filter((s) => s !== 'brief-003'));
    expect(cachedSlugs(out)).toEqual(printed);
    expect(readFileSync(path.join(out, 'catalog.json'), 'utf8')).toContain('brief-006');
    expect(rerun(root, out)).toEqual({ built: 1, unchanged: n - 1, failed: 0 });
    expect(await checkOut(out, titlesOf(n))).toEqual(slugs(n));
  });

  it('killed by its process id mid-build: the briefs it was working for fail at once, the build goes on', async () => {
    const n = 8;
    const { root, out } = series(n);
    const r = start(root, out);
    await r.waitFor(/✓ brief-\d+/);
    const killed = renderersOf(r.pid);
    expect(killed.length).toBeGreaterThan(0);
    for (const pid of killed) process.kill(pid, 'SIGKILL');
    const done = await r.done;
    noTrace(done.stderr);
    const s = summary(done.stderr)!;
    expect(s.built + s.failed).toBe(n);
    // Every failure is a brief whose renderer died, named with the reason; with none, exit 0.
    const failures = [...done.stderr.matchAll(/(brief-\d+)\/brief\.md {2}error {2}(.+?) {2}browser-fault/g)];
    expect(new Set(failures.map((m) => m[1])).size).toBe(s.failed);
    for (const [, , f] of failures) expect(f).toMatch(/^Chromium's renderer crashed while (printing|drawing the cover of|drawing the page previews of) brief-\d+$|^Chromium closed the page while|^Chromium failed while /);
    expect(done.code, done.stderr).toBe(s.failed ? 3 : 0);
    const finished = [...done.stderr.matchAll(/✓ (brief-\d+) \(/g)].map((m) => m[1]!).sort();
    expect(finished).toHaveLength(s.built);
    expect(cachedSlugs(out)).toEqual(finished);
    // (A brief that failed may have written some editions: they are whole and current too.)
    const printed = await checkOut(out, titlesOf(n));
    for (const slug of finished) expect(printed).toContain(slug);
    expect(rerun(root, out)).toEqual({ built: s.failed, unchanged: s.built, failed: 0 });
    expect(await checkOut(out, titlesOf(n))).toEqual(slugs(n));
  });
});

describe('a crashed browser', () => {
  it('is started again once: every brief is built', async () => {
    const n = 8;
    const { root, out } = series(n);
    const r = start(root, out);
    await r.waitFor(/✓ brief-\d+/);
    const first = await until(() => chromiumOf(r.pid), 'Chromium');
    const profile = profileDirOf(first)!;
    process.kill(first, 'SIGKILL');
    const done = await r.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/Chromium quit unexpectedly \(it was killed by SIGKILL\); starting it again/);
    expect(summary(done.stderr)).toEqual({ built: n, unchanged: 0, failed: 0 });
    expect(await checkOut(out, titlesOf(n))).toEqual(slugs(n));
    expect(existsSync(profile)).toBe(false);
  });

  it('that quits again fails the briefs left with a message (exit 3); finished ones keep their files, cache and catalog', async () => {
    const n = 12;
    const { root, out } = series(n);
    const r = start(root, out);
    await r.waitFor(/✓ brief-\d+/);
    const first = await until(() => chromiumOf(r.pid), 'Chromium');
    const profiles = [profileDirOf(first)!];
    process.kill(first, 'SIGKILL');
    const second = await until(() => {
      const pid = chromiumOf(r.pid);
      return pid !== undefined && pid !== first ? pid : undefined;
    }, 'a second Chromium');
    profiles.push(profileDirOf(second)!);
    process.kill(second, 'SIGKILL');
    const done = await r.done;
    expect(done.code, done.stderr).toBe(3);
    expect(done.stderr).toMatch(/briefpress: Chromium \(.+\) quit again \(.+\) after it was restarted once: the briefs left are not built/);
    noTrace(done.stderr);
    const finished = [...done.stderr.matchAll(/✓ (brief-\d+) \(/g)].map((m) => m[1]!).sort();
    expect(finished.length).toBeGreaterThan(0);
    expect(finished.length).toBeLessThan(n);
    expect(cachedSlugs(out)).toEqual(finished);
    // (A brief that failed may have written some of its editions: they are whole and current too.)
    const printed = await checkOut(out, titlesOf(n));
    for (const s of finished) expect(printed).toContain(s);
    const catalog = readFileSync(path.join(out, 'catalog.json'), 'utf8');
    for (const s of finished) expect(catalog).toContain(`"${s}"`);
    for (const p of profiles) expect(existsSync(p)).toBe(false);
    expect(rerun(root, out)).toEqual({ built: n - finished.length, unchanged: finished.length, failed: 0 });
    expect(await checkOut(out, titlesOf(n))).toEqual(slugs(n));
  });

  it('that stops answering (SIGSTOP) is reported with a clear message and exit 3, and killed', async () => {
    const n = 8;
    const { root, out } = series(n);
    const r = start(root, out);
    await r.waitFor(/✓ brief-\d+/);
    const pid = await until(() => chromiumOf(r.pid), 'Chromium');
    const profile = profileDirOf(pid)!;
    stoppedPids.push(pid);
    process.kill(pid, 'SIGSTOP');
    // The test's timeout bounds the wait; the CLI's watchdog reports it after ~8-10 s.
    const done = await r.done;
    expect(done.code, done.stderr).toBe(3);
    expect(done.stderr).toMatch(/briefpress: Chromium \(.+, process \d+\) stopped answering: no reply for \d+ s/);
    noTrace(done.stderr);
    expect(isRunning(pid)).toBe(false);
    expect(existsSync(profile)).toBe(false);
    const finished = [...done.stderr.matchAll(/✓ (brief-\d+) \(/g)].map((m) => m[1]!).sort();
    expect(cachedSlugs(out)).toEqual(finished);
    const printed = await checkOut(out, titlesOf(n));
    for (const s of finished) expect(printed).toContain(s);
    expect(rerun(root, out)).toEqual({ built: n - finished.length, unchanged: finished.length, failed: 0 });
  });

  it('that never answers as it starts is exit 3 naming the executable, once its launch budget is up (BRIEFPRESS_LAUNCH_TIMEOUT)', () => {
    const { root, out } = series(1);
    const mute = path.join(tmp, 'mute-chromium');
    writeFileSync(mute, '#!/bin/sh\nexec sleep 120\n');
    chmodSync(mute, 0o755);
    const r = runCli(['build', root, '--out', out], { env: { PUPPETEER_EXECUTABLE_PATH: mute, BRIEFPRESS_LAUNCH_TIMEOUT: '3' } });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`Chromium (${mute}) did not answer within 3 s of starting`);
    noTrace(r.stderr);
  });

  it('that writes junk on its DevTools pipe is exit 3 naming the executable', () => {
    const { root, out } = series(1);
    const fake = path.join(tmp, 'fake-chromium');
    writeFileSync(fake, "#!/bin/sh\nprintf 'Segmentation fault (core dumped)\\0' >&4\nsleep 5\n");
    chmodSync(fake, 0o755);
    const r = runCli(['build', root, '--out', out], { env: { PUPPETEER_EXECUTABLE_PATH: fake } });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`Chromium (${fake}) did not speak the DevTools protocol on its pipe: it wrote \`Segmentation fault`);
    noTrace(r.stderr);
  });
});

describe('signals', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s stops a build cleanly: exit %i, no temporary file, no profile left, the cache records what finished', async (signal, code) => {
    const n = 10;
    const { root, out } = series(n);
    const r = start(root, out);
    await r.waitFor(/✓ brief-\d+/);
    const chromium = await until(() => chromiumOf(r.pid), 'Chromium');
    const profile = profileDirOf(chromium)!;
    r.child.kill(signal);
    const done = await r.done;
    expect(done.code, done.stderr).toBe(code);
    expect(done.stderr).toContain(`briefpress: stopped by ${signal}: the briefs that finished are kept and recorded`);
    // A brief dropped in progress says why it was not built.
    for (const line of done.stderr.split('\n').filter((l) => /✗ brief-\d+: not built/.test(l))) expect(line).toContain('(the build was stopped)');
    noTrace(done.stderr);
    expect(existsSync(profile)).toBe(false);
    expect(isRunning(chromium)).toBe(false);
    const finished = [...done.stderr.matchAll(/✓ (brief-\d+) \(/g)].map((m) => m[1]!).sort();
    expect(finished.length).toBeGreaterThan(0);
    const printed = await checkOut(out, titlesOf(n)); // no .tmp file either
    expect(cachedSlugs(out)).toEqual(finished);
    for (const s of finished) expect(printed).toContain(s);
    expect(rerun(root, out)).toEqual({ built: n - finished.length, unchanged: finished.length, failed: 0 });
    if (signal === 'SIGTERM') {
      // One EPUB through epubcheck (the others are checked as zips above).
      const check = await runEpubcheck(path.join(out, finished[0]!, `${finished[0]}.epub`));
      expect(check.errors, JSON.stringify(check.messages)).toBe(0);
    }
  });
});

describe('the library', () => {
  it('build({ signal }) stops when the signal is aborted, with BuildStopped naming the reason', async () => {
    const { build, BuildStopped } = await import('../src/api.js');
    const { root, out } = series(2);
    const controller = new AbortController();
    controller.abort('SIGTERM');
    const stopped = build({ input: root, outDir: out, signal: controller.signal });
    await expect(stopped).rejects.toThrow(BuildStopped);
    await expect(stopped).rejects.toThrow('stopped by SIGTERM');
    expect(walk(out).filter((f) => /\.(pdf|epub)$/.test(f))).toEqual([]);
  });
});

describe('temporary files of an earlier run', () => {
  it('are removed by the next build when their process is gone; a live process keeps its own', () => {
    const { root, out } = series(1);
    expect(rerun(root, out)).toEqual({ built: 1, unchanged: 0, failed: 0 });
    // A process id that no longer runs: a process that has exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    expect(isRunning(Number(dead))).toBe(false);
    const stale = path.join(out, 'brief-001', `.brief-001.pdf.${dead}.k3j4h5.tmp`);
    const staleDeep = path.join(out, 'brief-001', 'pages', `.page-1.png.${dead}.a1b2c3.tmp`);
    const live = path.join(out, 'brief-001', `.brief-001.epub.${process.pid}.zz9.tmp`);
    for (const f of [stale, staleDeep, live]) writeFileSync(f, 'half a file');
    expect(rerun(root, out)).toEqual({ built: 0, unchanged: 1, failed: 0 });
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(staleDeep)).toBe(false);
    expect(existsSync(live)).toBe(true);
    // ... unless it is over an hour old (its process id may have been reused).
    const old = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(live, old, old);
    expect(rerun(root, out)).toEqual({ built: 0, unchanged: 1, failed: 0 });
    expect(existsSync(live)).toBe(false);
  });
});

/** Mount a tmpfs of `size` at a new folder; undefined when this machine does not let the test mount. */
function mountTmpfs(size: string): string | undefined {
  const dir = path.join(tmp, `mnt${++serial}`);
  mkdirSync(dir);
  const r = sh('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  if (r.code !== 0) return undefined;
  mounts.push(dir);
  return dir;
}

describe('a full or read-only disk', () => {
  it('ENOSPC: exit 3 naming the path; every file left is whole; with space again, the build finishes', async () => {
    const n = 6;
    const { root } = series(n);
    const mnt = mountTmpfs('1500k');
    let out: string;
    let env: NodeJS.ProcessEnv = {};
    if (mnt) {
      out = path.join(mnt, 'out');
      console.log('ENOSPC: a real 1.5 MB tmpfs');
    } else {
      // Not root, or no mount: a simulated ENOSPC on the third write (see src/util/write.ts).
      out = path.join(tmp, `enospc${serial}`);
      env = { BRIEFPRESS_TEST_ENOSPC_AFTER: '20' };
      console.log('ENOSPC: simulated (mount failed)');
    }
    const r = runCli(['build', root, '--out', out], { env });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`briefpress: cannot write ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\S+: no space left on the device \\(ENOSPC\\)`));
    noTrace(r.stderr);
    await checkOut(out, titlesOf(n));
    if (mnt) expect(sh('mount', ['-o', 'remount,size=100m', mnt]).code).toBe(0);
    const again = runCli(['build', root, '--out', out]);
    expect(again.code, again.stderr).toBe(0);
    expect(await checkOut(out, titlesOf(n))).toEqual(slugs(n));
  });

  it('EROFS: nothing to write succeeds on a read-only --out; something to write is exit 3 naming the path', async () => {
    const n = 2;
    const { root } = series(n);
    const mnt = mountTmpfs('50m');
    expect(mnt, 'this test needs root to mount a tmpfs').toBeDefined();
    const out = path.join(mnt!, 'out');
    expect(rerun(root, out)).toEqual({ built: n, unchanged: 0, failed: 0 });
    const before = new Map(walk(out).map((f) => [f, statSync(f).mtimeMs]));
    expect(sh('mount', ['-o', 'remount,ro', mnt!]).code).toBe(0);
    try {
      expect(rerun(root, out)).toEqual({ built: 0, unchanged: n, failed: 0 });
      // An edited brief has something to write: the disk says no. (Its body: a new title would
      // change its neighbour's web edition too, which links to it by title.)
      const md = path.join(root, 'briefs', 'brief-002', 'brief.md');
      const text = readFileSync(md, 'utf8');
      writeFileSync(md, text.replace('Secretary Kerry is in Sochi', 'Secretary Kerry is in Sochi today'));
      expect(readFileSync(md, 'utf8')).not.toBe(text);
      const r = runCli(['build', root, '--out', out]);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/briefpress: cannot write \S+\/brief-00[12](\/[^\s.]\S*)?: the file system is read-only \(EROFS\)/); // the folder or file, not a temporary
      noTrace(r.stderr);
      expect(new Map(walk(out).map((f) => [f, statSync(f).mtimeMs]))).toEqual(before);
      await checkOut(out, titlesOf(n));
    } finally {
      sh('mount', ['-o', 'remount,rw', mnt!]);
    }
  });
});

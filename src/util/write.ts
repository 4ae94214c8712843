/**
 * Output files are written atomically: to a temporary file beside the target, then renamed, so a
 * failed build never leaves a half-written edition and the previous good file stays in place.
 *
 * A temporary file is named `.<name>.<pid>.<random>.tmp`. The ones being written are known to this
 * process, which removes them if it is stopped (`removeOwnTemps`); the ones an earlier run left
 * (killed with SIGKILL, a power cut) are removed by the next build (`removeStaleTemps`). A failed
 * write is an `OutputError` naming the path (ENOSPC, EROFS, EACCES ...: exit 3).
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { asOutputError } from './faults.js';
import { currentStage } from './stage.js';

export interface WrittenFile {
  path: string;
  bytes: number;
}

/** Temporary files being written by this process. */
const inFlight = new Set<string>();

/**
 * A test hook (tests/faults.test.ts, where no tmpfs can be mounted): after this many files, every
 * write fails with ENOSPC, as Node reports it from an async write (no path).
 */
const enospcAfter = Number(process.env.BRIEFPRESS_TEST_ENOSPC_AFTER ?? Infinity);
let writes = 0;
function simulatedFull(): void {
  if (++writes > enospcAfter) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
}

function tmpName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
}

/** Write `file` atomically. A file that already holds exactly these bytes is left alone (a read-only folder with nothing new is fine). */
export function writeAtomic(file: string, data: string | Uint8Array): WrittenFile {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  if (sameBytes(file, bytes)) return { path: file, bytes: bytes.byteLength };
  makeDir(path.dirname(file));
  const tmp = tmpName(file);
  inFlight.add(tmp);
  try {
    simulatedFull();
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw asOutputError(e, file);
  } finally {
    inFlight.delete(tmp);
  }
  return { path: file, bytes: statSync(file).size };
}

function sameBytes(file: string, bytes: Uint8Array): boolean {
  try {
    const st = statSync(file);
    return st.isFile() && st.size === bytes.byteLength && readFileSync(file).equals(bytes);
  } catch {
    return false;
  }
}

/**
 * Write several files atomically, off the main thread (file creation is slow on some disks, and
 * the build has other work to do meanwhile). Resolves when all are in place.
 */
export async function writeFilesAtomic(files: { path: string; data: string | Uint8Array }[]): Promise<WrittenFile[]> {
  // Inside a brief's build: held until the brief has succeeded (src/util/stage.ts).
  const stage = currentStage();
  if (stage) {
    stage.files.push(...files);
    return files.map(({ path: file, data }) => ({ path: file, bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength }));
  }
  for (const dir of new Set(files.map((f) => path.dirname(f.path)))) makeDir(dir);
  const settled = await Promise.allSettled(
    files.map(async ({ path: file, data }) => {
      const tmp = tmpName(file);
      inFlight.add(tmp);
      try {
        simulatedFull();
        await writeFile(tmp, data);
        await rename(tmp, file);
      } catch (e) {
        await rm(tmp, { force: true }).catch(() => {});
        throw asOutputError(e, file);
      } finally {
        inFlight.delete(tmp);
      }
      return { path: file, bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength };
    }),
  );
  // Every write has settled (no temporary file is left behind) before the first failure is reported.
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<WrittenFile>).value);
}

/**
 * `mkdir -p`, one level at a time: Node's recursive mkdirSync spins forever on some special file
 * systems (seen: /proc), where this fails at once with ENOENT.
 */
export function makeDir(dir: string): void {
  if (existsSync(dir)) return;
  const missing: string[] = [];
  let d = path.resolve(dir);
  while (!existsSync(d) && path.dirname(d) !== d) {
    missing.unshift(d);
    d = path.dirname(d);
  }
  for (const m of missing) {
    try {
      mkdirSync(m);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(m).isDirectory()) continue; // made meanwhile
      throw asOutputError(e, m);
    }
  }
}

/** Remove the temporary files this process is writing (when it is stopped; synchronous, for an exit handler). */
export function removeOwnTemps(): void {
  for (const tmp of inFlight) rmSync(tmp, { force: true });
  inFlight.clear();
}

const tmpPattern = /^\..+\.(\d+)\.[a-z0-9]+\.tmp$/;

/**
 * Remove the temporary files earlier runs left in `outDir` (killed before they could clean up):
 * those of a process that no longer runs, and any over an hour old that are not this process's
 * (its process id may have been reused). Another build writing into the same folder right now keeps
 * its own. Returns the paths removed; a folder that cannot be read or written is left as it is.
 */
export function removeStaleTemps(outDir: string): string[] {
  const removed: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < 6) walk(p, depth + 1);
        continue;
      }
      const pid = tmpPattern.exec(e.name)?.[1];
      if (!pid || !e.isFile() || Number(pid) === process.pid) continue;
      try {
        if (isRunning(Number(pid)) && Date.now() - lstatSync(p).mtimeMs < 3_600_000) continue;
        rmSync(p, { force: true });
        removed.push(p);
      } catch {
        // read-only, or gone meanwhile
      }
    }
  };
  walk(outDir, 0);
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

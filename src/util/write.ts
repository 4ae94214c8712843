/**
 * Output files are written atomically: to a temporary file beside the target, then renamed, so a
 * failed build never leaves a half-written edition and the previous good file stays in place.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { currentStage } from './stage.js';

export interface WrittenFile {
  path: string;
  bytes: number;
}

function tmpName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
}

export function writeAtomic(file: string, data: string | Uint8Array): WrittenFile {
  makeDir(path.dirname(file));
  const tmp = tmpName(file);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return { path: file, bytes: statSync(file).size };
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
  return Promise.all(
    files.map(async ({ path: file, data }) => {
      const tmp = tmpName(file);
      try {
        await writeFile(tmp, data);
        await rename(tmp, file);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
      return { path: file, bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength };
    }),
  );
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
  for (const m of missing) mkdirSync(m);
}

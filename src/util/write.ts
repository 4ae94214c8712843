/**
 * Output files are written atomically: to a temporary file beside the target, then renamed, so a
 * failed build never leaves a half-written edition and the previous good file stays in place.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface WrittenFile {
  path: string;
  bytes: number;
}

export function writeAtomic(file: string, data: string | Uint8Array): WrittenFile {
  makeDir(path.dirname(file));
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
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

/**
 * Output files are written atomically: to a temporary file beside the target, then renamed, so a
 * failed build never leaves a half-written edition and the previous good file stays in place.
 */
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface WrittenFile {
  path: string;
  bytes: number;
}

export function writeAtomic(file: string, data: string | Uint8Array): WrittenFile {
  mkdirSync(path.dirname(file), { recursive: true });
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

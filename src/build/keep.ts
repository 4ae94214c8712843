/**
 * A brief that fails keeps all of its last good editions: one target may have written its files
 * (the web page) before another failed (the EPUB). Before a brief's targets run, every file in its
 * folder (`<outDir>/<slug>/`) gets a second name, a hard link (a copy where links are not possible):
 * no byte is copied and the new files replace the old ones by rename, as always. When the rebuild
 * fails, every file is put back as it was and the files it added are removed; when it succeeds, the
 * second names are removed. The second names look like the temporary files of src/util/write.ts
 * (`.<name>.<pid>.<random>.tmp`), so a build that is killed meanwhile leaves nothing a later build
 * does not clean up.
 */
import { constants, copyFileSync, linkSync, lstatSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

export interface Kept {
  /** The rebuild failed: put every file back as it was; `written` are the files it wrote (removed when new). */
  restore(written: string[]): void;
  /** The rebuild succeeded: forget the old files. */
  release(): void;
}

export function keepEditions(dir: string): Kept {
  const kept = new Map<string, string>();
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return; // no folder yet: nothing to keep
    }
    for (const name of names) {
      const p = path.join(d, name);
      if (name.startsWith('.') && name.endsWith('.tmp')) continue;
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) {
        const second = path.join(d, `.${name}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
        try {
          linkSync(p, second);
        } catch {
          copyFileSync(p, second, constants.COPYFILE_FICLONE);
        }
        kept.set(p, second);
      }
    }
  };
  try {
    walk(dir);
  } catch (e) {
    // A read-only or full disk: take back the second names made so far, and say why.
    for (const second of kept.values()) rmSync(second, { force: true });
    throw e;
  }
  return {
    restore(written) {
      for (const f of written) if (!kept.has(f)) rmSync(f, { force: true });
      for (const [file, second] of kept) {
        // When the file was not replaced, both names are one file: rename does nothing, then the second name goes.
        renameSync(second, file);
        rmSync(second, { force: true });
      }
      kept.clear();
    },
    release() {
      for (const second of kept.values()) rmSync(second, { force: true });
      kept.clear();
    },
  };
}

/**
 * The one way a manuscript or theme file is read (DESIGN.md: "Every input path resolves (realpath)
 * inside the manuscript or theme folder").
 *
 * A file is read only when its real path (symlinks resolved) lies inside one of the allowed folders
 * and it is a regular file of a sane size: a symlinked brief.md, author file, boilerplate or brief
 * folder that leads outside the manuscript, a FIFO, a device or a folder named like a file are
 * positioned errors, never read. The bytes are read once and hashed: whoever keys a cache on the
 * file uses that hash, so what was hashed is what was used.
 */
import { closeSync, fstatSync, lstatSync, openSync, readSync, realpathSync, constants as fsConstants } from 'node:fs';
import type { Diagnostic } from '../util/diagnostics.js';
import { sha256 } from '../util/hash.js';
import { displayPath, isInside } from '../util/paths.js';

/** Largest input file read (a brief, an author file, an image): anything larger is refused, not read. */
export const maxInputBytes = 64 * 1024 * 1024;

export interface SourceFile {
  /** The path as asked for (absolute). */
  path: string;
  /** The path with symlinks resolved. */
  real: string;
  bytes: Buffer;
  /** sha256 of `bytes`. */
  hash: string;
}

export type SourceRead = { ok: true; file: SourceFile } | { ok: false; diagnostic: Diagnostic };

/** Real paths of the folders files may come from (resolved once). */
export function realRoots(roots: string[]): string[] {
  return roots.flatMap((r) => {
    try {
      return [realpathSync(r)];
    } catch {
      return [];
    }
  });
}

/**
 * Read `file` if it is a regular file inside one of `roots` (real paths: see realRoots). Never
 * blocks on a FIFO or device: the file is opened non-blocking and checked with fstat before a byte
 * is read. `what` names the file in messages ("brief.md", "author file" ...), `inside` the folders
 * it must stay in.
 */
export function readSource(file: string, roots: string[], what = 'file', inside = 'the manuscript'): SourceRead {
  const shown = displayPath(file);
  // "brief.md is ...", "The author file is ...".
  const The = /^[\w.-]+\.\w+$/.test(what) ? what : `The ${what}`;
  const fail = (message: string, ruleId: string, hint: string): SourceRead => ({
    ok: false,
    diagnostic: { file: shown, line: 0, column: 0, severity: 'error', message, ruleId, hint },
  });
  let real: string;
  try {
    real = realpathSync.native(file); // one system call (the JS realpath walks every component)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return fail(`${The} is missing or is a symlink to nothing`, 'input-unreadable', 'Restore the file, or remove the dangling link.');
    }
    if (code === 'ELOOP') return fail(`${The} is a symlink loop`, 'input-unreadable', 'Replace the link by the file itself.');
    return fail(`${The} cannot be read (${code ?? 'error'})`, 'input-unreadable', 'Check its permissions.');
  }
  if (!roots.some((r) => isInside(real, r))) {
    return fail(
      `${The} leads outside ${inside} (to ${real})`,
      'input-outside',
      'Keep every manuscript and theme file inside its folder: copy the file in instead of linking to it.',
    );
  }
  let fd: number;
  try {
    fd = openSync(real, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK | (fsConstants.O_NOFOLLOW ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') return fail(`${The} is a folder, not a file`, 'input-not-file', 'Replace the folder by a file.');
    return fail(`${The} cannot be read (${code ?? 'error'})`, 'input-unreadable', 'Check its permissions.');
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return fail(`${The} is a folder, not a file`, 'input-not-file', 'Replace the folder by a file.');
    if (!st.isFile()) return fail(`${The} is not a regular file (a device, pipe or socket)`, 'input-not-file', 'Replace it by an ordinary file.');
    if (st.size > maxInputBytes) {
      return fail(`${The} is ${Math.round(st.size / 1048576)} MB, more than briefpress reads (${maxInputBytes / 1048576} MB)`, 'input-too-large', 'Make the file smaller.');
    }
    const bytes = readAll(fd, st.size);
    return { ok: true, file: { path: file, real, bytes, hash: sha256(bytes) } };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(`${The} cannot be read (${code ?? (e as Error).message})`, 'input-unreadable', 'Check the file and its permissions.');
  } finally {
    closeSync(fd);
  }
}

/** Read a regular file to its end (it may have grown since fstat: what is there, up to the limit). */
function readAll(fd: number, size: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buf = Buffer.allocUnsafe(Math.max(size - total, 65536));
    const n = readSync(fd, buf, 0, buf.length, total);
    if (n === 0) break;
    chunks.push(n === buf.length ? buf : buf.subarray(0, n));
    total += n;
    if (total > maxInputBytes) throw new Error(`larger than ${maxInputBytes / 1048576} MB`);
  }
  return Buffer.concat(chunks, total);
}

/**
 * Decode a manuscript text file as UTF-8. Bytes that are not UTF-8 and NUL characters would change
 * the author's text silently: they are replaced (U+FFFD, nothing) and reported as warnings.
 */
export function decodeText(file: SourceFile): { text: string; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  let text = file.bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const shown = displayPath(file.path);
  const at = (i: number) => {
    let line = 1;
    let last = -1;
    for (let k = 0; k < i; k++) if (text.charCodeAt(k) === 10) ((line += 1), (last = k));
    return { line, column: i - last };
  };
  const badByte = firstInvalidUtf8(file.bytes);
  if (badByte >= 0) {
    // The text before the first bad byte is valid UTF-8: its length is the bad character's index.
    const bom = file.bytes[0] === 0xef && file.bytes[1] === 0xbb && file.bytes[2] === 0xbf ? 1 : 0;
    const bad = file.bytes.subarray(0, badByte).toString('utf8').length - bom;
    diagnostics.push({
      file: shown,
      ...at(bad),
      severity: 'warning',
      message: 'The file is not valid UTF-8: the bytes that are not were replaced by �',
      ruleId: 'text-encoding',
      hint: 'Save the file as UTF-8 (most editors: "Save with encoding").',
    });
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    diagnostics.push({
      file: shown,
      ...at(nul),
      severity: 'warning',
      message: 'The file holds NUL characters: they were left out',
      ruleId: 'text-encoding',
      hint: 'Remove the NUL characters (often left by a copy from a binary file or a UTF-16 editor).',
    });
    text = text.replaceAll('\0', '');
  }
  return { text, diagnostics };
}

/** Offset of the first byte that does not belong to a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    strict.decode(bytes);
    return -1;
  } catch {
    // not UTF-8 (rare): find where
  }
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const n = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (n === 0 || i + n > bytes.length) return i;
    if (n > 1) {
      try {
        strict.decode(bytes.subarray(i, i + n)); // continuation bytes, overlong forms, surrogates
      } catch {
        return i;
      }
    }
    i += n;
  }
  return -1;
}

/** A symlink, dangling or not (existsSync follows links and says false for a dangling one). */
export function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

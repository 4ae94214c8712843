/**
 * Faults of the environment a build meets (not the manuscript's, not our bugs), each with the exit
 * code the CLI gives it. Kept free of Puppeteer so the API can tell them apart without loading it.
 */
import { EnvironmentError } from './diagnostics.js';
import { displayPath } from './paths.js';

/**
 * One piece of work in the browser failed (its renderer crashed, or it took far longer than its size
 * warrants): the brief it was for fails, with this message; a fresh page takes over for the others.
 */
export class BrowserFault extends EnvironmentError {
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = 'BrowserFault';
  }
}

/**
 * The browser is gone for good (quit again after one restart, stopped answering, or never started):
 * no further brief can be printed. The build stops; finished briefs keep their files. Exit 3.
 */
export class BrowserGone extends EnvironmentError {
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = 'BrowserGone';
  }
}

/** The build was stopped (SIGINT, SIGTERM, SIGHUP, or the caller's AbortSignal). */
export class BuildStopped extends Error {
  constructor(readonly reason: string) {
    super(`stopped by ${reason}`);
    this.name = 'BuildStopped';
  }
}

/** Exit codes for the signals a build stops on: 128 + the signal's number. */
export const signalExitCodes: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

const writeErrors: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'a folder is in the way',
  ENOTDIR: 'a file is in the way of a folder',
  EEXIST: 'something is in the way',
  ENOENT: 'the folder has gone',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EIO: 'an input/output error of the device',
  EFBIG: 'the file is too large for the file system',
  ENAMETOOLONG: 'the name is too long for the file system',
  ELOOP: 'too many symbolic links',
};

/** An output file or folder could not be written. Exit 3, naming the path. */
export class OutputError extends EnvironmentError {
  constructor(
    readonly path: string,
    readonly code: string,
  ) {
    const full = code === 'ENOSPC' || code === 'EDQUOT';
    super(
      `cannot write ${displayPath(path)}: ${writeErrors[code] ?? code} (${code})`,
      full ? 'Free some space (or choose another folder with --out) and build again: finished briefs are kept.' : 'Choose another folder with --out, or make this one writable.',
    );
    this.name = 'OutputError';
  }
}

/** The error of a failed write of `file` (found also when wrapped in `cause`, or without a path) as an OutputError naming it. */
export function asOutputError(e: unknown, file: string): unknown {
  if (e instanceof OutputError) return e;
  let err = e as (NodeJS.ErrnoException & { cause?: unknown }) | undefined;
  for (let depth = 0; err && depth < 5; depth++, err = err.cause as typeof err) {
    // The file being made, not the temporary file the error may name.
    if (typeof err.code === 'string' && err.code in writeErrors) return new OutputError(file, err.code);
  }
  return e;
}

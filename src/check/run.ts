/** Run an external validator, never throwing: a missing tool is a result, not a crash. */
import { execFile, type ChildProcess } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The command could not be started (not installed). */
  missing: boolean;
}

/** Validators running now: they end with briefpress (a `check` stopped by a signal leaves no epubcheck behind). */
const running = new Set<ChildProcess>();
let exitHooked = false;

/** End every validator still running (by its own process id: only what this process started). */
export function stopTools(): void {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
}

export function runTool(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<RunResult> {
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', stopTools);
  }
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 180_000 }, (err, stdout, stderr) => {
      running.delete(child);
      const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
      const missing = e?.code === 'ENOENT';
      const code = e ? (typeof e.code === 'number' ? e.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr), missing });
    });
    running.add(child);
  });
}

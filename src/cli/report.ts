/** The one reporter: formats diagnostics and progress for a terminal, plain text or JSON. */
import path from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../util/diagnostics.js';
import type { WrittenFile } from '../util/write.js';

export interface Reporter {
  diagnostics(ds: Diagnostic[]): void;
  line(s: string): void;
}

export function createReporter(stream: NodeJS.WriteStream = process.stderr): Reporter {
  const color = stream.isTTY && !process.env.NO_COLOR;
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  return {
    diagnostics(ds) {
      for (const d of ds) {
        const text = formatDiagnostic(d).replace(/  (error|warning|info)  /, (_m, sev: string) =>
          `  ${paint(sev === 'error' ? '31' : sev === 'warning' ? '33' : '36', sev)}  `,
        );
        stream.write(text + '\n');
      }
    },
    line(s) {
      stream.write(s + '\n');
    },
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** The files worth listing: editions and the page, not every font and stylesheet. */
export function mainFiles(files: WrittenFile[]): WrittenFile[] {
  return files.filter((f) => /\.(html|epub|pdf|xml|json|bib|ris)$/.test(f.path) || /cover\.(png|jpg)$/.test(f.path));
}

export function summarizeAssets(files: WrittenFile[]): string {
  const rest = files.filter((f) => !mainFiles([f]).length);
  const bytes = rest.reduce((s, f) => s + f.bytes, 0);
  return rest.length ? `${rest.length} assets (${formatBytes(bytes)})` : '';
}

export function rel(p: string): string {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
}

/**
 * Progress of a series build. On a terminal: one line per finished brief and a status line below
 * them (`[12/100] building a, b`), redrawn in place. Elsewhere (CI logs, pipes): plain lines only.
 */
export interface Progress {
  start(slug: string): void;
  /** A finished brief: its line is printed above the status line. */
  finish(slug: string, line: string): void;
  /** Print lines (diagnostics ...) without garbling the status line. */
  print(fn: () => void): void;
  end(): void;
}

export function createProgress(stream: NodeJS.WriteStream, total: number, enabled = true): Progress {
  const live = enabled && Boolean(stream.isTTY) && !process.env.CI;
  const running = new Set<string>();
  let done = 0;
  const clear = () => live && stream.write('\r\x1b[K');
  const draw = () => {
    if (!live || done >= total) return;
    const names = [...running].join(', ');
    const width = Math.max(20, (stream.columns || 80) - 1);
    const text = `[${done}/${total}] ${running.size ? `building ${names}` : 'checking'}`;
    stream.write(text.length > width ? text.slice(0, width - 1) + '…' : text);
  };
  return {
    start(slug) {
      running.add(slug);
      clear();
      draw();
    },
    finish(slug, line) {
      running.delete(slug);
      done++;
      clear();
      if (line) stream.write(line + '\n');
      draw();
    },
    print(fn) {
      clear();
      fn();
      draw();
    },
    end() {
      clear();
    },
  };
}

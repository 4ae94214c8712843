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
  return files.filter((f) => /\.(html|epub|pdf|xml|json)$/.test(f.path) || /cover\.(png|jpg)$/.test(f.path));
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

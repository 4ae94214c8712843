/**
 * The library surface: build() (and, as they land, check() and preview()). The CLI calls only this.
 */
import path from 'node:path';
import { launchPool, type BrowserPool } from './browser/pool.js';
import { findManuscript } from './manuscript/find.js';
import { readBrief } from './manuscript/brief.js';
import { readSeries } from './manuscript/series.js';
import type { Brief } from './model/brief.js';
import { targetNames, targets } from './targets/list.js';
import type { BuildContext } from './targets/types.js';
import { loadTheme } from './theme/theme.js';
import { BriefpressError, EnvironmentError, hasErrors, type Diagnostic } from './util/diagnostics.js';
import { version } from './util/version.js';
import type { WrittenFile } from './util/write.js';

export type { Brief } from './model/brief.js';
export type { Diagnostic } from './util/diagnostics.js';
export { BriefpressError, EnvironmentError, formatDiagnostic } from './util/diagnostics.js';
export { version };

export interface BuildOptions {
  /** Manuscript folder (series), or one brief's folder. Default `manuscript`. */
  input?: string;
  /** Output folder. Default `dist`. */
  outDir?: string;
  /** Editions to make. Default all: html, epub, pdf. */
  formats?: string[];
  /** Pages printing at once in the one browser. Default 2. */
  jobs?: number;
  /** Progress events (the CLI prints them). */
  onEvent?: (e: BuildEvent) => void;
  /** Seconds since 1970 for every date written; default SOURCE_DATE_EPOCH, else each brief's date. */
  sourceDateEpoch?: number;
}

export type BuildEvent =
  | { type: 'read'; briefs: number }
  | { type: 'brief-start'; slug: string }
  | { type: 'brief-done'; slug: string; files: WrittenFile[]; ms: number }
  | { type: 'brief-failed'; slug: string; diagnostics: Diagnostic[] };

export interface BriefResult {
  slug: string;
  ok: boolean;
  files: WrittenFile[];
  diagnostics: Diagnostic[];
  ms: number;
}

export interface BuildResult {
  ok: boolean;
  briefs: BriefResult[];
  /** Problems not tied to one brief (series.yaml, authors ...) and warnings. */
  diagnostics: Diagnostic[];
  ms: number;
}

export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const t0 = performance.now();
  const outDir = path.resolve(options.outDir ?? 'dist');
  const formats = options.formats ?? targetNames;
  for (const f of formats) {
    if (!targetNames.includes(f)) throw new EnvironmentError(`Unknown format \`${f}\``, `Use one or more of ${targetNames.join(', ')}.`);
  }
  const loc = findManuscript(options.input ?? 'manuscript');
  if (hasErrors(loc.diagnostics)) throw new BriefpressError(loc.diagnostics);
  const seriesRead = readSeries(loc.root);
  if (!seriesRead.value) throw new BriefpressError(seriesRead.diagnostics);
  const src = seriesRead.value;
  const theme = loadTheme(src.series.theme, loc.root);
  options.onEvent?.({ type: 'read', briefs: loc.briefDirs.length });

  const read = await Promise.all(loc.briefDirs.map(async (dir) => ({ dir, ...(await readBrief(src, dir)) })));
  let pool: Promise<BrowserPool> | undefined;
  const envEpoch = options.sourceDateEpoch ?? parseEpoch(process.env.SOURCE_DATE_EPOCH);
  const ctx: BuildContext = {
    outDir,
    theme,
    version,
    formats,
    epoch: (b: Brief) => envEpoch ?? Date.parse(`${b.date}T00:00:00Z`) / 1000,
    browser: () => (pool ??= launchPool(options.jobs ?? 2)),
  };
  const chosen = targets.filter((t) => formats.includes(t.name));
  const results: BriefResult[] = [];
  try {
    for (const r of read) {
      const slug = path.basename(r.dir);
      const started = performance.now();
      if (!r.value) {
        options.onEvent?.({ type: 'brief-failed', slug, diagnostics: r.diagnostics });
        results.push({ slug, ok: false, files: [], diagnostics: r.diagnostics, ms: performance.now() - started });
        continue;
      }
      options.onEvent?.({ type: 'brief-start', slug });
      try {
        const files = (await Promise.all(chosen.map((t) => t.build(r.value!, ctx)))).flat();
        const ms = performance.now() - started;
        options.onEvent?.({ type: 'brief-done', slug, files, ms });
        results.push({ slug, ok: true, files, diagnostics: r.diagnostics, ms });
      } catch (e) {
        if (!(e instanceof BriefpressError)) throw e;
        options.onEvent?.({ type: 'brief-failed', slug, diagnostics: e.diagnostics });
        results.push({ slug, ok: false, files: [], diagnostics: [...r.diagnostics, ...e.diagnostics], ms: performance.now() - started });
      }
    }
  } finally {
    if (pool) await (await pool.catch(() => undefined))?.close();
  }
  return {
    ok: results.every((r) => r.ok) && !hasErrors(seriesRead.diagnostics),
    briefs: results,
    diagnostics: seriesRead.diagnostics,
    ms: performance.now() - t0,
  };
}

function parseEpoch(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new EnvironmentError(`SOURCE_DATE_EPOCH is \`${v}\`, not a whole number of seconds`, 'Unset it or set it to e.g. `1431388800`.');
  return n;
}

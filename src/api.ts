/**
 * The library surface: build(), newBrief() (and, as they land, check() and preview()). The CLI calls only this.
 *
 * A build reads the series, numbers its briefs (src/build/plan.ts), builds every brief that is not
 * fresh in the cache (src/build/cache.ts) several at a time, all sharing one browser, then (for a whole
 * series) runs the series-level steps (the catalog). A brief that fails is reported and the others go on.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserPool } from './browser/pool.js';
import { BuildCache, cacheKey, hashTree, relativeSource } from './build/cache.js';
import { removeGoneBriefs, type RemovedBrief } from './build/clean.js';
import { catalogEntries, catalogEntry, entryFromFrontMatter } from './build/entry.js';
import { keepEditions } from './build/keep.js';
import { mapLimited } from './build/limit.js';
import { linksFor, planSeries } from './build/plan.js';
import { scanBrief, type ScannedBrief } from './build/scan.js';
import { removeManifests, shardFileName, shardManifests, shardOf, UsageError, type Shard } from './build/shard.js';
import { findManuscript } from './manuscript/find.js';
import { readSeries } from './manuscript/series.js';
import { readSource } from './manuscript/source.js';
import type { Brief } from './model/brief.js';
import type { CheckOptions, CheckResult } from './check/check.js';
import type { PreviewOptions, PreviewServer } from './preview/server.js';
import { seriesTargets, targetNames, targets } from './targets/list.js';
import { pageRendezvous } from './targets/pagelist.js';
import type { BuildContext, CatalogEntry } from './targets/types.js';
import { loadTheme } from './theme/theme.js';
import { checkScripts } from './i18n/scripts.js';
import { vetThemeCss } from './theme/css.js';
import { BriefpressError, EnvironmentError, hasErrors, type Diagnostic } from './util/diagnostics.js';
import { displayPath } from './util/paths.js';
import { version } from './util/version.js';
import { sha256 } from './util/hash.js';
import { traced } from './util/trace.js';
import { tuneForLongJob } from './util/young.js';
import { asOutputError, BrowserFault, BrowserGone, BuildStopped } from './util/faults.js';
import { runStaged, stagedFiles, type Stage } from './util/stage.js';
import { removeStaleTemps, writeFilesAtomic, type WrittenFile } from './util/write.js';

export type { Brief } from './model/brief.js';
export type { Diagnostic } from './util/diagnostics.js';
export { BriefpressError, EnvironmentError, formatDiagnostic } from './util/diagnostics.js';
export { toVFileMessages, toVFiles } from './util/vfile-messages.js';
export { BrowserFault, BrowserGone, BuildStopped, OutputError } from './util/faults.js';
export { newBrief, type NewBriefOptions, type NewBriefResult } from './build/new.js';
export { initSeries as init, type InitOptions, type InitResult } from './build/init.js';
export { cacheFileName } from './build/cache.js';
export type { RemovedBrief } from './build/clean.js';
export { parseShard, shardOf, UsageError, type Shard } from './build/shard.js';
export type { PreviewOptions, PreviewServer } from './preview/server.js';
export type { CheckOptions, CheckResult } from './check/check.js';
export { version };

/**
 * Check the manuscript and the built editions (src/check/check.ts). Loaded when first called: the
 * editorial lint's parsers and the validators' code cost a build that does not use them ~0.4 s to load.
 */
export async function check(options: CheckOptions = {}): Promise<CheckResult> {
  return (await import('./check/check.js')).check(options);
}

/** Serve the live preview (src/preview/server.ts); loaded when first called, as `check`. */
export async function preview(options: PreviewOptions = {}): Promise<PreviewServer> {
  return (await import('./preview/server.js')).preview(options);
}

export interface BuildOptions {
  /** Manuscript folder (series), or one brief's folder. Default `manuscript`. */
  input?: string;
  /** Output folder. Default `dist`. */
  outDir?: string;
  /** Editions to make. Default all: html, epub, pdf. */
  formats?: string[];
  /** Page previews beside each PDF (`<slug>/pages/page-N.png`). Default true. */
  previews?: boolean;
  /** Pages printing at once in the one browser. Default 2. */
  jobs?: number;
  /** Briefs in progress at once (read, web page and EPUB while others print). Default `jobs + 2`. */
  concurrency?: number;
  /** Reuse unchanged briefs' editions (`<outDir>/.briefpress-cache.json`). Default true; false: the cache is neither read nor written. */
  cache?: boolean;
  /** Rebuild every brief, and write the cache afresh (the CLI's `--force`). Default false. */
  force?: boolean;
  /** Progress events (the CLI prints them). */
  onEvent?: (e: BuildEvent) => void;
  /** Seconds since 1970 for every date written; default SOURCE_DATE_EPOCH, else each brief's date. */
  sourceDateEpoch?: number;
  /** A browser to print with, kept by the caller (the preview keeps one warm): used, never closed. Default: launched on first use, closed at the end. */
  pool?: BrowserPool;
  /**
   * Stops the build: no new brief starts, the browser is closed (the briefs it was printing fail),
   * the cache is written for the briefs that finished, and build() rejects with `BuildStopped`.
   */
  signal?: AbortSignal;
  /**
   * Build only the briefs of this shard of the series (by the hash of each slug: src/build/shard.ts):
   * their editions and the shard's manifest `.briefpress-shard-I-of-N.json` (its cache), no catalog.
   */
  shard?: Shard;
  /**
   * Build no brief: merge the shard manifests found in `outDir` into the build cache, then write the
   * catalog of the briefs whose editions are there (a brief no shard built fails). Takes the options the
   * shards were built with (formats, previews, SOURCE_DATE_EPOCH).
   */
  catalogOnly?: boolean;
}

export type BuildEvent =
  | { type: 'read'; briefs: number; series: boolean }
  | { type: 'brief-start'; slug: string }
  | { type: 'brief-done'; slug: string; files: WrittenFile[]; ms: number }
  | { type: 'brief-cached'; slug: string }
  | { type: 'brief-failed'; slug: string; diagnostics: Diagnostic[] }
  | { type: 'series-done'; files: WrittenFile[]; ms: number }
  | { type: 'series-cached' }
  /** A brief no longer in the manuscript: the files its last build wrote were removed from the output folder (whole-series builds). */
  | { type: 'brief-removed'; slug: string; files: string[]; kept: string[] }
  /** Worth telling, not a failure (say, Chromium quit and was started again). */
  | { type: 'note'; message: string };

export interface BriefResult {
  slug: string;
  ok: boolean;
  /** True when the editions were already up to date (nothing written). */
  cached: boolean;
  /** Number in the series. */
  number?: number;
  files: WrittenFile[];
  diagnostics: Diagnostic[];
  ms: number;
}

export interface BuildResult {
  ok: boolean;
  briefs: BriefResult[];
  /** Files of the series-level steps (catalog); empty when one brief was built. */
  seriesFiles: WrittenFile[];
  /** Problems not tied to one brief (series.yaml, authors ...) and warnings. */
  diagnostics: Diagnostic[];
  /** Briefs no longer in the manuscript whose output a whole-series build removed (see `brief-removed`). */
  removed: RemovedBrief[];
  /** The output folder (absolute). */
  outDir: string;
  ms: number;
}

export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const t0 = performance.now();
  const outDir = path.resolve(options.outDir ?? 'dist');
  const formats = options.formats ?? targetNames;
  for (const f of formats) {
    if (!targetNames.includes(f)) throw new EnvironmentError(`Unknown format \`${f}\``, `Use one or more of ${targetNames.join(', ')}.`);
  }
  const input = options.input ?? 'manuscript';
  // Only what every brief needs stops the series (no manuscript, no brief, series.yaml, the theme);
  // a bad folder in briefs/, author or boilerplate file fails the briefs it touches (README "Errors").
  const loc = findManuscript(input);
  if (hasErrors(loc.diagnostics) && loc.briefDirs.length === 0) throw new BriefpressError(loc.diagnostics);
  const seriesRead = readSeries(loc.root);
  if (!seriesRead.value) throw new BriefpressError(seriesRead.diagnostics);
  const src = seriesRead.value;
  const theme = loadTheme(src.series.theme, loc.root, src.themeAt);
  const themeCss = vetThemeCss(theme);
  if (hasErrors(themeCss)) throw new BriefpressError(themeCss);

  // The whole series is scanned even for one brief: its number and neighbours depend on the others.
  const wholeSeries = path.resolve(input) === path.resolve(loc.root);
  const shard = options.shard;
  const catalogOnly = options.catalogOnly ?? false;
  if ((shard || catalogOnly) && !wholeSeries) throw new UsageError(`${shard ? '--shard' : 'the catalog'} works on a whole series: give the manuscript folder (${displayPath(loc.root)}), not one brief's folder`);
  if (shard && catalogOnly) throw new UsageError('a shard builds briefs, the catalog merges shards: --shard and --catalog-only do not go together');
  if (catalogOnly && options.cache === false) throw new UsageError('the catalog is made from the shards\' manifests and the build cache: it needs the cache');
  const seriesLoc = wholeSeries ? loc : findManuscript(loc.root);
  const seriesDirs = seriesLoc.briefDirs;
  // Temporary files of earlier runs that were killed before they could remove them.
  removeStaleTemps(outDir);
  const useCache = options.cache ?? true;
  const force = options.force ?? false;
  const cache = new BuildCache(outDir, useCache, shard ? shardFileName(shard) : undefined);
  const diagnostics: Diagnostic[] = [...seriesRead.diagnostics];
  if (cache.ignored) diagnostics.push(cache.ignored);
  // The catalog of a sharded build: every shard's manifest joins the cache (a later shard wins).
  const manifests = catalogOnly ? shardManifests(outDir) : [];
  for (const m of manifests) {
    const part = new BuildCache(outDir, true, path.basename(m));
    if (part.ignored) diagnostics.push(part.ignored);
    for (const [slug, e] of part.briefs) cache.set(slug, e);
  }
  // Every brief.md is read (once) and its front matter parsed, every build: numbers, titles and
  // catalog entries come from the manuscript, never from the cache.
  // The CLI builds with V8's optimizing compiler off until it knows the job is long (src/util/young.ts):
  // a series of more than a few briefs is (its scan alone runs the YAML parser a thousand times).
  if (seriesDirs.length > 10) tuneForLongJob(`a series of ${seriesDirs.length} briefs`, youngMiB());
  const scanned = seriesDirs.map((d) => scanBrief(d, src.roots));
  const plan = planSeries(scanned);
  const titles = new Map(scanned.filter((s) => s.head).map((s) => [s.slug, s.head!.title]));
  const wanted = new Set(loc.briefDirs.map((d) => path.resolve(d)));
  const toBuild = scanned.filter((s) => wanted.has(path.resolve(s.dir)) && (!shard || shardOf(s.slug, shard.count) === shard.index));
  options.onEvent?.({ type: 'read', briefs: toBuild.length, series: wholeSeries });
  // A long document (few briefs, much Markdown) gets a larger young generation: its post-process
  // parses millions of content-stream operators, and with 8 MiB the main thread paused for 250
  // scavenges (519 ms) in the 41k-word report. With 32 MiB: 0.973x, with 64: 0.976x and 0.946x
  // (10, 10 and 8 builds in turn), the peak the same (~395 MiB). A series keeps 8 MiB (its peak
  // memory is what grows).
  if (!shortJob(toBuild)) {
    const young = seriesDirs.length > 10 ? youngMiB() : youngMiB(32);
    tuneForLongJob(`more than 64 kB of Markdown to build; young generation up to ${young} MiB`, young);
  }

  let pool: Promise<BrowserPool> | undefined;
  let closing: Promise<void> | undefined;
  // A bug, a missing tool, a browser gone for good or a stop stops the build: no new brief starts,
  // the ones in progress finish (on a stop, the browser is closed under them: they fail).
  let fatal: unknown;
  const stopped = () => new BuildStopped(typeof options.signal?.reason === 'string' ? options.signal.reason : 'AbortSignal');
  const stop = () => {
    fatal ??= stopped();
    if (pool) void pool.then((p) => p.close(), () => {});
  };
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  const jobs = options.jobs ?? 2;
  const previews = options.previews ?? true;
  const envEpoch = options.sourceDateEpoch ?? parseEpoch(process.env.SOURCE_DATE_EPOCH);
  const ctx: BuildContext = {
    outDir,
    theme,
    version,
    formats,
    previews,
    wasmBaselineOnly: fewPages(toBuild),
    epoch: (b: Brief) => envEpoch ?? Date.parse(`${b.date}T00:00:00Z`) / 1000,
    browser: () => (fatal instanceof BuildStopped ? Promise.reject(fatal) : options.pool ? Promise.resolve(options.pool) : (pool ??= traced('browser.launch', () => import('./browser/pool.js').then((m) => m.launchPool(jobs, { onNote: (message) => options.onEvent?.({ type: 'note', message }), useOnce: toBuild.length === 1 ? ['printer', 'cover'] : [] }))))),
  };
  const chosen = targets.filter((t) => formats.includes(t.name));
  // A brief this cache has never built needs Chromium: it starts now, before the build key below
  // (which hashes briefpress' own code) is made. Other cases wait for the check further down.
  if (!options.pool && !catalogOnly && chosen.some((t) => t.usesBrowser) && toBuild.some((s) => !plan.errors.has(s.slug) && (!useCache || force || !cache.briefs.has(s.slug)))) {
    // Once it is up, it opens the pages the editions will print and draw with while Node reads and
    // renders the brief (a failure reaches the targets that ask for a page).
    ctx.browser().then((pool) => traced('warm', () => warmPages(pool, formats, previews, ctx.wasmBaselineOnly)), () => undefined);
  }
  // Everything besides a brief's own files that shapes its editions.
  const makeKey = () => ({
    tool: version,
    code: toolHash(),
    theme: hashTree(theme.dirs, undefined, theme.readHashes()),
    fonts: theme.fonts.map((f) => f.path),
    formats: [...formats].sort(),
    previews,
    epoch: envEpoch ?? null,
  });
  let buildKey: ReturnType<typeof makeKey>;
  try {
    buildKey = makeKey();
  } catch (e) {
    // Chromium may be starting already (above): a series-level fault here must not leave it running.
    if (pool) await (await pool.catch(() => undefined))?.close();
    throw e;
  }

  const contextOf = (s: ScannedBrief) => ({ ...buildKey, number: plan.numbers.get(s.slug) ?? null, links: linksFor(plan, s.slug, titles) });
  const updated = (date: string) => envEpoch ?? Date.parse(`${date}T00:00:00Z`) / 1000;
  // The hash of each file as this build read it (brief.md by the scan, the series files by readSeries);
  // a cached brief's other sources (images) are read here only to compare, through the one safe reader.
  const readHashes = new Map<string, string>([...src.files].map(([f, sf]) => [f, sf.hash]));
  for (const s of scanned) if (s.source) readHashes.set(s.file, s.hash);
  const currentHash = (rel: string): string => {
    const abs = path.join(loc.root, ...rel.split('/'));
    let h = readHashes.get(abs);
    if (h === undefined) {
      const r = readSource(abs, src.roots, 'file');
      h = r.ok ? r.file.hash : 'unreadable';
      readHashes.set(abs, h);
    }
    return h;
  };
  // What the catalog shows of each brief that is built or unchanged now (src/build/entry.ts).
  const current = new Map<string, CatalogEntry>();
  // Asked twice per brief (may Chromium start early? then by the brief's build): decided once.
  const freshness = new Map<string, boolean>();
  const isFresh = (s: ScannedBrief, context = contextOf(s)) => {
    let fresh = freshness.get(s.slug);
    if (fresh === undefined) {
      fresh = false;
      const prev = cache.briefs.get(s.slug);
      const number = plan.numbers.get(s.slug);
      const own = relativeSource(loc.root, s.file);
      if (useCache && !force && prev && prev.key !== '' && s.source && number !== undefined && prev.sources.some((p) => p.path === own) && cache.onDisk(prev.outputs)) {
        const key = cacheKey(prev.sources.map((p) => ({ path: p.path, hash: currentHash(p.path) })), context);
        const entry = key === prev.key ? entryFromFrontMatter(s, src, number, updated) : undefined;
        if (entry) {
          current.set(s.slug, entry);
          // The entry remembered for a later failure is the manuscript's, not whatever the file held.
          cache.set(s.slug, { ...prev, entry });
        }
        fresh = entry !== undefined;
      }
      freshness.set(s.slug, fresh);
    }
    return fresh;
  };
  // Chromium takes a second to start: start it now, while the first briefs are read, if any will need it.
  if (!options.pool && !catalogOnly && chosen.some((t) => t.usesBrowser) && toBuild.some((s) => !plan.errors.has(s.slug) && !isFresh(s))) {
    ctx.browser().catch(() => undefined); // a failure reaches the targets that ask for it
  }

  const buildOne = async (s: ScannedBrief): Promise<BriefResult> => {
    const { slug } = s;
    const started = performance.now();
    const number = plan.numbers.get(slug);
    const failed = (diagnostics: Diagnostic[]): BriefResult => {
      cache.invalidate(slug);
      options.onEvent?.({ type: 'brief-failed', slug, diagnostics });
      return { slug, ok: false, cached: false, number, files: [], diagnostics, ms: performance.now() - started };
    };
    const folderFaults = seriesLoc.faults.get(s.dir) ?? loc.faults.get(s.dir);
    if (folderFaults) return failed(folderFaults);
    const planErrors = plan.errors.get(slug);
    if (planErrors) return failed(planErrors);
    const context = contextOf(s);
    const { links } = context;

    if (isFresh(s, context)) {
      options.onEvent?.({ type: 'brief-cached', slug });
      return { slug, ok: true, cached: true, number, files: [], diagnostics: [], ms: performance.now() - started };
    }
    if (fatal) return { slug, ok: false, cached: false, number, files: [], diagnostics: [], ms: 0 };
    if (catalogOnly) return failed([notFromShards(s.file, manifests.length)]);
    options.onEvent?.({ type: 'brief-start', slug });
    // The Markdown pipeline loads only when a brief is rebuilt.
    const { readBrief } = await import('./manuscript/brief.js');
    const read = await traced('read', () => readBrief(src, s.dir, s), slug);
    if (!read.value) return failed(read.diagnostics);
    if (fatal) return { slug, ok: false, cached: false, number, files: [], diagnostics: [], ms: 0 };
    const brief = read.value;
    // A character no theme font has, or a script font package missing: errors, never empty boxes.
    const scriptErrors = checkScripts(brief, theme);
    if (scriptErrors.length > 0) return failed([...read.diagnostics, ...scriptErrors]);
    await testPause(slug);
    if (number !== undefined) brief.number = number;
    // One context for all of this brief's targets: per-build memos (the cover) are keyed by it.
    // Issue #15: the EPUB and web page wait for the print's page starts (src/targets/pagelist.ts).
    // The print goes first: the other targets start once its page is rendered (Node then renders
    // them while Chromium prints; before, the print waited for them).
    let printSent = () => {};
    const printFirst = chosen.length > 1 && chosen.some((t) => t.name === 'pdf') ? new Promise<void>((resolve) => (printSent = resolve)) : undefined;
    const briefCtx = { ...ctx, links, pages: formats.includes('pdf') ? pageRendezvous() : undefined, printSent: () => printSent() };
    // The cover (the EPUB's) is drawn by Chromium while Node renders the print: it starts first.
    if (printFirst && chosen.some((t) => t.name === 'epub')) (await import('./targets/cover.js')).coverFor(brief, briefCtx).catch(() => undefined);
    // The targets' files are held until all of them succeed: a brief that fails (or that was still
    // running when another brief hit a bug) writes nothing and keeps its last good editions.
    const stage: Stage = { files: [] };
    const settled = await runStaged(stage, () => Promise.allSettled(chosen.map((t) => traced(`target.${t.name}`, async () => {
      if (printFirst && t.name !== 'pdf') await printFirst;
      return t.build(brief, briefCtx);
    }, slug))));
    // Promises made in the stage (memos, the pool's uses) keep it as their async context as long as
    // they live: it lets go of the files' bytes now (over a series, every brief's EPUB was kept).
    const staged = stagedFiles(stage);
    const after = stage.after ?? [];
    stage.files = [];
    stage.after = undefined;
    const diagnostics = [...read.diagnostics];
    const files: WrittenFile[] = [];
    for (const r of settled) {
      if (r.status === 'fulfilled') files.push(...r.value);
      else if (r.reason instanceof BriefpressError) diagnostics.push(...r.reason.diagnostics);
      else if (options.signal?.aborted) fatal ??= stopped();
      else if (r.reason instanceof BrowserFault && !(r.reason instanceof BrowserGone)) {
        // Its renderer crashed, or it was stuck: this brief fails, a fresh page takes the next.
        if (!diagnostics.some((d) => d.message === r.reason.message)) {
          diagnostics.push({ file: s.file, line: 0, column: 0, severity: 'error', message: r.reason.message, ruleId: 'browser-fault', hint: r.reason.hint });
        }
      } else fatal ??= r.reason;
    }
    if (fatal || settled.some((r) => r.status === 'rejected')) return failed(diagnostics);
    // Then written together; a write that fails half-way (a full disk) puts every last good file back
    // (src/build/keep.ts), so the brief's folder is all old or all new.
    let kept: ReturnType<typeof keepEditions> | undefined;
    try {
      kept = keepEditions(path.join(outDir, slug));
      await writeFilesAtomic(staged);
      for (const fn of after) fn();
      kept.release();
    } catch (e) {
      try {
        kept?.restore(staged.map((f) => f.path));
      } catch {
        // the write's own failure is the one reported
      }
      fatal ??= asOutputError(e, path.join(outDir, slug)); // an unwritable output stops the build
      return failed(diagnostics);
    }
    // Keyed by the bytes this build read: a file edited since makes the brief stale for the next build.
    const sources = brief.sources.map((x) => ({ path: relativeSource(loc.root, x.path), hash: x.hash }));
    const keyed = sources.every((x) => x.path !== undefined);
    const entry = number === undefined ? undefined : catalogEntry(brief, number, ctx.epoch(brief));
    if (entry) current.set(slug, entry);
    cache.set(slug, {
      key: keyed ? cacheKey(sources as { path: string; hash: string }[], context) : '',
      sources: sources.filter((x): x is { path: string; hash: string } => x.path !== undefined),
      outputs: files.map((f) => path.relative(outDir, f.path).split(path.sep).join('/')),
      entry,
    });
    // Read again (cheap): was a file of this brief edited while it was built? (Series files: at the end.)
    for (const x of brief.sources) {
      if (src.files.has(x.path)) continue;
      const now = readSource(x.path, src.roots, 'file');
      if (!now.ok || now.file.hash !== x.hash) diagnostics.push(changedWhileBuilding(x.path, 'the brief was', 'its editions show the earlier text; the next build rebuilds it'));
    }
    const ms = performance.now() - started;
    options.onEvent?.({ type: 'brief-done', slug, files, ms });
    return { slug, ok: true, cached: false, number, files, diagnostics, ms };
  };

  let results: BriefResult[];
  const seriesFiles: WrittenFile[] = [];
  const removed: RemovedBrief[] = [];
  try {
    results = await mapLimited(toBuild, options.concurrency ?? jobs + 2, buildOne);
    // No brief needs the browser now (the catalog does not): it closes while the catalog is made.
    if (pool) (closing ??= pool.catch(() => undefined).then((p) => p?.close())).catch(() => undefined);
    // What finished is recorded even so (a rerun does not build it again); a browser gone for good
    // also leaves the catalog of what is built. A second failure (a full disk) does not hide the first.
    const recordAndThrow = () => {
      try {
        if (useCache) cache.save();
      } catch {
        // the first fault is the one reported
      }
      throw fatal;
    };
    if (fatal && !(fatal instanceof BrowserGone)) recordAndThrow();
    // A series file (series.yaml, boilerplate, an author file) edited while the briefs were built.
    if (results.some((r) => r.ok && !r.cached)) {
      for (const [f, sf] of src.files) {
        const now = readSource(f, src.roots, 'file');
        if (!now.ok || now.file.hash !== sf.hash) diagnostics.push(changedWhileBuilding(f, 'the series was', 'the editions built in this run show the earlier text; the next build rebuilds them'));
      }
    }
    // Briefs gone from the manuscript: a whole-series build removes the files their last build wrote
    // (src/build/clean.ts); a one-brief build leaves them, and their cache entries, for the next.
    const present = new Set(scanned.map((s) => s.slug));
    if (wholeSeries) {
      removed.push(...removeGoneBriefs(outDir, cache.briefs, present));
      for (const r of removed) {
        if (r.files.length || r.kept.length) options.onEvent?.({ type: 'brief-removed', slug: r.slug, files: r.files, kept: r.kept });
        // A file that could not be removed stays recorded: the next build tries again.
        if (r.failed.length) cache.set(r.slug, { ...cache.briefs.get(r.slug)!, key: '', outputs: r.failed });
        else cache.briefs.delete(r.slug);
      }
    }
    cache.retain([...present, ...(wholeSeries ? removed.filter((r) => r.failed.length).map((r) => r.slug) : cache.briefs.keys())]);
    if (wholeSeries && !shard) {
      const t1 = performance.now();
      // Briefs in series order: each from the manuscript, but one that fails now keeps the entry of its
      // last good editions while they are all on disk (the rule: src/build/entry.ts).
      const remembered = results.flatMap((r) => {
        const prev = r.ok ? undefined : cache.briefs.get(r.slug);
        return prev?.entry && cache.onDisk(prev.outputs) ? [{ entry: prev.entry, number: plan.numbers.get(r.slug) }] : [];
      });
      const claimed = new Set([...plan.numbers.values(), ...scanned.flatMap((s) => (s.head?.number === undefined ? [] : [s.head.number]))]);
      const entries = catalogEntries(
        results.flatMap((r) => (r.ok && current.has(r.slug) ? [current.get(r.slug)!] : [])),
        remembered,
        claimed,
      );
      const seriesEpoch = envEpoch ?? Math.max(0, ...entries.map((e) => e.updated));
      // The catalog is made from the entries, the series and the theme: the same again is not rewritten.
      const seriesKey = sha256(JSON.stringify({ buildKey, series: src.series, entries, seriesEpoch }));
      if (useCache && !force && entries.length && cache.seriesFresh(seriesKey)) {
        options.onEvent?.({ type: 'series-cached' });
      } else {
        // Nothing built yet (say, every brief failed on a first build): no catalog, nothing written.
        for (const step of entries.length ? seriesTargets : []) {
          seriesFiles.push(...(await traced(`series.${step.name}`, () => step.build({ outDir, theme, version, formats, series: src.series, entries, epoch: seriesEpoch }))));
        }
        cache.series = entries.length ? { key: seriesKey, outputs: seriesFiles.map((f) => path.relative(outDir, f.path).split(path.sep).join('/')) } : undefined;
        options.onEvent?.({ type: 'series-done', files: seriesFiles, ms: performance.now() - t1 });
      }
    }
    if (fatal) recordAndThrow();
    const unsaved = useCache ? await traced('cache.save', async () => cache.save()) : undefined;
    if (unsaved) diagnostics.push(unsaved);
    // Merged: the folder is now what one build writes (a failed save keeps them for the next try).
    else if (catalogOnly) removeManifests(manifests);
  } catch (e) {
    // The series steps failed (a full disk): the briefs that finished are recorded all the same.
    if (e !== fatal && useCache) {
      try {
        cache.save();
      } catch {
        // the first fault is the one reported
      }
    }
    throw e;
  } finally {
    options.signal?.removeEventListener('abort', stop);
    if (pool) await traced('browser.close', () => (closing ??= pool!.catch(() => undefined).then((p) => p?.close())));
  }
  // Series-level messages: folders in briefs/ that are not briefs, warnings about series files and,
  // for the whole series, broken author or boilerplate files that no brief reported (none uses them).
  const reported = new Set(results.flatMap((r) => r.diagnostics));
  const unused = wholeSeries ? [...src.faults.values()].flat().filter((d) => !reported.has(d)) : [];
  const seriesDiagnostics = [...loc.diagnostics, ...diagnostics, ...unused];
  return {
    ok: results.every((r) => r.ok) && !hasErrors(seriesDiagnostics),
    briefs: results,
    seriesFiles,
    diagnostics: seriesDiagnostics,
    removed: removed.filter((r) => r.files.length || r.kept.length),
    outDir,
    ms: performance.now() - t0,
  };
}

/**
 * Open the pages the chosen editions use (printer, cover) ahead of their first use, and load the
 * previews' PDFium in its worker thread.
 */
async function warmPages(pool: BrowserPool, formats: readonly string[], previews: boolean, baselineOnly?: boolean): Promise<void> {
  // The printer first: it opens in the tab Chromium started with (openPage), its renderer already up.
  // In a build of one brief PDFium waits for the cover's page to close (warmPreviews), so that its
  // memory does not add to two renderers'.
  const [print, cover] = await Promise.all([formats.includes('pdf') ? import('./targets/pdf/print.js') : undefined, formats.includes('epub') ? import('./targets/cover.js') : undefined]);
  print?.warmPrinter(pool);
  cover?.warmCover(pool);
  if (print && previews) (await import('./targets/pdf/previews.js')).warmPreviews({ baselineOnly, pool });
}

/**
 * Whether the briefs to build are short enough (~15 printed pages in all: 64 k characters of Markdown)
 * that the CLI's JavaScript is best left out of V8's optimizing compiler (src/util/young.ts).
 */
function shortJob(briefs: readonly ScannedBrief[]): boolean {
  return briefs.reduce((n, b) => n + b.text.length, 0) <= 64 * 1024;
}

/** The young generation's cap for a long build (src/util/young.ts; BRIEFPRESS_YOUNG_MIB, for measuring). */
const youngMiB = (fallback = 8): number => Number(process.env.BRIEFPRESS_YOUNG_MIB) || fallback;

/**
 * Whether the previews' PDFium is best left in V8's baseline WebAssembly compiler
 * (BuildContext.wasmBaselineOnly): no brief longer than ~15 printed pages (64 k characters of
 * Markdown), and ~100 pages in all (512 k). Its optimizing compiler makes PDFium draw faster but
 * costs CPU time on V8's threads: for one long report, whose previews end its build, that pays
 * (71 pages: 4.6-5.3 s against 5.1-5.5 s); for 20 short briefs, whose previews are drawn while
 * Chromium prints the next ones on the same 2 cores, it does not (6.4-7.1 s against 6.8-7.5 s).
 */
function fewPages(briefs: readonly ScannedBrief[]): boolean {
  return briefs.every((b) => b.text.length <= 64 * 1024) && briefs.reduce((n, b) => n + b.text.length, 0) <= 512 * 1024;
}

let toolHashMemo: string | undefined;
/**
 * briefpress' own code (the folder of this module: src/, or the compiled lib/ of the package): a
 * local change (or an upgrade under the same version) rebuilds everything.
 */
function toolHash(): string {
  // Source maps and type declarations shape no edition (lib/ has one of each per module). The CLI's
  // bundle (lib/cli/bundle) is these modules and the dependencies its inputs.json lists with their
  // hashes: that list stands for it (the bundle's ~5 MB took ~20 ms more to hash at each build).
  const dir = path.dirname(fileURLToPath(import.meta.url));
  const bundle = path.join(dir, 'cli', 'bundle');
  return (toolHashMemo ??= hashTree([dir], (name, file) => name.endsWith('.map') || name.endsWith('.d.ts') || (path.dirname(file) === bundle && name !== 'inputs.json')));
}

/** The catalog of a sharded build: a brief whose editions no shard made from this manuscript. */
function notFromShards(file: string, manifests: number): Diagnostic {
  return {
    file: displayPath(file),
    line: 0,
    column: 0,
    severity: 'error',
    message: manifests
      ? 'No shard built this brief from the manuscript as it is now (its shard failed, did not run, or was given other options): the catalog keeps its last good editions, if any'
      : 'No shard manifest (.briefpress-shard-I-of-N.json) in the output folder, and this brief\'s editions are not up to date there',
    ruleId: 'shard-missing',
    hint: 'Copy every shard\'s output folder into this one, built from the same manuscript with the same --format and SOURCE_DATE_EPOCH, then run the catalog again.',
  };
}

/** A warning: a file changed after this build read it. */
function changedWhileBuilding(file: string, what: string, consequence: string): Diagnostic {
  return {
    file: displayPath(file),
    line: 0,
    column: 0,
    severity: 'warning',
    message: `${path.basename(file)} changed while ${what} being built: ${consequence}`,
    ruleId: 'source-changed',
    hint: 'Build again once the edits are saved.',
  };
}

/**
 * Tests only: BRIEFPRESS_TEST_PAUSE_AFTER_READ=<ms> pauses each brief's build after its files were
 * read (announced on stderr), so a test can edit a file while the build runs.
 */
async function testPause(slug: string): Promise<void> {
  const ms = Number(process.env.BRIEFPRESS_TEST_PAUSE_AFTER_READ);
  if (!(ms > 0)) return;
  process.stderr.write(`briefpress: test pause after reading ${slug}\n`);
  await new Promise((r) => setTimeout(r, ms));
}

function parseEpoch(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new EnvironmentError(`SOURCE_DATE_EPOCH is \`${v}\`, not a whole number of seconds`, 'Unset it or set it to e.g. `1431388800`.');
  return n;
}

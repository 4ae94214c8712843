/**
 * What the preview knows and does between saves: the series' briefs, which of them the editor has
 * opened, the state of each (building, built, in error) and a queue of rebuilds. Builds run one at a
 * time through build() with the one warm browser; the build cache skips briefs a change did not touch
 * (an author file changes only the briefs that read it), so a save rebuilds only what it affects.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { build } from '../api.js';
import type { BrowserPool } from '../browser/pool.js';
import { scanBrief } from '../build/scan.js';
import { findManuscript } from '../manuscript/find.js';
import { BriefpressError, EnvironmentError, formatDiagnostic, type Diagnostic } from '../util/diagnostics.js';
import { isInside } from '../util/paths.js';
import type { ChangeBatch } from './watch.js';

export interface BriefStatus {
  slug: string;
  title: string;
  /** Number in the series, once built. */
  number?: number;
  state: 'waiting' | 'building' | 'ok' | 'error';
  /** Goes up with every build that wrote new editions: the viewer reloads when it changes. */
  version: number;
  /** Good editions exist (they stay on screen while the brief is in error). */
  built: boolean;
  /** URLs of the editions on the preview server. */
  files: { pdf?: string; html?: string; epub?: string };
  /** Problems of the last build (errors, or the warnings of a good build). */
  diagnostics: Diagnostic[];
  /** Duration of the last build in ms. */
  buildMs?: number;
  /** Last measured time from a save to the new pages drawn in the viewer, in ms. */
  drawnMs?: number;
}

export interface SessionOptions {
  /** The series folder. */
  root: string;
  /** Where editions are written (a temporary folder). */
  outDir: string;
  pool: () => Promise<BrowserPool>;
  /** Called after every change of state. */
  onUpdate: () => void;
  log: (line: string) => void;
}

interface Pending {
  /** When the save that asked for this build happened (performance.now()). */
  at?: number;
}

export class PreviewSession {
  briefs: BriefStatus[] = [];
  private dirs = new Map<string, string>();
  private opened: string[] = [];
  private queue = new Map<string, Pending>();
  private running: Promise<void> | undefined;
  /** Save time of the build each brief's current version came from. */
  private savedAt = new Map<string, number>();
  /** Versions whose drawing was already timed. */
  private timed = new Set<string>();
  readonly timings: { slug: string; drawnMs: number; buildMs: number }[] = [];

  constructor(private readonly opts: SessionOptions) {
    this.rescan();
  }

  /** Read the list of briefs again (a folder was added or removed, a title changed). */
  rescan(): void {
    const loc = findManuscript(this.opts.root);
    const old = new Map(this.briefs.map((b) => [b.slug, b]));
    const next: BriefStatus[] = [];
    this.dirs.clear();
    for (const dir of loc.briefDirs) {
      const s = scanBrief(dir);
      this.dirs.set(s.slug, dir);
      const prev = old.get(s.slug);
      next.push(prev ? { ...prev, title: s.head?.title ?? prev.title } : { slug: s.slug, title: s.head?.title ?? s.slug, state: 'waiting', version: 0, built: false, files: {}, diagnostics: [] });
    }
    next.sort((a, b) => (a.number ?? Infinity) - (b.number ?? Infinity) || a.slug.localeCompare(b.slug));
    this.briefs = next;
    this.opened = this.opened.filter((s) => this.dirs.has(s));
  }

  status(slug: string): BriefStatus | undefined {
    return this.briefs.find((b) => b.slug === slug);
  }

  /** The editor looks at this brief: build it now if it has not been built. */
  open(slug: string): boolean {
    if (!this.dirs.has(slug)) return false;
    this.opened = [slug, ...this.opened.filter((s) => s !== slug)];
    const st = this.status(slug)!;
    if (st.state === 'waiting' && !this.queue.has(slug)) this.enqueue(slug, {});
    return true;
  }

  /** Files changed on disk: rebuild the opened briefs they may affect. */
  changed(batch: ChangeBatch): void {
    const briefsDir = path.join(this.opts.root, 'briefs');
    let rescan = false;
    const hit = new Set<string>();
    let everyBrief = false;
    for (const file of batch.files) {
      if (isInside(file, briefsDir) && file !== briefsDir) {
        const rel = path.relative(briefsDir, file).split(path.sep);
        if (rel.length === 1 || rel[1] === 'brief.md') rescan = true;
        hit.add(rel[0]!);
      } else if (file === briefsDir) {
        rescan = true;
      } else {
        // series.yaml, authors, boilerplate, a theme file: possibly every brief (the cache sorts it out).
        everyBrief = true;
      }
    }
    if (rescan) this.rescan();
    for (const slug of this.opened) {
      if (everyBrief || hit.has(slug)) this.enqueue(slug, { at: batch.at });
    }
    this.opts.onUpdate();
  }

  /** Report from the viewer: `version` of `slug` is on screen. */
  drawn(slug: string, version: number): number | undefined {
    const st = this.status(slug);
    const at = this.savedAt.get(slug);
    const key = `${slug}@${version}`;
    if (!st || st.version !== version || at === undefined || this.timed.has(key)) return undefined;
    this.timed.add(key);
    const ms = performance.now() - at;
    st.drawnMs = ms;
    this.timings.push({ slug, drawnMs: ms, buildMs: st.buildMs ?? 0 });
    this.opts.log(`  ↻ ${slug}: saved → pages drawn in ${(ms / 1000).toFixed(2)} s (build ${((st.buildMs ?? 0) / 1000).toFixed(2)} s)`);
    this.opts.onUpdate();
    return ms;
  }

  /** Resolves when no build is queued or running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private enqueue(slug: string, p: Pending): void {
    const prev = this.queue.get(slug);
    // Keep the earliest save: the editor has been waiting since then.
    this.queue.set(slug, { at: prev?.at !== undefined && p.at !== undefined ? Math.min(prev.at, p.at) : (p.at ?? prev?.at) });
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  private async drain(): Promise<void> {
    while (this.queue.size) {
      // The brief opened last first: it is the one on screen.
      const slug = this.opened.find((s) => this.queue.has(s)) ?? this.queue.keys().next().value!;
      const p = this.queue.get(slug)!;
      this.queue.delete(slug);
      await this.buildOne(slug, p);
    }
  }

  private async buildOne(slug: string, p: Pending): Promise<void> {
    const st = this.status(slug);
    const dir = this.dirs.get(slug);
    if (!st || !dir) return;
    st.state = 'building';
    this.opts.onUpdate();
    const t0 = performance.now();
    let diagnostics: Diagnostic[] = [];
    let ok = false;
    let wrote = false;
    try {
      const result = await build({ input: dir, outDir: this.opts.outDir, pool: await this.opts.pool(), cache: true });
      const r = result.briefs.find((b) => b.slug === slug);
      diagnostics = [...result.diagnostics, ...(r?.diagnostics ?? [])];
      ok = Boolean(r?.ok) && result.ok;
      wrote = ok && !r!.cached;
      if (r?.number !== undefined) st.number = r.number;
    } catch (e) {
      if (e instanceof BriefpressError) diagnostics = e.diagnostics;
      else if (e instanceof EnvironmentError) diagnostics = [{ file: '', line: 0, column: 0, severity: 'error', message: e.message, ruleId: 'environment', hint: e.hint }];
      else {
        this.opts.log(`briefpress preview: internal error while building ${slug} (a bug in briefpress)\n${(e as Error)?.stack ?? String(e)}`);
        diagnostics = [{ file: '', line: 0, column: 0, severity: 'error', message: `Internal error: ${(e as Error)?.message ?? String(e)}`, ruleId: 'internal', hint: 'A bug in briefpress: see the terminal for the trace.' }];
      }
    }
    st.buildMs = performance.now() - t0;
    st.diagnostics = diagnostics;
    const out = path.join(this.opts.outDir, slug);
    const has = (name: string) => existsSync(path.join(out, name));
    st.files = {
      pdf: has(`${slug}.pdf`) ? `/out/${slug}/${slug}.pdf` : undefined,
      html: has('index.html') ? `/out/${slug}/index.html` : undefined,
      epub: has(`${slug}.epub`) ? `/out/${slug}/${slug}.epub` : undefined,
    };
    st.built = Boolean(st.files.pdf || st.files.html || st.files.epub);
    // Was in error, now fine but nothing rewritten (series.yaml fixed, brief unchanged): same pages, no overlay.
    if (wrote || (ok && st.version === 0 && st.built)) {
      st.version++;
      if (p.at !== undefined) this.savedAt.set(slug, p.at);
      else this.savedAt.delete(slug);
    }
    st.state = ok ? 'ok' : 'error';
    const secs = (st.buildMs / 1000).toFixed(2);
    if (ok) this.opts.log(wrote ? `  ✓ ${slug} built in ${secs} s` : `  · ${slug} unchanged`);
    else this.opts.log(`  ✗ ${slug}: ${diagnostics.filter((d) => d.severity === 'error').length} error(s)\n${diagnostics.map((d) => '    ' + formatDiagnostic(d).replace(/\n/g, '\n    ')).join('\n')}`);
    this.opts.onUpdate();
  }
}

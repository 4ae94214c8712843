/**
 * What the preview knows and does between saves: the series' briefs, which of them the editor has
 * opened, the state of each (building, built, in error) and a queue of rebuilds. Builds run one at a
 * time through build() with the one warm browser. A save rebuilds only the opened briefs it affects
 * (its own folder; an author file only for the briefs that name that author; series.yaml, the
 * boilerplate and the theme for all), and the edition on screen is built first, the others right after.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { build } from '../api.js';
import type { BrowserPool } from '../browser/pool.js';
import { scanBrief } from '../build/scan.js';
import { readSource, realRoots } from '../manuscript/source.js';
import { yamlLimits } from '../config/validate.js';
import { parse as parseYaml } from 'yaml';
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
  /** Per edition, goes up with every build that rewrote it: the viewer reloads a view when it changes. */
  versions: Record<Edition, number>;
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

export type Edition = 'pdf' | 'html' | 'epub';
const editions: Edition[] = ['pdf', 'html', 'epub'];

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
      const s = scanBrief(dir, realRoots([this.opts.root]));
      this.dirs.set(s.slug, dir);
      const prev = old.get(s.slug);
      next.push(prev ? { ...prev, title: s.head?.title ?? prev.title } : { slug: s.slug, title: s.head?.title ?? s.slug, state: 'waiting', versions: { pdf: 0, html: 0, epub: 0 }, built: false, files: {}, diagnostics: [] });
    }
    next.sort((a, b) => (a.number ?? Infinity) - (b.number ?? Infinity) || a.slug.localeCompare(b.slug));
    this.briefs = next;
    this.opened = this.opened.filter((s) => this.dirs.has(s));
  }

  /** One brief.md changed: read its title again (not the whole series: it may hold thousands). */
  private retitle(slug: string): void {
    const dir = this.dirs.get(slug);
    const st = this.status(slug);
    if (!dir || !st) return;
    try {
      st.title = scanBrief(dir, realRoots([this.opts.root])).head?.title ?? st.title;
    } catch {
      // brief.md removed: the folder event that follows rescans the list
    }
  }

  status(slug: string): BriefStatus | undefined {
    return this.briefs.find((b) => b.slug === slug);
  }

  /** The edition on screen: built first after a save. */
  focus: Edition = 'pdf';

  /** The editor looks at this brief (and this edition): build it now if it has not been built. */
  open(slug: string, edition?: Edition): boolean {
    if (!this.dirs.has(slug)) return false;
    if (edition && editions.includes(edition)) this.focus = edition;
    this.opened = [slug, ...this.opened.filter((s) => s !== slug)];
    const st = this.status(slug)!;
    if (st.state === 'waiting' && !this.queue.has(slug)) this.enqueue(slug, {});
    return true;
  }

  /** Files changed on disk: rebuild the opened briefs they affect. */
  changed(batch: ChangeBatch): void {
    const hit = affectedBriefs(batch.files, this.opts.root, new Map(this.opened.map((s) => [s, this.dirs.get(s)!])));
    const before = [...this.dirs.keys()].join('\n');
    if (hit.rescan) this.rescan();
    else for (const slug of hit.retitle) this.retitle(slug);
    // A brief added or removed renumbers the series and changes neighbours' links: every opened brief.
    const listChanged = [...this.dirs.keys()].join('\n') !== before;
    for (const slug of this.opened) if (listChanged || hit.slugs.has(slug)) this.enqueue(slug, { at: batch.at });
    this.opts.onUpdate();
  }

  private drawnWaiters = new Map<string, () => void>();

  private whenDrawn(slug: string, version: number): Promise<void> {
    return new Promise((resolve) => this.drawnWaiters.set(`${slug}@${version}`, resolve));
  }

  /** Report from the viewer: `version` of `slug` is on screen. */
  drawn(slug: string, version: number): number | undefined {
    const waiter = this.drawnWaiters.get(`${slug}@${version}`);
    this.drawnWaiters.delete(`${slug}@${version}`);
    waiter?.();
    const st = this.status(slug);
    const at = this.savedAt.get(slug);
    const key = `${slug}@${version}`;
    if (!st || st.versions.pdf !== version || at === undefined || this.timed.has(key)) return undefined;
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

  /** Ends the wait for the viewer early when something new is queued. */
  private wake: (() => void) | undefined;

  private enqueue(slug: string, p: Pending): void {
    this.wake?.();
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
    const focus = this.focus;
    // The edition on screen first (the editor sees it sooner), then the other two together.
    const steps: Edition[][] = [[focus], editions.filter((e) => e !== focus)];
    const diagnostics: Diagnostic[] = [];
    let ok = true;
    for (const [i, formats] of steps.entries()) {
      // Saved again meanwhile: the next build makes every edition; skip the now stale ones.
      if (i > 0 && this.queue.has(slug)) break;
      const r = await this.run(slug, dir, formats);
      if (r.number !== undefined) st.number = r.number;
      // Warnings (and a read error) are the same for every edition: keep those of the first step.
      diagnostics.push(...r.diagnostics.filter((d) => i === 0 || !diagnostics.some((e) => e.message === d.message && e.file === d.file && e.line === d.line)));
      this.refreshFiles(st);
      if (r.ok) {
        for (const f of formats) st.versions[f]++;
        if (formats.includes('pdf')) {
          if (p.at !== undefined) this.savedAt.set(slug, p.at);
          else this.savedAt.delete(slug);
        }
      } else ok = false;
      if (i === 0) {
        st.buildMs = performance.now() - t0;
        if (!ok) break; // the manuscript does not read: the other editions would say the same
        st.diagnostics = diagnostics;
        st.state = 'ok'; // what the editor looks at is ready; the other editions follow
        const drawn = focus === 'pdf' ? this.whenDrawn(slug, st.versions.pdf) : undefined;
        this.opts.onUpdate();
        // Leave the CPU to the viewer while it draws the new pages (2 cores: building the other
        // editions at the same time made the pages appear ~0.3 s later); not for long if no one looks.
        if (drawn) await Promise.race([drawn, new Promise((r) => setTimeout(r, 1500)), new Promise<void>((r) => (this.wake = r))]);
        this.wake = undefined;
      }
    }
    st.diagnostics = diagnostics;
    st.state = ok ? 'ok' : 'error';
    const secs = ((performance.now() - t0) / 1000).toFixed(2);
    if (ok) this.opts.log(`  ✓ ${slug} built in ${secs} s (${focus}: ${((st.buildMs ?? 0) / 1000).toFixed(2)} s)`);
    else this.opts.log(`  ✗ ${slug}: ${diagnostics.filter((d) => d.severity === 'error').length} error(s)\n${diagnostics.map((d) => '    ' + formatDiagnostic(d).replace(/\n/g, '\n    ')).join('\n')}`);
    this.opts.onUpdate();
  }

  /** One build() of some editions of one brief; every failure becomes diagnostics. */
  private async run(slug: string, dir: string, formats: Edition[]): Promise<{ ok: boolean; number?: number; diagnostics: Diagnostic[] }> {
    try {
      // No build cache: the preview decides what a save affects, and builds editions in two steps.
      const result = await build({ input: dir, outDir: this.opts.outDir, pool: await this.opts.pool(), cache: false, formats });
      const r = result.briefs.find((b) => b.slug === slug);
      return { ok: Boolean(r?.ok) && result.ok, number: r?.number, diagnostics: [...result.diagnostics, ...(r?.diagnostics ?? [])] };
    } catch (e) {
      if (e instanceof BriefpressError) return { ok: false, diagnostics: e.diagnostics };
      if (e instanceof EnvironmentError) return { ok: false, diagnostics: [{ file: '', line: 0, column: 0, severity: 'error', message: e.message, ruleId: 'environment', hint: e.hint }] };
      this.opts.log(`briefpress preview: internal error while building ${slug} (a bug in briefpress)\n${(e as Error)?.stack ?? String(e)}`);
      return { ok: false, diagnostics: [{ file: '', line: 0, column: 0, severity: 'error', message: `Internal error: ${(e as Error)?.message ?? String(e)}`, ruleId: 'internal', hint: 'A bug in briefpress: see the terminal for the trace.' }] };
    }
  }

  private refreshFiles(st: BriefStatus): void {
    const out = path.join(this.opts.outDir, st.slug);
    const url = (name: string) => (existsSync(path.join(out, name)) ? `/out/${st.slug}/${name}` : undefined);
    st.files = { pdf: url(`${st.slug}.pdf`), html: url('index.html'), epub: url(`${st.slug}.epub`) };
    st.built = Boolean(st.files.pdf || st.files.html || st.files.epub);
  }
}

/**
 * Which of `briefs` (slug -> folder) a set of changed files affects: a file in a brief's folder that
 * brief; an author file the briefs naming that author; anything else (series.yaml, the boilerplate,
 * the theme) every brief. `rescan`: a brief folder came or went; `retitle`: briefs whose brief.md changed.
 */
export function affectedBriefs(files: string[], root: string, briefs: Map<string, string>): { slugs: Set<string>; rescan: boolean; retitle: Set<string> } {
  const briefsDir = path.join(root, 'briefs');
  const authorsDir = path.join(root, 'authors');
  let rescan = false;
  const hit = new Set<string>();
  const retitle = new Set<string>();
  const authors = new Set<string>();
  let everyBrief = false;
  for (const file of files) {
    if (file === briefsDir) rescan = true;
    else if (isInside(file, briefsDir)) {
      const rel = path.relative(briefsDir, file).split(path.sep);
      if (rel.length === 1) rescan = true;
      else if (rel[1] === 'brief.md') retitle.add(rel[0]!);
      hit.add(rel[0]!);
    } else if (path.dirname(file) === authorsDir && file.endsWith('.md')) authors.add(path.basename(file, '.md'));
    else everyBrief = true;
  }
  const slugs = new Set([...briefs].filter(([slug, dir]) => everyBrief || hit.has(slug) || namesAuthor(dir, authors)).map(([slug]) => slug));
  return { slugs, rescan, retitle };
}

/** Whether the brief's front matter names one of these authors (when unsure: yes). */
function namesAuthor(dir: string, authors: Set<string>): boolean {
  if (authors.size === 0) return false;
  try {
    // Read as the build reads it: never a FIFO or a file outside the manuscript, aliases bounded.
    const r = readSource(path.join(dir, 'brief.md'), realRoots([path.resolve(dir, '../..')]));
    if (!r.ok) return true;
    const m = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---/.exec(r.file.bytes.toString('utf8'));
    const list = (parseYaml(m![1]!, { maxAliasCount: yamlLimits.maxAliasCount }) as { authors?: unknown }).authors;
    if (!Array.isArray(list)) return true;
    return list.some((a) => authors.has(typeof a === 'string' ? a : String((a as { id?: unknown })?.id)));
  } catch {
    return true;
  }
}

/**
 * `check`: everything a production editor verifies before publishing, as Diagnostics: the manuscript
 * (schema, images, links ... the same rules as build), editorial slips, and the built editions with
 * the real validators (epubcheck for the EPUB; a PDF parser and qpdf for the PDF). A validator that is not
 * installed is reported (info) and skipped, never a crash.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { scanBrief } from '../build/scan.js';
import path from 'node:path';
import { findManuscript } from '../manuscript/find.js';
import { loadTheme, type Theme } from '../theme/theme.js';
import { checkScripts } from '../i18n/scripts.js';
import { pageSizePoints } from '../theme/tokens.js';
import { splitFrontMatter } from '../manuscript/frontmatter.js';
import { readSeries } from '../manuscript/series.js';
import { decodeText } from '../manuscript/source.js';
import { BriefpressError, type Diagnostic } from '../util/diagnostics.js';
import { displayPath } from '../util/paths.js';
import { applyFixes, lintBrief, lintSeries, toDiagnostic, unsilenced, type LintedBrief } from './editorial.js';
import { writeAtomic } from '../util/write.js';
import { epubcheckAvailable, runEpubcheck } from './epubcheck.js';
import { checkPdf } from './pdf.js';
import { checkPageList } from './pagelist.js';

export interface CheckOptions {
  /** Manuscript folder (series) or one brief's folder. Default `manuscript`. */
  input?: string;
  /** Where the editions were built. Default `dist`. */
  outDir?: string;
  /** Run epubcheck and the PDF checks on the built editions. Default true. */
  editions?: boolean;
  /** Make quotes curly and doubled spaces single in brief.md (`check --fix`); each change is reported. */
  fix?: boolean;
  /** Progress (one line per step). */
  onProgress?: (line: string) => void;
}

export interface CheckResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  /** Briefs checked, by slug. */
  briefs: string[];
}

export async function check(options: CheckOptions = {}): Promise<CheckResult> {
  const outDir = path.resolve(options.outDir ?? 'dist');
  const loc = findManuscript(options.input ?? 'manuscript');
  const diagnostics: Diagnostic[] = [...loc.diagnostics];
  const series = readSeries(loc.root);
  diagnostics.push(...series.diagnostics);
  const briefs: string[] = [];
  if (series.value) {
    // Broken author and boilerplate files once each (every brief that uses one reports the same objects).
    diagnostics.push(...[...series.value.faults.values()].flat());
    // The theme's own faults, and its font families (a PDF may use no others).
    let fontFamilies: string[] | undefined;
    let loadedTheme: Theme | undefined;
    let pageSize: [number, number] | undefined;
    try {
      const theme = loadTheme(series.value.series.theme, loc.root, series.value.themeAt);
      fontFamilies = theme.families;
      pageSize = pageSizePoints(theme.design.page.size);
      loadedTheme = theme;
    } catch (e) {
      if (!(e instanceof BriefpressError)) throw e;
      diagnostics.push(...e.diagnostics);
    }
    const { readBrief } = await import('../manuscript/brief.js');
    const linted: { brief: LintedBrief; path: string; at: number; bytes: Buffer }[] = [];
    const lintOptions = series.value.series.lint ?? {};
    // the series' own prose (author bios, disclaimer, copyright): once each, before the briefs
    const seriesFiles = [...[...series.value.authors.values()].map((a) => a.file), series.value.disclaimer.file, series.value.copyright.file];
    for (const f of [...new Set(seriesFiles)]) {
      const source = series.value.files.get(f);
      if (source) linted.push({ brief: lintBrief(decodeText(source).text, displayPath(f), lintOptions), path: f, at: diagnostics.length, bytes: source.bytes });
    }
    for (const dir of loc.briefDirs) {
      const slug = path.basename(dir);
      briefs.push(slug);
      options.onProgress?.(`manuscript: ${slug}`);
      const faults = loc.faults.get(dir);
      if (faults) {
        diagnostics.push(...faults);
        continue;
      }
      const scanned = scanBrief(dir, series.value.roots);
      const read = await readBrief(series.value, dir, scanned);
      diagnostics.push(...read.diagnostics.filter((d) => !diagnostics.includes(d)));
      if (read.value && loadedTheme) diagnostics.push(...checkScripts(read.value, loadedTheme));
      if (scanned.source && splitFrontMatter(scanned.text)) {
        linted.push({ brief: lintBrief(scanned.text, displayPath(scanned.file), lintOptions), path: scanned.file, at: diagnostics.length, bytes: scanned.source.bytes });
      }
      if (options.editions !== false) diagnostics.push(...(await checkEditions(slug, outDir, options.onProgress, fontFamilies, pageSize)));
    }
    // each brief's editorial messages after its manuscript messages, before its editions'
    const lint = editorial(linted, options.fix === true);
    for (let k = linted.length - 1; k >= 0; k--) diagnostics.splice(linted[k]!.at, 0, ...lint[k]!);
  }
  return { ok: !diagnostics.some((d) => d.severity === 'error'), diagnostics, briefs };
}

/** The editorial findings of every brief (its own, then the series'), and `--fix`'s changes. */
function editorial(linted: { brief: LintedBrief; path: string; bytes: Buffer }[], fix: boolean): Diagnostic[][] {
  const series = lintSeries(linted.map((l) => l.brief));
  return linted.map(({ brief, path: file, bytes }, k) => {
    const findings = unsilenced(brief, [...brief.findings, ...series[k]!]).sort((a, b) => a.offset - b.offset);
    if (!fix || !findings.some((f) => f.fix)) return findings.map((f) => toDiagnostic(brief, f));
    // only a file whose bytes are exactly its text (UTF-8, a BOM kept), unchanged since it was read
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? '\uFEFF' : '';
    let now: Buffer | undefined;
    try {
      now = readFileSync(file);
    } catch {
      now = undefined;
    }
    if (!Buffer.from(bom + brief.text).equals(bytes) || !now?.equals(bytes)) {
      const why = now?.equals(bytes) ? 'it is not clean UTF-8 (see text-encoding)' : 'it changed while check was reading it';
      return [
        ...findings.map((f) => toDiagnostic(brief, f)),
        { file: brief.file, line: 0, column: 0, severity: 'warning', message: `Not fixed: ${why}`, ruleId: 'quote-style', hint: 'Run `briefpress check --fix` again.' },
      ];
    }
    const { text, applied } = applyFixes(brief.text, findings);
    writeAtomic(realpathSync(file), bom + text);
    return findings.map((f) => {
      const d = toDiagnostic(brief, f);
      return applied.includes(f) ? { ...d, severity: 'info' as const, message: `Fixed: ${f.message} (now “${f.fix!.text}”)`, hint: undefined } : d;
    });
  });
}

/** The font families the series' theme names (undefined when the theme cannot be loaded: that check is then skipped). */
async function checkEditions(slug: string, outDir: string, onProgress?: (line: string) => void, fontFamilies?: string[], pageSize?: [number, number]): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  const epub = path.join(outDir, slug, `${slug}.epub`);
  const pdf = path.join(outDir, slug, `${slug}.pdf`);
  const missing = (file: string, what: string): Diagnostic => ({
    file: displayPath(file),
    line: 0,
    column: 0,
    severity: 'info',
    message: `No ${what} to check`,
    ruleId: 'edition-missing',
    hint: `Build it first: \`briefpress build --out ${displayPath(outDir)}\`.`,
  });
  if (!existsSync(epub)) out.push(missing(epub, 'EPUB'));
  else if (!epubcheckAvailable()) {
    out.push({ file: displayPath(epub), line: 0, column: 0, severity: 'info', message: 'epubcheck not found: EPUB check skipped', ruleId: 'epubcheck', hint: 'Install it (Debian: `apt-get install -y epubcheck`) or set EPUBCHECK_JAR.' });
  } else {
    onProgress?.(`epubcheck: ${slug}.epub`);
    const r = await runEpubcheck(epub);
    for (const m of r.messages) {
      if (!['FATAL', 'ERROR', 'WARNING'].includes(m.severity)) continue;
      const [where, line, column] = (m.locations[0] ?? '').split(':');
      out.push({
        file: `${displayPath(epub)}${where ? `!/${where}` : ''}`,
        line: Number(line) > 0 ? Number(line) : 0,
        column: Number(column) > 0 ? Number(column) : 0,
        severity: m.severity === 'WARNING' ? 'warning' : 'error',
        message: `${m.id}: ${m.message}`,
        ruleId: 'epubcheck',
      });
    }
    if (r.exitCode !== 0 && !out.some((d) => d.severity === 'error')) {
      out.push({ file: displayPath(epub), line: 0, column: 0, severity: 'error', message: `epubcheck failed (exit ${r.exitCode})`, ruleId: 'epubcheck', hint: r.output.split('\n').slice(-3).join(' ') });
    }
  }
  if (!existsSync(pdf)) out.push(missing(pdf, 'PDF'));
  else {
    onProgress?.(`pdf: ${slug}.pdf`);
    out.push(...(await checkPdf(pdf, { fontFamilies, pageSize })));
    if (existsSync(epub)) out.push(...(await checkPageList(epub, pdf)));
  }
  return out;
}

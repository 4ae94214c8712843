/**
 * The command line: parses arguments, prints progress, maps failures to exit codes. Calls the API only.
 *
 * Exit codes: 0 success; 1 the manuscript has errors; 2 bad usage; 3 the environment failed
 * (no Chromium, Chromium crashed or stopped answering, a full or read-only disk ...); 70 a bug in
 * briefpress (with a stack trace); 129, 130, 143 stopped by SIGHUP, SIGINT, SIGTERM.
 */
import { parseArgs } from 'node:util';
import type { BuildEvent } from '../api.js';
import { targetNames } from '../targets/list.js';
import { BriefpressError, EnvironmentError } from '../util/diagnostics.js';
import { BuildStopped, OutputError, signalExitCodes } from '../util/faults.js';
import { removeOwnTemps } from '../util/write.js';
import { version } from '../util/version.js';
import { createProgress, createReporter, formatBytes, formatMs, mainFiles, rel, summarizeAssets, type Progress } from './report.js';

export const usage = `briefpress ${version}: policy briefs from Markdown to web page, EPUB and print PDF

Usage:
  briefpress build [manuscript-dir | brief-dir] [--out dir] [--format html,epub,pdf] [--jobs N] [--force] [--no-previews] [--json]
  briefpress new <slug> [manuscript-dir] [--title TEXT] [--author ID] [--date YYYY-MM-DD]
  briefpress preview [manuscript-dir | brief-dir] [--port N] [--no-open]
  briefpress check [manuscript-dir | brief-dir] [--out dir] [--json] [--no-editions] [--fix] [--rules]
  briefpress --help | --version

Commands:
  build     Build the editions of every brief in the series into --out, then the series catalog
            (index.html, opds.xml, catalog.json). Unchanged briefs are reused from the last build.
            Given one brief's folder: build only that brief (numbered and linked in its series; the
            catalog is left as it is). --json prints a report on stdout instead of the progress:
            each brief's files, time and messages, the build's time and peak memory.
  new       Create briefs/<slug>/brief.md in the series: next number, today's date, a sample question.
  preview   Serve a live preview on 127.0.0.1: the print layout page by page, the web edition and
            the EPUB. Every save rebuilds the briefs it affects and refreshes the page; errors show
            over the last good pages. Builds go to a temporary folder, never to --out.
  check     Check before publishing: the manuscript (every build rule, plus editorial slips such as
            repeated words), then the built editions in --out with the real validators (epubcheck;
            pdfinfo, pdffonts and qpdf). --json prints the messages as JSON; --no-editions checks
            the manuscript only; --fix makes straight quotes curly and doubled spaces single in
            brief.md (each change reported); --rules lists the rules. Exits 1 when there is an error.

Options:
  -o, --out DIR        output folder (default: dist)
  -f, --format LIST    editions to build, comma-separated: ${targetNames.join(', ')} (default: all)
  -j, --jobs N         pages printing at once in the one browser (default: 2)
      --force          rebuild every brief, even those unchanged since the last build
      --no-previews    no page previews (<slug>/pages/page-N.png) beside the PDFs: a faster build
      --title TEXT     (new) the brief's title (default: from the slug)
      --author ID      (new) author file stem in authors/ (default: the latest brief's first author)
      --date DATE      (new) publication date (default: today)
      --port N         (preview) port on 127.0.0.1 (default: 4173; 0 picks a free one)
      --no-open        (preview) do not open a desktop browser
  -q, --quiet          print only problems
  -h, --help           show this help
  -v, --version        print the version

Environment:
  SOURCE_DATE_EPOCH           seconds since 1970 for every date written (default: the brief's date)
  PUPPETEER_EXECUTABLE_PATH   the Chromium to print PDFs with (default: found on the system)

Faults (build):
  A brief whose Chromium renderer crashes, or whose page is stuck past its time (30 s, plus 1 s per
  10 kB of HTML), fails with a message; a fresh page takes the next brief. Chromium is given 10 s to
  start; if it quits it is started again once; if it quits again or stops answering for 8 s, the
  build stops (exit 3). Files are written to a temporary file and renamed: a build that stops never
  leaves a half-written file, and the next build removes temporary files an earlier one left.
  SIGINT (Ctrl-C), SIGTERM and SIGHUP stop a build: no new brief starts, Chromium is closed, the
  cache records the briefs that finished (the next build goes on from there); a second signal
  stops at once. Nothing to write (every brief unchanged) needs no write access to --out.

Exit codes: 0 ok; 1 manuscript errors; 2 bad usage; 3 the environment failed (no Chromium,
Chromium crashed or hung, --out full, read-only or not writable: the message names the path);
70 internal error (a bug: please report it); 129 SIGHUP, 130 SIGINT, 143 SIGTERM.
`;

export async function main(argv: string[]): Promise<number> {
  const out = createReporter(process.stderr);
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        format: { type: 'string', short: 'f' },
        jobs: { type: 'string', short: 'j' },
        force: { type: 'boolean' },
        title: { type: 'string' },
        author: { type: 'string' },
        date: { type: 'string' },
        port: { type: 'string' },
        'no-open': { type: 'boolean' },
        json: { type: 'boolean' },
        'no-editions': { type: 'boolean' },
        fix: { type: 'boolean' },
        rules: { type: 'boolean' },
        'no-previews': { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (e) {
    out.line(`briefpress: ${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.version) {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(usage);
    return values.help ? 0 : 2;
  }
  try {
    switch (command) {
      case 'build':
        return await runBuild(rest, values, out);
      case 'preview':
        return await runPreview(rest, values, out);
      case 'new':
        return await runNew(rest, values, out);
      case 'check':
        return await runCheck(rest, values, out);
      default:
        out.line(`briefpress: unknown command \`${command}\`\n\n${usage}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof BriefpressError) {
      out.diagnostics(e.diagnostics);
      out.line(`\n${e.diagnostics.filter((d) => d.severity === 'error').length} error(s): nothing was written.`);
      return 1;
    }
    if (e instanceof BuildStopped) {
      out.line(`briefpress: ${e.message}: the briefs that finished are kept and recorded; the next build goes on from there.`);
      return signalExitCodes[e.reason] ?? 130;
    }
    if (e instanceof EnvironmentError) {
      out.line(`briefpress: ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}`);
      return 3;
    }
    const err = e as NodeJS.ErrnoException;
    if (['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOENT', 'ENOTDIR', 'EEXIST', 'EISDIR'].includes(err?.code ?? '') && err?.path) {
      const o = new OutputError(err.path, err.code!);
      out.line(`briefpress: ${o.message}\n  hint: ${o.hint}`);
      return 3;
    }
    out.line(`briefpress: internal error (a bug in briefpress ${version}; please report it with this trace)\n${err?.stack ?? String(e)}`);
    return 70;
  }
}

async function runBuild(
  rest: string[],
  values: { out?: string; format?: string; jobs?: string; quiet?: boolean; force?: boolean; json?: boolean; 'no-previews'?: boolean },
  out: ReturnType<typeof createReporter>,
): Promise<number> {
  if (rest.length > 1) {
    out.line(`briefpress build: one manuscript folder at a time (got ${rest.join(', ')})`);
    return 2;
  }
  const formats = values.format ? values.format.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  const unknown = formats?.filter((f) => !targetNames.includes(f)) ?? [];
  if (unknown.length) {
    out.line(`briefpress build: unknown format ${unknown.join(', ')}; use ${targetNames.join(', ')}`);
    return 2;
  }
  const jobs = values.jobs ? Number(values.jobs) : undefined;
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1 || jobs > 16)) {
    out.line('briefpress build: --jobs takes a whole number from 1 to 16');
    return 2;
  }
  const quiet = Boolean(values.quiet || values.json);
  let progress: Progress | undefined;
  let single = false;
  const onEvent = (e: BuildEvent) => {
    if (e.type === 'read') {
      single = e.briefs === 1;
      progress = createProgress(process.stderr, e.briefs, !quiet);
      if (!quiet) out.line(`Building ${e.briefs} brief${e.briefs === 1 ? '' : 's'} (${(formats ?? targetNames).join(', ')})`);
    } else if (e.type === 'brief-start') {
      progress?.start(e.slug);
    } else if (e.type === 'brief-failed') {
      progress?.print(() => out.diagnostics(e.diagnostics));
      // A brief dropped because the build was stopped (a signal, a browser gone) has no message of its own.
      const why = e.diagnostics.length === 0 && controller.signal.aborted ? ' (the build was stopped)' : '';
      progress?.finish(e.slug, `✗ ${e.slug}: not built${why}`);
    } else if (e.type === 'brief-cached') {
      progress?.finish(e.slug, quiet ? '' : `· ${e.slug} (unchanged)`);
    } else if (e.type === 'brief-done') {
      progress?.finish(e.slug, quiet ? '' : `✓ ${e.slug} (${formatMs(e.ms)})`);
      if (!quiet && single) {
        for (const f of mainFiles(e.files)) out.line(`    ${rel(f.path)}  ${formatBytes(f.bytes)}`);
        const assets = summarizeAssets(e.files);
        if (assets) out.line(`    + ${assets}`);
      }
    } else if (e.type === 'note') {
      progress?.print(() => out.line(`briefpress: ${e.message}`));
    } else if (e.type === 'series-cached' && !quiet) {
      out.line('· catalog (unchanged)');
    } else if (e.type === 'series-done' && !quiet && e.files.length === 0) {
      out.line('· catalog not written: no brief has editions yet');
    } else if (e.type === 'series-done' && !quiet) {
      out.line(`✓ catalog: ${e.files.filter((f) => /[\\/](index\.html|opds\.xml|catalog\.json|citations\.bib|citations\.ris|sitemap\.xml)$/.test(f.path) && !/_assets/.test(f.path)).map((f) => rel(f.path)).join(', ')} (${formatMs(e.ms)})`);
    }
  };
  let result;
  // SIGINT, SIGTERM, SIGHUP stop the build cleanly (no new brief, browser closed, cache written);
  // a second one stops at once (temporary files and the browser's profile are removed on exit).
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      removeOwnTemps();
      process.exit(signalExitCodes[signal] ?? 130);
    }
    progress?.print(() => out.line(`briefpress: ${signal}: stopping (the briefs in progress are dropped; again to stop at once)`));
    controller.abort(signal);
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, onSignal);
  try {
    const { build } = await import('../api.js');
    result = await build({ input: rest[0] ?? 'manuscript', outDir: values.out ?? 'dist', formats, jobs, previews: !values['no-previews'], force: values.force, onEvent, signal: controller.signal });
  } finally {
    for (const s of signals) process.off(s, onSignal);
    removeOwnTemps();
    progress?.end();
  }
  out.diagnostics(result.diagnostics);
  const warnings = result.briefs.flatMap((b) => (b.ok ? b.diagnostics : [])).filter((d) => d.severity !== 'error');
  out.diagnostics(warnings);
  const failed = result.briefs.filter((b) => !b.ok).length;
  const cached = result.briefs.filter((b) => b.cached).length;
  const built = result.briefs.length - failed - cached;
  out.line(`${failed ? '✗' : '✓'} ${built} built, ${cached} unchanged, ${failed} failed in ${formatMs(result.ms)}`);
  if (values.json) {
    const report = {
      ok: result.ok,
      ms: Math.round(result.ms),
      built,
      unchanged: cached,
      failed,
      peakRssKb: process.resourceUsage().maxRSS,
      briefs: result.briefs.map((b) => ({ slug: b.slug, number: b.number, ok: b.ok, unchanged: b.cached, ms: Math.round(b.ms), files: b.files.map((f) => rel(f.path)), diagnostics: b.diagnostics })),
      series: result.seriesFiles.map((f) => rel(f.path)),
      diagnostics: result.diagnostics,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  }
  if (result.ok) return 0;
  // A brief that failed for its manuscript: 1 (fix it); else only for the browser: 3 (build again).
  const failures = result.briefs.filter((b) => !b.ok).flatMap((b) => b.diagnostics);
  const environment = failures.length > 0 && failures.every((d) => d.ruleId === 'browser-fault' || d.severity !== 'error') && !result.diagnostics.some((d) => d.severity === 'error');
  return environment ? 3 : 1;
}

async function runNew(rest: string[], values: { title?: string; author?: string; date?: string; quiet?: boolean }, out: ReturnType<typeof createReporter>): Promise<number> {
  const [slug, input, ...extra] = rest;
  if (!slug || extra.length) {
    out.line('briefpress new: give a slug and optionally the manuscript folder, e.g. `briefpress new iran-deal manuscript`');
    return 2;
  }
  const { newBrief } = await import('../api.js');
  const r = newBrief({ slug, input: input ?? 'manuscript', title: values.title, author: values.author, date: values.date });
  if (!values.quiet) out.line(`✓ created ${rel(r.file)} (No. ${r.number}); edit it, then run \`briefpress build\``);
  return 0;
}

async function runPreview(rest: string[], values: { port?: string; 'no-open'?: boolean; jobs?: string }, out: ReturnType<typeof createReporter>): Promise<number> {
  if (rest.length > 1) {
    out.line(`briefpress preview: one manuscript or brief folder at a time (got ${rest.join(', ')})`);
    return 2;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    out.line('briefpress preview: --port takes a whole number from 0 to 65535');
    return 2;
  }
  const { preview } = await import('../api.js');
  const server = await preview({ input: rest[0] ?? 'manuscript', port, open: !values['no-open'], log: (l) => out.line(l) });
  process.stdout.write(`briefpress preview: ${server.url}  (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    process.once('SIGHUP', resolve);
  });
  await server.close();
  return 0;
}

async function runCheck(rest: string[], values: { out?: string; json?: boolean; 'no-editions'?: boolean; quiet?: boolean; fix?: boolean; rules?: boolean }, out: ReturnType<typeof createReporter>): Promise<number> {
  if (values.rules) {
    const { rules } = await import('../check/rules.js');
    const width = Math.max(...Object.keys(rules).map((k) => k.length));
    if (values.json) process.stdout.write(`${JSON.stringify(rules, null, 2)}\n`);
    else process.stdout.write(Object.entries(rules).map(([id, text]) => `${id.padEnd(width)}  ${text}\n`).join(''));
    return 0;
  }
  if (rest.length > 1) {
    out.line(`briefpress check: one manuscript folder at a time (got ${rest.join(', ')})`);
    return 2;
  }
  const { check } = await import('../api.js');
  const result = await check({
    input: rest[0] ?? 'manuscript',
    outDir: values.out ?? 'dist',
    editions: !values['no-editions'],
    fix: values.fix === true,
    onProgress: values.quiet || values.json ? undefined : (l) => out.line(`checking ${l}`),
  });
  if (values.json) process.stdout.write(`${JSON.stringify(result.diagnostics, null, 2)}\n`);
  else out.diagnostics(result.diagnostics.filter((d) => !values.quiet || d.severity === 'error'));
  const count = (s: string) => result.diagnostics.filter((d) => d.severity === s).length;
  if (!values.json) out.line(`${result.ok ? '✓' : '✗'} ${result.briefs.length} brief${result.briefs.length === 1 ? '' : 's'} checked: ${count('error')} error(s), ${count('warning')} warning(s)`);
  return result.ok ? 0 : 1;
}

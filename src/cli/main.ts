/**
 * The command line: parses arguments, prints progress, maps failures to exit codes. Calls the API only.
 *
 * Exit codes: 0 success; 1 the manuscript has errors; 2 bad usage; 3 the environment failed
 * (no Chromium, Chromium crashed or stopped answering, a full or read-only disk ...); 70 a bug in
 * briefpress (with a stack trace); 129, 130, 143 stopped by SIGHUP, SIGINT, SIGTERM.
 */
import './heap.js'; // first: see ./heap.ts
import { writeSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BuildEvent } from '../api.js';
import { targetNames } from '../targets/list.js';
import { BriefpressError, EnvironmentError, type Diagnostic } from '../util/diagnostics.js';
import { BuildStopped, OutputError, signalExitCodes } from '../util/faults.js';
import { parseShard, UsageError } from '../build/shard.js';
import { removeOwnTemps } from '../util/write.js';
import { version } from '../util/version.js';
import { allOptions, commandHelp, commands, commandsTaking, findCommand, generalHelp, globalOptions } from './commands.js';
import { createProgress, createReporter, formatBytes, formatMs, mainFiles, rel, summarizeAssets, type Progress, type Reporter } from './report.js';

/** The commands' usage: `briefpress --help` (each command's own: src/cli/commands.ts). */
export const usage = generalHelp();

/** The reason of each exit code, for `--json` documents. */
export const exitReasons: Record<number, string> = { 0: 'ok', 1: 'manuscript-errors', 2: 'bad-usage', 3: 'environment', 70: 'internal-error', 129: 'signal', 130: 'signal', 143: 'signal' };

/**
 * `--json`: exactly one JSON document on stdout, whatever happens. A command that finishes prints its
 * own (with `ok`, `exitCode` and `reason`); any other way out (bad usage, a missing Chromium, a
 * signal, a bug) prints `{ok, exitCode, reason, message, hint, diagnostics}` at the end.
 */
export interface JsonOutput {
  readonly enabled: boolean;
  /** Print a command's document (once). */
  emit(code: number, doc: Record<string, unknown>): void;
  /** Remember why the command failed, for the document printed at the end. */
  fail(why: { message: string; hint?: string; diagnostics?: Diagnostic[]; signal?: string }): void;
  /** Print the failure document unless a document was printed; `sync` from an exit handler. */
  finish(code: number, sync?: boolean): void;
}

function createJsonOutput(enabled: boolean, command: string | undefined): JsonOutput {
  let printed = false;
  let why: { message: string; hint?: string; diagnostics?: Diagnostic[]; signal?: string } | undefined;
  const write = (doc: Record<string, unknown>, sync = false) => {
    if (printed || !enabled) return;
    printed = true;
    const text = `${JSON.stringify(doc, null, 2)}\n`;
    if (sync) writeSync(1, text);
    else process.stdout.write(text);
  };
  return {
    enabled,
    emit(code, doc) {
      write({ ok: code === 0, exitCode: code, reason: exitReasons[code] ?? 'error', ...doc });
    },
    fail(w) {
      why ??= w;
    },
    finish(code, sync) {
      write({ ok: code === 0, exitCode: code, reason: exitReasons[code] ?? 'error', ...(command ? { command } : {}), message: why?.message ?? '', ...(why?.hint ? { hint: why.hint } : {}), ...(why?.signal ? { signal: why.signal } : {}), diagnostics: why?.diagnostics ?? [] }, sync);
    },
  };
}

type Values = Record<string, string | boolean | undefined>;

export async function main(argv: string[]): Promise<number> {
  const out = createReporter(process.stderr);
  // The command is the first word that is not an option (nor an option's value: checked after parsing).
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; tokens: true; options: ReturnType<typeof allOptions> }>> | undefined;
  let parseError: string | undefined;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, tokens: true, options: allOptions() });
  } catch (e) {
    const m = /^Unknown option '([^']+)'/.exec((e as Error).message);
    parseError = m ? `unknown option \`${m[1]}\`` : (e as Error).message;
  }
  const command = parsed ? parsed.positionals[0] : argv.find((a) => !a.startsWith('-'));
  const json = createJsonOutput(argv.includes('--json'), findCommand(command) ? command : undefined);
  // A bug that escapes the command (a throw in a callback, a promise nobody awaited): exit 70, and
  // with --json its document, as for any other bug.
  const onBug = (e: unknown) => {
    removeOwnTemps();
    out.line(`briefpress: internal error (a bug in briefpress ${version}; please report it with this trace)\n${(e as Error)?.stack ?? String(e)}`);
    json.fail({ message: `internal error (a bug in briefpress ${version}): ${(e as Error)?.message ?? String(e)}`, hint: 'Please report it with the trace printed on stderr.' });
    json.finish(70, true);
    process.exit(70);
  };
  process.on('uncaughtException', onBug);
  process.on('unhandledRejection', onBug);
  try {
    const code = await run(argv, parsed, parseError, out, json);
    json.finish(code);
    return code;
  } finally {
    process.off('uncaughtException', onBug);
    process.off('unhandledRejection', onBug);
  }
}

/** Bad usage: a short message, where to look, exit 2. */
function usageError(out: Reporter, json: JsonOutput, command: string | undefined, message: string): number {
  const hint = command && findCommand(command) ? `Run \`briefpress help ${command}\` for its options.` : 'Run `briefpress help` for the commands.';
  out.line(`briefpress${command && findCommand(command) ? ` ${command}` : ''}: ${message}\n  hint: ${hint}`);
  json.fail({ message, hint });
  return 2;
}

async function run(argv: string[], parsed: { values: Values; positionals: string[]; tokens?: { kind: string; name?: string; rawName?: string }[] } | undefined, parseError: string | undefined, out: Reporter, json: JsonOutput): Promise<number> {
  if (!parsed) return usageError(out, json, argv.find((a) => !a.startsWith('-')), parseError ?? 'cannot read the options');
  const { values, positionals, tokens = [] } = parsed;
  const help = (text: string) => {
    if (json.enabled) json.emit(0, { help: text });
    else process.stdout.write(text);
    return 0;
  };
  if (values.version) {
    if (json.enabled) json.emit(0, { version });
    else process.stdout.write(`${version}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  const spec = findCommand(command);
  if (command !== undefined && !spec) return usageError(out, json, undefined, `unknown command \`${command}\`; the commands are ${commands.map((c) => c.name).join(', ')}`);
  // An option of another command is refused, naming the commands that take it.
  for (const t of tokens) {
    if (t.kind !== 'option' || !t.name || t.name in globalOptions) continue;
    if (spec && t.name in spec.options) continue;
    const takers = commandsTaking(t.name);
    const which = takers.map((c) => `\`${c}\``).join(takers.length === 2 ? ' and ' : ', ');
    const take = `${takers.length > 1 ? `${which} take` : `only ${which} takes`} it`;
    return usageError(out, json, command, spec ? `\`${t.rawName}\` is not an option of \`${command}\`: ${take}` : `\`${t.rawName}\` needs a command: ${take}`);
  }
  if (!spec) {
    if (values.help) return help(usage);
    out.line(usage);
    return usageError(out, json, undefined, 'give a command');
  }
  if (command === 'help') {
    if (rest.length > 1) return usageError(out, json, 'help', `one command at a time (got ${rest.join(', ')})`);
    if (rest.length === 0) return help(usage);
    const of = findCommand(rest[0]);
    if (!of) return usageError(out, json, 'help', `unknown command \`${rest[0]}\`; the commands are ${commands.map((c) => c.name).join(', ')}`);
    return help(commandHelp(of));
  }
  if (values.help) return help(commandHelp(spec));
  // build and preview handle signals themselves; the others stop at once, with their --json document.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const onSignal = (signal: NodeJS.Signals) => {
    removeOwnTemps();
    const code = signalExitCodes[signal] ?? 130;
    json.fail({ message: `stopped by ${signal}`, signal });
    json.finish(code, true);
    process.exit(code);
  };
  const ownSignals = command !== 'build' && command !== 'catalog' && command !== 'preview';
  if (ownSignals) for (const s of signals) process.on(s, onSignal);
  try {
    // Tests only: the way out of a bug in briefpress (exit 70, and with --json its document).
    const simulated = process.env.BRIEFPRESS_TEST_INTERNAL_ERROR;
    if (simulated === 'async') {
      await new Promise(() =>
        setTimeout(() => {
          throw new Error('a simulated bug in a callback (BRIEFPRESS_TEST_INTERNAL_ERROR)');
        }, 10),
      );
    }
    if (simulated) throw new Error('a simulated bug (BRIEFPRESS_TEST_INTERNAL_ERROR)');
    switch (command) {
      case 'build':
        return await runBuild(rest, values, out, json);
      case 'catalog':
        return await runBuild(rest, { ...values, 'catalog-only': true }, out, json);
      case 'preview':
        return await runPreview(rest, values, out, json);
      case 'new':
        return await runNew(rest, values, out, json);
      case 'init':
        return await runInit(rest, values, out, json);
      default:
        return await runCheck(rest, values, out, json);
    }
  } catch (e) {
    if (e instanceof UsageError) return usageError(out, json, command, e.message);
    if (e instanceof BriefpressError) {
      out.diagnostics(e.diagnostics);
      const message = `${e.diagnostics.filter((d) => d.severity === 'error').length} error(s): nothing was written.`;
      out.line(`\n${message}`);
      json.fail({ message, diagnostics: e.diagnostics });
      return 1;
    }
    if (e instanceof BuildStopped) {
      const message = `${e.message}: the briefs that finished are kept and recorded; the next build goes on from there.`;
      out.line(`briefpress: ${message}`);
      json.fail({ message, signal: e.reason });
      return signalExitCodes[e.reason] ?? 130;
    }
    if (e instanceof EnvironmentError) {
      out.line(`briefpress: ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}`);
      json.fail({ message: e.message, hint: e.hint });
      return 3;
    }
    const err = e as NodeJS.ErrnoException;
    if (['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOENT', 'ENOTDIR', 'EEXIST', 'EISDIR'].includes(err?.code ?? '') && err?.path) {
      const o = new OutputError(err.path, err.code!);
      out.line(`briefpress: ${o.message}\n  hint: ${o.hint}`);
      json.fail({ message: o.message, hint: o.hint });
      return 3;
    }
    out.line(`briefpress: internal error (a bug in briefpress ${version}; please report it with this trace)\n${err?.stack ?? String(e)}`);
    json.fail({ message: `internal error (a bug in briefpress ${version}): ${err?.message ?? String(e)}`, hint: 'Please report it with the trace printed on stderr.' });
    return 70;
  } finally {
    if (ownSignals) for (const s of signals) process.off(s, onSignal);
  }
}

async function runBuild(rest: string[], values: Values, out: Reporter, json: JsonOutput): Promise<number> {
  if (rest.length > 1) return usageError(out, json, 'build', `one manuscript folder at a time (got ${rest.join(', ')})`);
  const str = (k: string) => values[k] as string | undefined;
  const formats = str('format') !== undefined ? str('format')!.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  const unknown = formats?.filter((f) => !targetNames.includes(f)) ?? [];
  if (unknown.length || formats?.length === 0) return usageError(out, json, 'build', `unknown format ${unknown.join(', ') || '(none given)'}; use ${targetNames.join(', ')}`);
  const jobs = str('jobs') !== undefined ? Number(str('jobs')) : undefined;
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1 || jobs > 16)) return usageError(out, json, 'build', '--jobs takes a whole number from 1 to 16');
  const shard = str('shard') === undefined ? undefined : parseShard(str('shard')!);
  if (str('shard') !== undefined && !shard) return usageError(out, json, 'build', `--shard takes I/N, the I-th of N shards (whole numbers, 1 <= I <= N <= 10000), e.g. --shard 2/4 (got \`${str('shard')}\`)`);
  if (shard && values['catalog-only']) return usageError(out, json, 'build', '--shard builds one shard\'s briefs, --catalog-only (or `catalog`) merges the shards: one or the other');
  const quiet = Boolean(values.quiet || values.json);
  let progress: Progress | undefined;
  let single = false;
  const onEvent = (e: BuildEvent) => {
    if (e.type === 'read') {
      single = e.briefs === 1;
      progress = createProgress(process.stderr, e.briefs, !quiet);
      if (!quiet) out.line(values['catalog-only'] ? `Merging the shards' ${e.briefs} brief${e.briefs === 1 ? '' : 's'} into the catalog` : `Building ${e.briefs} brief${e.briefs === 1 ? '' : 's'} (${(formats ?? targetNames).join(', ')})${shard ? `: shard ${shard.index} of ${shard.count}` : ''}`);
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
      const code = signalExitCodes[signal] ?? 130;
      json.fail({ message: `stopped at once by a second ${signal}`, signal });
      json.finish(code, true);
      process.exit(code);
    }
    progress?.print(() => out.line(`briefpress: ${signal}: stopping (the briefs in progress are dropped; again to stop at once)`));
    controller.abort(signal);
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, onSignal);
  try {
    const { build } = await import('../api.js');
    result = await build({ input: rest[0] ?? 'manuscript', outDir: str('out') ?? 'dist', formats, jobs, previews: !values['no-previews'], force: values.force === true, onEvent, signal: controller.signal, shard, catalogOnly: values['catalog-only'] === true });
  } finally {
    for (const s of signals) process.off(s, onSignal);
    removeOwnTemps();
    progress?.end();
  }
  const problems = (ds: Diagnostic[]) => (values.quiet ? ds.filter((d) => d.severity !== 'info') : ds);
  out.diagnostics(problems(result.diagnostics));
  const warnings = result.briefs.flatMap((b) => (b.ok ? b.diagnostics : [])).filter((d) => d.severity !== 'error');
  out.diagnostics(problems(warnings));
  const failed = result.briefs.filter((b) => !b.ok).length;
  const cached = result.briefs.filter((b) => b.cached).length;
  const built = result.briefs.length - failed - cached;
  for (const r of result.removed ?? []) {
    if (!values.quiet) out.line(`− ${r.slug}: no longer in the manuscript, its output removed (${r.files.length} file${r.files.length === 1 ? '' : 's'})`);
    if (r.kept.length) out.line(`briefpress: ${rel(path.join(result.outDir, r.slug))}/ kept: it holds files briefpress did not write (${r.kept.slice(0, 3).join(', ')}${r.kept.length > 3 ? ' ...' : ''})`);
  }
  if (!values.quiet || !result.ok) out.line(`${failed ? '✗' : '✓'} ${built} built, ${cached} unchanged, ${failed} failed in ${formatMs(result.ms)}`);
  let code = 0;
  if (!result.ok) {
    // A brief that failed for its manuscript: 1 (fix it); else only for the browser: 3 (build again).
    const failures = result.briefs.filter((b) => !b.ok).flatMap((b) => b.diagnostics);
    const environment = failures.length > 0 && failures.every((d) => d.ruleId === 'browser-fault' || d.severity !== 'error') && !result.diagnostics.some((d) => d.severity === 'error');
    code = environment ? 3 : 1;
  }
  json.emit(code, {
    ms: Math.round(result.ms),
    built,
    unchanged: cached,
    failed,
    peakRssKb: process.resourceUsage().maxRSS,
    briefs: result.briefs.map((b) => ({ slug: b.slug, number: b.number, ok: b.ok, unchanged: b.cached, ms: Math.round(b.ms), files: b.files.map((f) => rel(f.path)), diagnostics: b.diagnostics })),
    series: result.seriesFiles.map((f) => rel(f.path)),
    removed: (result.removed ?? []).map((r) => ({ slug: r.slug, files: r.files.map((f) => rel(path.join(result.outDir, f))), kept: r.kept })),
    diagnostics: result.diagnostics,
  });
  return code;
}

async function runNew(rest: string[], values: Values, out: Reporter, json: JsonOutput): Promise<number> {
  const [slug, input, ...extra] = rest;
  if (!slug || extra.length) return usageError(out, json, 'new', 'give a slug and optionally the manuscript folder, e.g. `briefpress new iran-deal manuscript`');
  const { newBrief } = await import('../api.js');
  const r = newBrief({ slug, input: input ?? 'manuscript', title: values.title as string | undefined, author: values.author as string | undefined, date: values.date as string | undefined });
  if (!values.quiet && !json.enabled) out.line(`✓ created ${rel(r.file)} (No. ${r.number}); edit it, then run \`briefpress build${input ? ` ${input}` : ''}\``);
  json.emit(0, { file: rel(r.file), slug: r.slug, number: r.number });
  return 0;
}

async function runInit(rest: string[], values: Values, out: Reporter, json: JsonOutput): Promise<number> {
  if (rest.length > 1) return usageError(out, json, 'init', `one folder at a time (got ${rest.join(', ')})`);
  const { init } = await import('../api.js');
  const dir = rest[0] ?? 'manuscript';
  const r = init({ dir, publisher: values.publisher as string | undefined, series: values.series as string | undefined, theme: values.theme as string | undefined });
  if (!values.quiet && !json.enabled) {
    out.line(`✓ created the series ${rel(r.dir)}/: ${r.files.map((f) => path.relative(r.dir, f).split(path.sep).join('/')).join(', ')}`);
    out.line(`  next: \`briefpress build ${dir}\` (editions and catalog into dist/), \`briefpress new <slug> ${dir}\` for the next brief; ${rel(path.join(r.dir, 'README.md'))} explains the folder`);
  }
  json.emit(0, { dir: rel(r.dir), files: r.files.map(rel), brief: r.brief, author: r.author });
  return 0;
}

async function runPreview(rest: string[], values: Values, out: Reporter, json: JsonOutput): Promise<number> {
  if (rest.length > 1) return usageError(out, json, 'preview', `one manuscript or brief folder at a time (got ${rest.join(', ')})`);
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) return usageError(out, json, 'preview', '--port takes a whole number from 0 to 65535');
  const jobs = values.jobs !== undefined ? Number(values.jobs) : undefined;
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1 || jobs > 16)) return usageError(out, json, 'preview', '--jobs takes a whole number from 1 to 16');
  const { preview } = await import('../api.js');
  // --quiet: no line per rebuild (✓, ↻); errors and the rest still show.
  const log = (l: string) => {
    if (!(values.quiet && /^ {2}[✓↻] /.test(l))) out.line(l);
  };
  const server = await preview({ input: rest[0] ?? 'manuscript', port, jobs, open: !values['no-open'], log });
  process.stdout.write(`briefpress preview: ${server.url}  (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    process.once('SIGHUP', resolve);
  });
  await server.close();
  return 0;
}

async function runCheck(rest: string[], values: Values, out: Reporter, json: JsonOutput): Promise<number> {
  if (values.rules) {
    const { rules } = await import('../check/rules.js');
    const width = Math.max(...Object.keys(rules).map((k) => k.length));
    if (json.enabled) json.emit(0, { rules });
    else process.stdout.write(Object.entries(rules).map(([id, text]) => `${id.padEnd(width)}  ${text}\n`).join(''));
    return 0;
  }
  if (rest.length > 1) return usageError(out, json, 'check', `one manuscript folder at a time (got ${rest.join(', ')})`);
  const { check } = await import('../api.js');
  const result = await check({
    input: rest[0] ?? 'manuscript',
    outDir: (values.out as string | undefined) ?? 'dist',
    editions: !values['no-editions'],
    fix: values.fix === true,
    onProgress: values.quiet || values.json ? undefined : (l) => out.line(`checking ${l}`),
  });
  if (!json.enabled) out.diagnostics(result.diagnostics.filter((d) => !values.quiet || d.severity !== 'info'));
  const count = (s: string) => result.diagnostics.filter((d) => d.severity === s).length;
  if (!json.enabled && (!values.quiet || !result.ok)) out.line(`${result.ok ? '✓' : '✗'} ${result.briefs.length} brief${result.briefs.length === 1 ? '' : 's'} checked: ${count('error')} error(s), ${count('warning')} warning(s)`);
  const code = result.ok ? 0 : 1;
  json.emit(code, { briefs: result.briefs, diagnostics: result.diagnostics });
  return code;
}

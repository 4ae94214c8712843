/**
 * The commands and their options: one table, from which the parser's options, each command's help
 * (`briefpress help <command>`, `<command> --help`) and the refusal of another command's option
 * (`build --fix`: exit 2, naming the commands that take it) are all made.
 */
import { targetNames } from '../targets/list.js';
import { version } from '../util/version.js';

export interface OptionSpec {
  short?: string;
  type: 'string' | 'boolean';
  /** The value's name in the help (`--out DIR`). */
  arg?: string;
  /** One line (or a few) for the help. */
  text: string;
}

export interface CommandSpec {
  name: string;
  /** `briefpress build [manuscript-dir | brief-dir]` and its options, on one line. */
  synopsis: string;
  /** One line for the command list. */
  summary: string;
  /** What it does: a paragraph for its own help. */
  about: string;
  options: Record<string, OptionSpec>;
  /** More sections for its own help (faults, exit codes ...). */
  more?: string;
}

const json = (what: string): OptionSpec => ({ type: 'boolean', text: `print ${what} as one JSON document on stdout (also on failure: {ok, exitCode, reason, message, diagnostics})` });
const quiet: OptionSpec = { short: 'q', type: 'boolean', text: 'print only problems (errors and warnings): no progress, no summary when all is well' };

export const commands: CommandSpec[] = [
  {
    name: 'build',
    synopsis: 'briefpress build [manuscript-dir | brief-dir] [--out DIR] [--format html,epub,pdf] [--jobs N] [--force] [--no-previews] [--quiet] [--json]',
    summary: 'Build every brief of the series into --out, then the series catalog.',
    about: `Build the editions of every brief in the series into --out, then the series catalog
(index.html, opds.xml, catalog.json). Unchanged briefs are reused from the last build. Given one
brief's folder: build only that brief (numbered and linked in its series; the catalog is left as
it is). A whole-series build removes the output folders of briefs no longer in the manuscript:
only the files the cache records briefpress wrote there (a folder holding anything else keeps it).`,
    options: {
      out: { short: 'o', type: 'string', arg: 'DIR', text: 'output folder (default: dist)' },
      format: { short: 'f', type: 'string', arg: 'LIST', text: `editions to build, comma-separated: ${targetNames.join(', ')} (default: all)` },
      jobs: { short: 'j', type: 'string', arg: 'N', text: 'pages printing at once in the one browser (default: 2)' },
      force: { type: 'boolean', text: 'rebuild every brief, even those unchanged since the last build (the cache records them)' },
      'no-previews': { type: 'boolean', text: 'no page previews (<slug>/pages/page-N.png) beside the PDFs: a faster build' },
      shard: { type: 'string', arg: 'I/N', text: 'only the I-th of N shards of the series (stable: by the hash of each slug), with its manifest .briefpress-shard-I-of-N.json and no catalog; see `briefpress help catalog`' },
      'catalog-only': { type: 'boolean', text: 'build no brief: merge the shards in --out into the catalog (the same as `briefpress catalog`)' },
      quiet,
      json: json("a report (each brief's files, time and messages, the totals, peak memory)"),
    },
    more: `Faults:
  A brief whose Chromium renderer crashes, or whose page is stuck past its time (30 s, plus 1 s per
  10 kB of HTML), fails with a message; a fresh page takes the next brief. Chromium is given 60 s to
  start (BRIEFPRESS_LAUNCH_TIMEOUT, in seconds, sets another budget); if it quits it is started
  again once; if it quits again or stops answering for 8 s, the build stops (exit 3). Files are written to a temporary file and renamed: a build that stops never
  leaves a half-written file, and the next build removes temporary files an earlier one left.
  SIGINT (Ctrl-C), SIGTERM and SIGHUP stop a build: no new brief starts, Chromium is closed, the
  cache records the briefs that finished (the next build goes on from there); a second signal
  stops at once. Nothing to write (every brief unchanged) needs no write access to --out.

Environment:
  SOURCE_DATE_EPOCH           seconds since 1970 for every date written (default: the brief's date)
  PUPPETEER_EXECUTABLE_PATH   the Chromium to print PDFs with (default: found on the system)`,
  },
  {
    name: 'catalog',
    synopsis: 'briefpress catalog [manuscript-dir] [--out DIR] [--format LIST] [--no-previews] [--quiet] [--json]',
    summary: 'Merge the outputs of sharded builds (build --shard I/N) into one catalog.',
    about: `Merge the outputs of sharded builds (build --shard I/N, each copied into --out) into one
catalog: index.html, opds.xml, catalog.json and the build cache, as one build would write them.
Builds no brief: one that no shard built is an error. Give the shards' --format and --no-previews.`,
    options: {
      out: { short: 'o', type: 'string', arg: 'DIR', text: 'the folder holding every shard\'s output (default: dist)' },
      format: { short: 'f', type: 'string', arg: 'LIST', text: `the editions the shards built, comma-separated: ${targetNames.join(', ')} (default: all)` },
      'no-previews': { type: 'boolean', text: 'the shards were built with --no-previews' },
      quiet,
      json: json("a report (each brief's files and messages, the totals)"),
    },
  },
  {
    name: 'new',
    synopsis: 'briefpress new <slug> [manuscript-dir] [--title TEXT] [--author ID] [--date YYYY-MM-DD] [--quiet] [--json]',
    summary: 'Add a brief to the series: briefs/<slug>/brief.md.',
    about: `Create briefs/<slug>/brief.md in the series (default: manuscript): the next number, today's
date, the title, an author and the theme's sample question. Refuses an invalid or existing slug and
an unknown author (exit 1).`,
    options: {
      title: { type: 'string', arg: 'TEXT', text: "the brief's title (default: from the slug)" },
      author: { type: 'string', arg: 'ID', text: "author file stem in authors/ (default: the latest brief's first author)" },
      date: { type: 'string', arg: 'DATE', text: 'publication date, YYYY-MM-DD (default: today)' },
      quiet,
      json: json('the file made and its number'),
    },
  },
  {
    name: 'init',
    synopsis: 'briefpress init [dir] [--publisher NAME] [--series NAME] [--theme NAME] [--quiet] [--json]',
    summary: 'Start a new series in a new or empty folder: it builds at once.',
    about: `Make a new series in [dir] (default: manuscript), which must be new or empty: series.yaml,
the boilerplate (disclaimer, copyright), one author, one sample brief and a README.md of the
folder explaining its layout. The files are made in a temporary folder beside it and renamed into
place, so a failure leaves nothing half-made. A folder that is not empty is refused (exit 1,
rule init-not-empty): init never overwrites or mixes with your files. Then:
\`briefpress build <dir>\`, and \`briefpress new <slug> <dir>\` for each next brief.`,
    options: {
      publisher: { type: 'string', arg: 'NAME', text: "the publisher's full name (default: Your Organization)" },
      series: { type: 'string', arg: 'NAME', text: "the series' name (default: Policy Briefs)" },
      theme: { type: 'string', arg: 'NAME', text: "one of briefpress's themes (default: csis)" },
      quiet,
      json: json('the folder and the files made'),
    },
  },
  {
    name: 'preview',
    synopsis: 'briefpress preview [manuscript-dir | brief-dir] [--port N] [--no-open] [--jobs N] [--quiet]',
    summary: 'Serve a live preview on 127.0.0.1 that rebuilds on every save.',
    about: `Serve a live preview on 127.0.0.1: the print layout page by page, the web edition and the
EPUB. Every save rebuilds the briefs it affects and refreshes the page; errors show over the last
good pages. Builds go to a temporary folder, never to --out. Ctrl-C stops it.`,
    options: {
      port: { type: 'string', arg: 'N', text: 'port on 127.0.0.1 (default: 4173; 0 picks a free one)' },
      'no-open': { type: 'boolean', text: 'do not open a desktop browser' },
      jobs: { short: 'j', type: 'string', arg: 'N', text: 'pages printing at once in the warm browser (default: 2)' },
      quiet: { short: 'q', type: 'boolean', text: 'print only problems: no line per rebuild' },
    },
  },
  {
    name: 'check',
    synopsis: 'briefpress check [manuscript-dir | brief-dir] [--out DIR] [--no-editions] [--fix] [--rules] [--quiet] [--json]',
    summary: 'Check before publishing: the manuscript, then the built editions with real validators.',
    about: `Check before publishing: the manuscript (every build rule, plus editorial slips such as
repeated words), then the built editions in --out with the real validators (epubcheck; pdfinfo,
pdffonts and qpdf). Exits 1 when there is an error; warnings alone exit 0.`,
    options: {
      out: { short: 'o', type: 'string', arg: 'DIR', text: 'where the editions were built (default: dist)' },
      'no-editions': { type: 'boolean', text: 'check the manuscript only' },
      fix: { type: 'boolean', text: 'make straight quotes curly and doubled spaces single in brief.md (each change reported)' },
      rules: { type: 'boolean', text: 'list the rule ids (with --json: as one JSON object)' },
      quiet,
      json: json('{ok, exitCode, reason, briefs, diagnostics}'),
    },
  },
  {
    name: 'help',
    synopsis: 'briefpress help [command]',
    summary: "Print the commands, or one command's usage and options.",
    about: "Print the list of commands, or one command's usage and options (as `<command> --help` does).",
    options: {},
  },
];

/** Options every command takes. */
export const globalOptions: Record<string, OptionSpec> = {
  help: { short: 'h', type: 'boolean', text: "show this help (after a command: that command's)" },
  version: { short: 'v', type: 'boolean', text: 'print the version' },
};

export function findCommand(name: string | undefined): CommandSpec | undefined {
  return commands.find((c) => c.name === name);
}

/** Every option of every command, for the parser (an option has the same type and short name wherever it is). */
export function allOptions(): Record<string, { type: 'string' | 'boolean'; short?: string }> {
  const all: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, o] of [...commands.flatMap((c) => Object.entries(c.options)), ...Object.entries(globalOptions)]) {
    all[name] = { type: o.type, ...(o.short ? { short: o.short } : {}) };
  }
  return all;
}

/** The commands that take an option. */
export function commandsTaking(option: string): string[] {
  return commands.filter((c) => option in c.options).map((c) => c.name);
}

const exitCodes = `Exit codes: 0 ok; 1 manuscript errors; 2 bad usage; 3 the environment failed (no Chromium,
Chromium crashed or hung, --out full, read-only or not writable: the message names the path);
70 internal error (a bug: please report it); 129 SIGHUP, 130 SIGINT, 143 SIGTERM.`;

function optionLines(options: Record<string, OptionSpec>): string {
  const rows = Object.entries(options).map(([name, o]) => [`${o.short ? `-${o.short}, ` : '    '}--${name}${o.arg ? ` ${o.arg}` : ''}`, o.text] as const);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  // Each option's text wrapped to 100 columns, continued under itself.
  const wrap = (t: string) => {
    const lines: string[] = [];
    let line = '';
    for (const w of t.split(' ')) {
      if (line && 2 + width + line.length + 1 + w.length > 100) {
        lines.push(line);
        line = w;
      } else line = line ? `${line} ${w}` : w;
    }
    lines.push(line);
    return lines.join(`\n${' '.repeat(2 + width)}`);
  };
  return rows.map(([l, t]) => `  ${l.padEnd(width)}${wrap(t)}`).join('\n');
}

/** `briefpress --help`: the commands, one line each. */
export function generalHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return `briefpress ${version}: policy briefs from Markdown to web page, EPUB and print PDF

Usage:
${commands.map((c) => `  ${c.synopsis}`).join('\n')}
  briefpress --help | --version

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')}

\`briefpress help <command>\` (or \`briefpress <command> --help\`) prints a command's options.

Options of every command:
${optionLines(globalOptions)}

${exitCodes}
`;
}

/** `briefpress help <command>`: its usage and its options only. */
export function commandHelp(c: CommandSpec): string {
  const opts = { ...c.options, help: { short: 'h', type: 'boolean', text: 'show this help' } as OptionSpec };
  return `Usage: ${c.synopsis}

${c.about}

Options:
${optionLines(opts)}
${c.more ? `\n${c.more}\n` : ''}
${exitCodes}
`;
}

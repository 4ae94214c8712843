/**
 * `briefpress init`: a new series that builds at once. series.yaml, the boilerplate (disclaimer and
 * copyright), one author, one sample brief and a README.md of the folder are made in a hidden
 * temporary folder beside the target and renamed into place at the end: a failure (a full disk, a
 * read-only parent) leaves nothing half-made. Only a new or empty folder is filled.
 */
import { lstatSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { readSeries } from '../manuscript/series.js';
import { packageRoot } from '../theme/theme.js';
import { BriefpressError, EnvironmentError, type Diagnostic } from '../util/diagnostics.js';
import { asOutputError, OutputError } from '../util/faults.js';
import { displayPath } from '../util/paths.js';
import { makeDir, writeAtomic } from '../util/write.js';

export interface InitOptions {
  /** The folder to make the series in: new, or empty. Default `manuscript`. */
  dir?: string;
  /** The publisher's full name (series.yaml `publisher`). Default `Your Organization`. */
  publisher?: string;
  /** The series' name (series.yaml `name`). Default `Policy Briefs`. */
  series?: string;
  /** One of briefpress' themes (a folder of its templates/). Default `csis`. */
  theme?: string;
  /** The sample brief's date, `YYYY-MM-DD`. Default: today (local time). */
  date?: string;
}

export interface InitResult {
  /** The series folder (absolute). */
  dir: string;
  /** Every file made, absolute, in the order written. */
  files: string[];
  /** The sample brief's slug. */
  brief: string;
  /** The author's id (authors/<id>.md). */
  author: string;
}

export const sampleBriefSlug = 'sample-brief';
export const sampleAuthorId = 'sample-author';

/** briefpress' own themes: the folders of templates/ with a theme.yaml. */
export function stockThemes(): string[] {
  try {
    return readdirSync(path.join(packageRoot, 'templates'), { withFileTypes: true })
      .filter((e) => e.isDirectory() && isFile(path.join(packageRoot, 'templates', e.name, 'theme.yaml')))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

export function initSeries(options: InitOptions = {}): InitResult {
  const dir = path.resolve(options.dir ?? 'manuscript');
  const fail = (message: string, ruleId: string, hint: string): never => {
    const d: Diagnostic = { file: displayPath(dir), line: 0, column: 0, severity: 'error', message, ruleId, hint };
    throw new BriefpressError([d]);
  };
  const publisher = name(options.publisher, 'Your Organization', '--publisher', fail);
  const series = name(options.series, 'Policy Briefs', '--series', fail);
  const theme = options.theme ?? 'csis';
  const themes = stockThemes();
  if (!themes.includes(theme)) fail(`Theme \`${theme}\` not found`, 'theme-missing', `Name a theme briefpress has: ${themes.join(', ')}. (A theme of your own goes in the series' theme/<name>/ folder afterwards: see templates/README.md.)`);
  const date = options.date ?? today();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) fail(`The date \`${date}\` is not YYYY-MM-DD`, 'frontmatter-schema', 'Give a date such as 2015-05-12.');

  // Only a new folder, or an empty one: init never overwrites or mixes with a user's files.
  let st;
  try {
    st = lstatSync(dir);
  } catch {
    st = undefined;
  }
  if (st?.isSymbolicLink()) fail('The folder is a symlink', 'init-not-empty', 'Give the path of a new folder, or of an empty one (not a link to it).');
  if (st && !st.isDirectory()) fail('This is a file, not a folder', 'init-not-empty', 'Give the path of a new folder, e.g. `briefpress init my-series`.');
  if (st) {
    const entries = readdirSync(dir);
    if (entries.length) {
      const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', ...' : '');
      fail(`The folder is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}: ${shown}): init makes a series only in a new or empty folder`, 'init-not-empty', 'Give the path of a new folder, e.g. `briefpress init my-series`; to add a brief to an existing series, use `briefpress new <slug> <series-folder>`.');
    }
  }

  const files = seriesFiles({ publisher, series, theme, date, folder: path.basename(dir) });
  const parent = path.dirname(dir);
  makeDir(parent);
  const tmp = path.join(parent, `.${path.basename(dir)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    mkdirSync(tmp);
    for (const [rel, text] of files) {
      writeAtomic(path.join(tmp, ...rel.split('/')), text);
    }
    // What was made reads as a series (a bug of briefpress otherwise, not the user's).
    const check = readSeries(tmp);
    if (!check.value || check.diagnostics.some((d) => d.severity === 'error') || check.value.faults.size) {
      throw new Error(`init made a series that does not read: ${JSON.stringify(check.diagnostics)}`);
    }
    try {
      renameSync(tmp, dir); // over a missing or an empty folder
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') fail('The folder is not empty any more (something wrote into it meanwhile)', 'init-not-empty', 'Give the path of a new folder.');
      if ((code === 'EPERM' || code === 'EACCES') && st) {
        // Some systems do not rename over an empty folder: remove it, then rename.
        rmdirSync(dir);
        renameSync(tmp, dir);
      } else throw e;
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (e instanceof BriefpressError) throw e;
    const err = e as NodeJS.ErrnoException;
    const o = e instanceof OutputError ? e : err?.code && err.path ? asOutputError(e, err.path) : undefined;
    if (o instanceof OutputError) {
      // The file as the user will know it, not the temporary folder's.
      const named = new OutputError(o.path.split(tmp).join(dir), o.code);
      throw new EnvironmentError(named.message, 'Nothing was made: free some space, or give a folder on a writable disk, then run init again.');
    }
    throw e;
  }
  return { dir, files: files.map(([rel]) => path.join(dir, ...rel.split('/'))), brief: sampleBriefSlug, author: sampleAuthorId };
}

function name(value: string | undefined, fallback: string, option: string, fail: (m: string, r: string, h: string) => never): string {
  if (value === undefined) return fallback;
  const v = value.trim();
  // eslint-disable-next-line no-control-regex
  if (!v || v.length > 200 || /[\u0000-\u001f\u007f]/.test(v)) fail(`${option} \`${value}\` is not a name`, 'series-schema', `Give ${option} a name on one line, up to 200 characters, e.g. ${option} "Center for Policy Studies".`);
  return v;
}

function slugify(s: string): string {
  return (
    s
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'series'
  );
}

/** A YAML scalar on one line (quoted when it must be). */
function scalar(v: string): string {
  return stringifyYaml(v, { lineWidth: 0 }).trimEnd();
}

function isFile(p: string): boolean {
  try {
    return lstatSync(p).isFile();
  } catch {
    return false;
  }
}

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The files of a new series, relative to its folder. */
function seriesFiles(o: { publisher: string; series: string; theme: string; date: string; folder: string }): [string, string][] {
  const namespace = `${slugify(o.publisher)}/${slugify(o.series)}`;
  const seriesYaml = `# The series: one per manuscript folder. Every field: briefpress's README, "Manuscript format".
name: ${scalar(o.series)}
publisher: ${scalar(o.publisher)}
# publisherShort: ABC           # a short name for the publisher (default: publisher)
# publisherUrl: https://example.org
language: en                    # the briefs' language (BCP 47); a brief may set its own
description: >-
  What the series is, in a sentence or two: shown in the catalog and the OPDS feed.
${`theme: ${o.theme}`.padEnd(32)}# the house style: one of briefpress's themes, or theme/<name>/ here
# Every brief gets an identifier: its own (front matter \`identifier\`) or a UUID made from this
# namespace and its slug, stable across builds. Do not change it once briefs are published.
identifier:
  scheme: uuid
  namespace: ${scalar(namespace)}
format: qa                      # qa: each \`##\` heading is a question (Q1/A1 ...); article: as written
rawHtml: false                  # true: raw HTML in briefs is kept (sanitized)
`;
  const disclaimer = `_{{series}}_ is published by {{publisher}}. The views, positions and conclusions expressed in this publication are solely those of the author(s).
`;
  const copyright = `© {{year}} {{publisher}}. All rights reserved.
`;
  const author = `---
name: Sample Author
title: Senior Fellow
affiliation: ${scalar(o.publisher)}
---
Sample Author is a senior fellow at ${o.publisher.replace(/[\\`*_[\]<>#]/g, '\\$&')}. This is the author's biography: a sentence or two, in Markdown, printed at the end of every brief the author writes. Rename this file to the author's id (lower-case words joined by hyphens, e.g. jane-smith.md) and name that id in the authors of each brief.
`;
  const brief = `---
title: A Sample Brief
subtitle: How a brief of this series is written
authors: [${sampleAuthorId}]
date: ${o.date}
language: en
summary: >-
  What a brief of this series looks like: its front matter, its questions and answers, a table
  and a quotation. Replace it with the first real brief, or remove it.
keywords: [Sample, Style guide]
---

## What is this brief for?

It shows what a brief of the series holds, and it builds as it is: a web page, an EPUB ebook and a print PDF in the house style, and a place in the series catalog. Edit it into the first real brief, or remove its folder once another brief is written.

## Where do the title, the authors and the date come from?

From the front matter: the block between the two lines of three hyphens at the top of this file. The title, subtitle, date, summary and keywords are written there; each author is named by the id of a file in the authors folder, which holds the name, the position and the biography. The disclaimer and the copyright notice come from the boilerplate folder and are the same for every brief of the series.

## How are sources cited?

With footnotes: a marker such as [^1] right after the claim, and the note itself on a line of its own at the end of the file, starting with the same marker and a colon. The notes are numbered in order and printed as endnotes. A note names the author, the title, the publisher, the date and a link, such as [a report’s page](https://example.org/).

## What else can an answer hold?

Paragraphs, lists, quotations, tables and images with a description of what they show:

| Edition | File | Made for |
|---|---|---|
| Web page | index.html | reading online |
| EPUB | *slug*.epub | e-readers |
| PDF | *slug*.pdf | print |

> A quotation is set apart from the answer around it.
`;
  const readme = `# ${o.series}: the manuscript

This folder is one series of briefs for briefpress: Markdown in, a web page, an EPUB ebook and a
print PDF of each brief out, in the house style of the \`${o.theme}\` theme, with a catalog of the
series. It was made by \`briefpress init\`; every file in it is yours to edit.

\`\`\`
${o.folder}/
  series.yaml                  the series: its name, the publisher, language, theme, identifiers
  boilerplate/disclaimer.md    the disclaimer printed in every brief (Markdown, with placeholders)
  boilerplate/copyright.md     the copyright notice printed in every brief
  authors/${sampleAuthorId}.md     one file per author: name, position, affiliation, then the biography
  briefs/${sampleBriefSlug}/brief.md  one folder per brief, named by its slug: front matter, then the
                               questions (\`##\`) and answers; images go beside brief.md
  README.md                    this file (briefpress does not read it)
\`\`\`

A theme of your own, or a few files overriding the \`${o.theme}\` theme, may go in \`theme/<name>/\`
(see briefpress's \`templates/README.md\`). The boilerplate may use the placeholders \`{{year}}\`,
\`{{publisher}}\`, \`{{publisherShort}}\`, \`{{series}}\` and \`{{title}}\`.

## Commands

Run from the folder that holds \`${o.folder}/\`:

\`\`\`sh
briefpress build ${o.folder}              # every brief's editions, and the catalog, into dist/
briefpress preview ${o.folder}            # a live preview in the browser while you write
briefpress new my-next-brief ${o.folder}  # a new brief: briefs/my-next-brief/brief.md
briefpress check ${o.folder}              # before publishing: the manuscript and the editions in dist/
briefpress help                          # every command and option
\`\`\`

\`dist/<slug>/\` then holds each brief's \`index.html\`, \`<slug>.epub\`, \`<slug>.pdf\` and \`cover.png\`;
\`dist/index.html\`, \`dist/opds.xml\` and \`dist/catalog.json\` are the series catalog.
`;
  return [
    ['series.yaml', seriesYaml],
    ['boilerplate/disclaimer.md', disclaimer],
    ['boilerplate/copyright.md', copyright],
    [`authors/${sampleAuthorId}.md`, author],
    [`briefs/${sampleBriefSlug}/brief.md`, brief],
    ['README.md', readme],
  ];
}

/**
 * Editorial lint of a brief: the slips a copy editor marks before a brief goes out. Only warnings: the
 * text is the author's, changed only by `check --fix` (quote-style and doubled spaces).
 *
 * The brief's Markdown is read by remark and turned into natural-language trees by retext's English
 * parser (mdast-util-to-nlcst + parse-english, the machinery of remark-retext), so every word keeps
 * its place in brief.md, code and URLs are not prose, and Markdown syntax does not count as text.
 * The title, subtitle, summary, bios, disclaimer and copyright of the front matter are read from
 * their place in the YAML. Each block of text becomes a run: its characters and, for each, its
 * offset in the file; the rules work on runs.
 */
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { toNlcst } from 'mdast-util-to-nlcst';
import { ParseEnglish } from 'parse-english';
import { VFile } from 'vfile';
import { isMap, isScalar, isSeq, parseDocument, type Scalar } from 'yaml';
import type { Node as NlcstNode, Parent as NlcstParent } from 'nlcst';
import type { Root as MdastRoot, RootContent as MdastContent } from 'mdast';
import type { Diagnostic } from '../util/diagnostics.js';
import { splitFrontMatter } from '../manuscript/frontmatter.js';
import { frontmatterSyntax, gfmSyntax } from '../pipeline/markdown-syntax.js';

/** The editorial rules (ids in src/check/rules.ts). */
export const editorialRules = [
  'repeated-words',
  'acronym-expansion',
  'quote-style',
  'term-variant',
  'number-style',
  'unbalanced',
  'doubled-space',
  'doubled-punctuation',
  'series-spelling',
] as const;
export type EditorialRule = (typeof editorialRules)[number];

/** A block of prose: its text and each character's offset in the file. */
export interface Run {
  text: string;
  at: number[];
  /** Where it comes from: `body`, `heading`, or the front matter field (`title`, `summary`, `bio` ...). */
  field: string;
  /** `check --fix` may edit it (not a quoted YAML scalar, whose escapes differ from its text). */
  fixable: boolean;
}

export interface Finding {
  rule: EditorialRule;
  /** Offset in the file. */
  offset: number;
  message: string;
  hint: string;
  /** The words it is about (for `lint: {ignore: ["rule: words"]}`). */
  subject: string;
  /** What `--fix` does: replace file[start, end) with text. */
  fix?: { start: number; end: number; text: string };
}

export interface LintOptions {
  /** Acronyms that need no expansion and are never flagged (series.yaml `lint.acronyms`). */
  acronyms?: string[];
  /** Every acronym must be spelled out at its first use in the body (series.yaml `lint.expandAcronyms`). */
  expandAcronyms?: boolean;
}

/** One brief read for the lint: its runs and what silences findings. */
export interface LintedBrief {
  file: string;
  text: string;
  runs: Run[];
  findings: Finding[];
  /** `lint: {ignore: [...]}` of the front matter: rule ids, or `rule: words`. */
  ignore: string[];
  /** `<!-- lint ignore rule ... -->` comments: the rules they silence in the block after them. */
  ignoredRanges: { start: number; end: number; rules: string[] }[];
}

const small = new Set(['of', 'for', 'the', 'and', 'on', 'in', 'to', 'a', 'an', 'at', 'by', 'de', 'du', 'des', 'la', 'le', 'al', 'el', 'von', 'van', 'und', 'et', 'with', '&']);
const frontFields = ['title', 'subtitle', 'summary', 'disclaimer', 'copyright'];
/** Runs in Title Case: a word's capital there says nothing of its spelling. */
const titled = new Set(['title', 'subtitle', 'heading']);

// ---------------------------------------------------------------------------------------------
// Reading

function nlcstRuns(text: string): { runs: Run[]; mdast: MdastRoot } {
  const file = new VFile(text);
  const mdast = unified().use(remarkParse).use(gfmSyntax).use(frontmatterSyntax).parse(file) as MdastRoot;
  let tree;
  try {
    tree = toNlcst(mdast, file, ParseEnglish, { ignore: ['yaml', 'toml', 'code', 'html', 'definition', 'math', 'inlineMath'] });
  } catch (e) {
    // a paragraph of some hundred thousand words overflows the converter's stack: read the Markdown's text nodes instead
    if (!(e instanceof RangeError)) throw e;
    return { runs: mdastRuns(mdast), mdast };
  }
  const runs: Run[] = [];
  const leaves = (node: NlcstNode, run: Run) => {
    if ('children' in node) {
      for (const c of (node as NlcstParent).children) leaves(c, run);
      return;
    }
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (start === undefined || end === undefined) return;
    if (node.type === 'SourceNode') {
      // inline code: a stand-in that no rule reads as a word or a quote
      run.text += '\uFFFC';
      run.at.push(start);
      return;
    }
    const value = (node as { value?: string }).value ?? '';
    for (let i = 0; i < value.length; i++) {
      run.text += value[i];
      run.at.push(Math.min(start + i, end - 1));
    }
  };
  const headings: [number, number][] = [];
  const walk = (nodes: MdastContent[]) => {
    for (const n of nodes) {
      if (n.type === 'heading' && n.position) headings.push([n.position.start.offset!, n.position.end.offset!]);
      else if ('children' in n) walk(n.children as MdastContent[]);
    }
  };
  walk(mdast.children);
  for (const p of tree.children) {
    if (p.type !== 'ParagraphNode') continue;
    const startAt = p.position?.start.offset ?? -1;
    const heading = headings.some(([a, b]) => startAt >= a && startAt < b);
    const run: Run = { text: '', at: [], field: heading ? 'heading' : 'body', fixable: true };
    leaves(p, run);
    if (run.text.trim()) runs.push(run);
  }
  return { runs, mdast };
}

/** Runs from the Markdown tree itself (paragraphs and headings; code, HTML and tables left out). */
function mdastRuns(mdast: MdastRoot): Run[] {
  const runs: Run[] = [];
  const phrasing = (n: MdastContent, run: Run) => {
    const start = n.position?.start.offset;
    const end = n.position?.end.offset;
    if (n.type === 'text' && start !== undefined && end !== undefined) {
      for (let i = 0; i < n.value.length; i++) {
        run.text += n.value[i];
        run.at.push(Math.min(start + i, end - 1));
      }
    } else if (n.type === 'inlineCode' && start !== undefined) {
      run.text += '\uFFFC';
      run.at.push(start);
    } else if (n.type === 'break' && start !== undefined) {
      run.text += '\n';
      run.at.push(start);
    } else if ('children' in n) for (const c of n.children as MdastContent[]) phrasing(c, run);
  };
  const blocks = (nodes: MdastContent[]) => {
    for (const n of nodes) {
      if (n.type === 'paragraph' || n.type === 'heading') {
        const run: Run = { text: '', at: [], field: n.type === 'heading' ? 'heading' : 'body', fixable: true };
        phrasing(n, run);
        if (run.text.trim()) runs.push(run);
      } else if (n.type !== 'table' && n.type !== 'code' && n.type !== 'html' && 'children' in n) blocks(n.children as MdastContent[]);
    }
  };
  blocks(mdast.children);
  return runs;
}

/** The front matter's prose fields, from their place in the YAML. */
function frontRuns(text: string): { runs: Run[]; ignore: string[] } {
  const split = splitFrontMatter(text);
  if (!split) return { runs: [], ignore: [] };
  const doc = parseDocument(split.yaml, { keepSourceTokens: false });
  const runs: Run[] = [];
  const scalarRun = (node: unknown, field: string) => {
    if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return;
    const s = node as Scalar;
    let [start, end] = [s.range![0], s.range![1]];
    let fixable = true;
    if (s.type === 'BLOCK_FOLDED' || s.type === 'BLOCK_LITERAL') {
      const nl = split.yaml.indexOf('\n', start);
      if (nl < 0 || nl >= end) return;
      start = nl + 1;
    } else if (s.type === 'QUOTE_SINGLE' || s.type === 'QUOTE_DOUBLE') {
      start += 1;
      end -= 1;
      fixable = false;
    }
    let raw = split.yaml.slice(start, end);
    // YAML's own escapes are not the author's quotes
    if (s.type === 'QUOTE_SINGLE') raw = raw.replace(/''/g, '\uFFFC\uFFFC');
    if (s.type === 'QUOTE_DOUBLE') raw = raw.replace(/\\./g, '\uFFFC\uFFFC');
    const at = Array.from({ length: raw.length }, (_, i) => split.yamlOffset + start + i);
    if (raw.trim()) runs.push({ text: raw, at, field, fixable });
  };
  const root = doc.contents;
  const ignore: string[] = [];
  if (isMap(root)) {
    for (const f of frontFields) scalarRun(root.get(f, true), f);
    const authors = root.get('authors', true);
    if (isSeq(authors)) for (const a of authors.items) if (isMap(a)) scalarRun(a.get('bio', true), 'bio');
    const lint = root.get('lint', true);
    if (isMap(lint)) {
      const list = lint.get('ignore', true);
      if (isSeq(list)) for (const i of list.items) if (isScalar(i) && typeof i.value === 'string') ignore.push(i.value.trim());
    }
  }
  return { runs, ignore };
}

/** `<!-- lint ignore rule-id ... -->`: the block after the comment. */
function ignoreComments(mdast: MdastRoot): LintedBrief['ignoredRanges'] {
  const out: LintedBrief['ignoredRanges'] = [];
  const walk = (nodes: MdastContent[]) => {
    nodes.forEach((n, i) => {
      if (n.type === 'html') {
        const m = /^<!--\s*lint\s+ignore\s+([\s\S]*?)\s*-->$/.exec(n.value.trim());
        const next = nodes[i + 1];
        if (m && next?.position) out.push({ start: next.position.start.offset!, end: next.position.end.offset!, rules: m[1]!.split(/[\s,]+/).filter(Boolean) });
      }
      if ('children' in n) walk(n.children as MdastContent[]);
    });
  };
  walk(mdast.children);
  return out;
}

/** Read a brief (brief.md's text, front matter included) into runs and lint it on its own. */
export function lintBrief(text: string, file: string, options: LintOptions = {}): LintedBrief {
  const { runs: body, mdast } = nlcstRuns(text);
  const front = frontRuns(text);
  const runs = [...front.runs, ...body];
  const brief: LintedBrief = { file, text, runs, findings: [], ignore: front.ignore, ignoredRanges: ignoreComments(mdast) };
  const exceptions = new Set((options.acronyms ?? []).map(letters));
  brief.findings.push(...repeatedWords(runs), ...acronyms(runs, exceptions, options.expandAcronyms === true), ...quoteStyle(runs));
  brief.findings.push(...termVariants([{ brief, runs }], 'term-variant').map(({ brief: _b, ...f }) => f), ...numberStyle(runs), ...balance(runs), ...spacing(runs));
  return brief;
}

// ---------------------------------------------------------------------------------------------
// Rules

const ruleOf = (rule: EditorialRule, run: Run, index: number, message: string, hint: string, subject: string): Finding => ({
  rule,
  offset: run.at[index] ?? 0,
  message,
  hint,
  subject,
});

/** A run of one to three words said twice in a row ("the the", "by the by the"). */
const repeated = /(?<![\p{L}\p{N}])(\p{L}[\p{L}'’-]*(?:\s+\p{L}[\p{L}'’-]*){0,2})\s+\1(?![\p{L}\p{N}'’-])/giu;
/** Doubled words that are correct English. */
const allowedRepeats = new Set(['had had', 'that that', 'is is', 'bye bye', 'so so', 'very very', 'no no']);

function repeatedWords(runs: Run[]): Finding[] {
  const out: Finding[] = [];
  for (const run of runs) {
    for (const m of run.text.matchAll(repeated)) {
      const phrase = m[0].replace(/\s+/g, ' ');
      if (allowedRepeats.has(phrase.toLowerCase())) continue;
      out.push(ruleOf('repeated-words', run, m.index!, `Repeated words “${phrase}”`, `Keep one “${m[1]!.replace(/\s+/g, ' ')}”.`, phrase));
    }
  }
  return out;
}

/** An acronym's letters: "U.S." -> "US", "NGOs" -> "NGO". */
function letters(acronym: string): string {
  return acronym.replace(/\./g, '').replace(/(?<=[A-Z]{2})s$/, '');
}

const isAcronym = (w: string) => /^(?:[A-Z]\.){2,}$|^[A-Z][A-Z.&]*[A-Z]\.?s?$/.test(w) && letters(w).replace(/&/g, '').length >= 2;
const roman = /^(?:I{1,3}|IV|VI{0,3}|IX|XI{0,3}|XIV|XV|XX)$/;

/** Words (with their index in the run). */
function words(text: string): { w: string; i: number }[] {
  return [...text.matchAll(/[\p{L}\p{N}&][\p{L}\p{N}'’.&/-]*/gu)].map((m) => ({ w: m[0].replace(/['’]s$/, '').replace(/[.’']+$/, (s) => (/^[A-Z](\.[A-Z])*\.$/.test(m[0]) ? s : '')), i: m.index! }));
}

/** Can `ws` (a whole suffix of words before the parenthesis) spell `acr`? Small words may be skipped. */
function spells(ws: string[], acr: string): number {
  const A = acr.toUpperCase();
  const memo = new Map<string, boolean>();
  const f = (i: number, j: number): boolean => {
    if (i === ws.length) return j === A.length;
    const key = `${i},${j}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const w = ws[i]!;
    let ok = false;
    if (small.has(w.toLowerCase()) && f(i + 1, j)) ok = true;
    if (!ok) {
      const parts = w.split(/[-/]/).filter(Boolean);
      const options = new Set([parts[0]![0]!, parts.map((p) => p[0]).join(''), parts.filter((p) => !small.has(p.toLowerCase())).map((p) => p[0]).join('')]);
      if (isAcronym(w)) options.add(letters(w));
      for (const o of options) {
        if (o && A.startsWith(o.toUpperCase(), j) && f(i + 1, j + o.length)) {
          ok = true;
          break;
        }
      }
    }
    memo.set(key, ok);
    return ok;
  };
  for (let s = ws.length - 1; s >= 0; s--) if (!small.has(ws[s]!.toLowerCase()) && f(s, 0)) return s;
  return -1;
}

const sorted = (s: string) => [...s.toUpperCase()].sort().join('');
const initials = (ws: string[]) => ws.filter((w) => !small.has(w.toLowerCase())).map((w) => w[0]!.toUpperCase()).join('');
const capitalized = (w: string) => /^\p{Lu}/u.test(w);

/** Small words from `k` on lead to a capitalized word ("for the Prohibition"). */
function smallBridge(ws: { w: string }[], k: number): boolean {
  let j = k;
  while (j < ws.length && small.has(ws[j]!.w.toLowerCase())) j++;
  return j > k && j < ws.length && capitalized(ws[j]!.w) && !isAcronym(ws[j]!.w);
}

function acronyms(runs: Run[], exceptions: Set<string>, expandFirstUse: boolean): Finding[] {
  const out: Finding[] = [];
  /** Acronyms spelled out correctly: letters -> expansion. */
  const defined = new Map<string, { expansion: string; offset: number }>();
  /** Capitalized names spelled out anywhere: initials -> name. */
  const spelledOut = new Map<string, string>();
  const uses: { acr: string; run: Run; i: number; word: string }[] = [];
  for (const run of runs) {
    const ws = words(run.text);
    // capitalized runs (small words allowed inside): every window of them spells some initials
    let k = 0;
    while (k < ws.length) {
      if (!capitalized(ws[k]!.w) || isAcronym(ws[k]!.w)) {
        k++;
        continue;
      }
      let e = k;
      while (e + 1 < ws.length && ((capitalized(ws[e + 1]!.w) && !isAcronym(ws[e + 1]!.w)) || smallBridge(ws, e + 1)) && !/[.,;:!?)]/.test(run.text.slice(ws[e]!.i + ws[e]!.w.length, ws[e + 1]!.i))) e++;
      const names = ws.slice(k, e + 1).map((x) => x.w);
      for (let a = 0; a < names.length; a++) {
        if (small.has(names[a]!.toLowerCase())) continue;
        for (let b = a + 2; b <= Math.min(names.length, a + 12); b++) {
          if (small.has(names[b - 1]!.toLowerCase())) continue;
          const name = names.slice(a, b);
          if (name.filter((x) => !small.has(x.toLowerCase())).length < 3) continue;
          if (!spelledOut.has(initials(name))) spelledOut.set(initials(name), name.join(' '));
        }
      }
      k = e + 1;
    }
    // acronyms in use, also inside compounds and possessives ("EU-Ukraine", "NATO’s")
    for (const m of run.text.matchAll(/(?<![\p{L}\p{N}])(?:(?:[A-Z]\.){2,}|[A-Z][A-Z&]*[A-Z](?:s(?![\p{L}\p{N}]))?)(?![\p{L}\p{N}])/gu)) {
      if (!roman.test(m[0]) && letters(m[0]).replace(/&/g, '').length >= 2) uses.push({ acr: letters(m[0]), run, i: m.index!, word: m[0] });
    }
    // "Words Words (ACR)"
    for (const m of run.text.matchAll(/\(([A-Z][A-Z.&]{0,14}[A-Z]\.?s?)\)/g)) {
      const acr = letters(m[1]!);
      if (exceptions.has(acr) || roman.test(acr)) continue;
      const before = run.text.slice(0, m.index!).split(/[.;:!?(]\s/).pop()!;
      const ws2 = words(before).map((x) => x.w).slice(-(acr.length * 2 + 4));
      if (!ws2.length) continue;
      const from = spells(ws2, acr);
      if (from >= 0) {
        if (!defined.has(acr)) defined.set(acr, { expansion: ws2.slice(from).join(' '), offset: run.at[m.index!]! });
        continue;
      }
      // what it should be: the capitalized words before it, else the last words
      let s = ws2.length;
      for (;;) {
        if (s > 0 && capitalized(ws2[s - 1]!)) {
          s--;
          continue;
        }
        // small words between capitalized ones ("Organization for the Prohibition")
        let t = s;
        while (t > 0 && small.has(ws2[t - 1]!.toLowerCase())) t--;
        if (t < s && t > 0 && capitalized(ws2[t - 1]!)) {
          s = t;
          continue;
        }
        break;
      }
      while (s < ws2.length && small.has(ws2[s]!.toLowerCase())) s++;
      let name = ws2.slice(s);
      if (name.length < 2) {
        const sig = ws2.filter((w) => !small.has(w.toLowerCase()));
        name = sig.slice(-acr.length);
      }
      const expected = initials(name);
      const near = expected.length === acr.length && [...expected].filter((c, x) => c !== acr[x]).length <= 1 && name.every((w) => capitalized(w) || small.has(w.toLowerCase()));
      if (expected && expected !== acr && (sorted(expected) === sorted(acr) || near)) {
        const expansion = name.join(' ');
        out.push(ruleOf('acronym-expansion', run, m.index! + 1, `“${m[1]}” does not fit “${expansion}” (${expected})`, `Write “${expected}”, or check the name it stands for.`, m[1]!));
        defined.set(acr, { expansion, offset: run.at[m.index!]! });
        spelledOut.set(expected, expansion);
      } else if (!defined.has(acr)) {
        // not a slip we can name ("Treaty on the Non-Proliferation of Nuclear Weapons (NPT)"): the author spelled it out
        defined.set(acr, { expansion: name.join(' '), offset: run.at[m.index!]! });
      }
    }
  }
  // one spelling used, another spelled out: "North Atlantic Treaty Organization ... NTAO"
  const flagged = new Set(out.map((f) => f.offset));
  for (const u of uses) {
    if (exceptions.has(u.acr) || u.acr.length < 3 || defined.has(u.acr) || spelledOut.has(u.acr)) continue;
    const twin = [...defined.keys(), ...spelledOut.keys()].find((k2) => k2 !== u.acr && sorted(k2) === sorted(u.acr));
    if (!twin || flagged.has(u.run.at[u.i]!)) continue;
    const expansion = defined.get(twin)?.expansion ?? spelledOut.get(twin)!;
    out.push(ruleOf('acronym-expansion', u.run, u.i, `“${u.word}” is spelled “${twin}” where the brief writes out “${expansion}”`, `Write “${twin}”.`, u.word));
  }
  // first use (series option): body only, in reading order
  if (expandFirstUse) {
    const seen = new Set<string>();
    for (const u of uses) {
      if ((u.run.field !== 'body' && u.run.field !== 'heading') || exceptions.has(u.acr) || seen.has(u.acr)) continue;
      seen.add(u.acr);
      const def = defined.get(u.acr);
      const offset = u.run.at[u.i]!;
      // "NATO (North Atlantic Treaty Organization)" defines it at its first use too
      const after = /^\.?\s*\(([^)]+)\)/.exec(u.run.text.slice(u.i + u.word.length));
      if (after && spells(words(after[1]!).map((x) => x.w), u.acr) >= 0) continue;
      if (out.some((f) => f.offset === offset)) continue;
      if (def && def.offset <= offset) continue;
      out.push(
        ruleOf(
          'acronym-expansion',
          u.run,
          u.i,
          def ? `“${u.word}” is used before it is spelled out (“${def.expansion}”)` : `“${u.word}” is never spelled out`,
          def ? 'Spell it out at its first use: “Name (ACR)”.' : `Spell it out at its first use (“Name (${u.word})”), or add it to series.yaml \`lint.acronyms\`.`,
          u.word,
        ),
      );
    }
  }
  return out;
}

/** Straight quotes where the brief otherwise uses curly ones (a prime after a digit is left alone). */
function quoteStyle(runs: Run[]): Finding[] {
  let curly = 0;
  const straight: { run: Run; i: number }[] = [];
  for (const run of runs) {
    for (let i = 0; i < run.text.length; i++) {
      const c = run.text[i]!;
      if (c === '’' || c === '‘' || c === '“' || c === '”') curly++;
      else if ((c === "'" || c === '"') && !/\d/.test(run.text[i - 1] ?? '')) straight.push({ run, i });
    }
  }
  if (!curly || !straight.length) return [];
  return straight.map(({ run, i }) => {
    const t = run.text;
    const c = t[i]!;
    const prev = t[i - 1] ?? '';
    const opens = prev === '' || /[\s([{“‘—–-]/.test(prev);
    const to = c === "'" ? (/[\p{L}\p{N}]/u.test(prev) || /\d/.test(t[i + 1] ?? '') ? '’' : opens ? '‘' : '’') : opens ? '“' : '”';
    const word = /[\p{L}\p{N}'’]*$/u.exec(t.slice(Math.max(0, i - 40), i))![0] + c + /^[\p{L}\p{N}'’]*/u.exec(t.slice(i + 1, i + 41))![0];
    const f = ruleOf('quote-style', run, i, `Straight ${c === "'" ? 'apostrophe' : 'quote'} in “${word}” where the brief uses curly ones`, `Write ${to} (\`briefpress check --fix\` does it).`, word);
    if (run.fixable) f.fix = { start: run.at[i]!, end: run.at[i]! + 1, text: to };
    return f;
  });
}

/**
 * The same term spelled two ways ("al-Assad"/"Al Assad", "U.S."/"US", "Minsk II"/"Minsk-II"): every term
 * written with a hyphen or dots and a capital is looked for in its other spellings; the spelling used
 * most (else first) is the house one.
 */
export function termVariants(briefs: { brief: LintedBrief; runs: Run[] }[], rule: 'term-variant' | 'series-spelling'): (Finding & { brief: LintedBrief })[] {
  type Span = { key: string; tokens: string[]; form: string; raw: string; run: Run; i: number; brief: LintedBrief; marked: boolean };
  // every run of one to four words joined by a hyphen, a dot or a space: linear in the text.
  // First the terms written with a hyphen or dots and a capital, then only their spellings.
  const markedKeys = new Map<string, string[]>();
  const spans: Span[] = [];
  for (const pass of [1, 2]) for (const { brief, runs } of briefs) {
    for (const run of runs) {
      const t = run.text;
      const tokens = [...t.matchAll(/[\p{L}\p{N}]+/gu)];
      for (let a = 0; a < tokens.length; a++) {
        const first = tokens[a]!;
        if (/[.'’-]/.test(t[first.index! - 1] ?? '') && /[\p{L}\p{N}]/u.test(t[first.index! - 2] ?? '')) continue;
        let marked = true;
        for (let n = 1; n <= 4 && a + n <= tokens.length; n++) {
          const last = tokens[a + n - 1]!;
          if (n > 1) {
            const sep = t.slice(tokens[a + n - 2]!.index! + tokens[a + n - 2]![0].length, last.index!);
            if (sep !== '-' && sep !== '.' && !/^[ \t]*\n?[ \t]*$/.test(sep)) break;
            if (sep !== '-' && sep !== '.') marked = false;
          }
          const end = last.index! + last[0].length;
          if ((t[end] === '-' || t[end] === '.') && /[\p{L}\p{N}]/u.test(t[end + 1] ?? '')) continue;
          if (pass === 1 && !(marked && n > 1)) continue;
          const words = tokens.slice(a, a + n).map((x) => x[0]);
          const key = words.join('').toLowerCase();
          if (pass === 1) {
            if (/\p{Lu}/u.test(words.join('')) && !markedKeys.has(key)) markedKeys.set(key, words);
            continue;
          }
          if (!markedKeys.has(key)) continue;
          // an abbreviation's final dot is part of it ("U.S."), a sentence's is not
          const raw = t.slice(first.index!, end).replace(/\s+/g, ' ') + (t[end] === '.' && last[0].length === 1 && n > 1 ? '.' : '');
          spans.push({ key, tokens: words, form: raw.replace(/\.$/, ''), raw, run, i: first.index!, brief, marked: false });
        }
      }
    }
  }
  const groups = new Map<string, Span[]>();
  for (const sp of spans) {
    const parts = markedKeys.get(sp.key);
    if (!parts) continue;
    // same letters; a capital may differ only at the start of a word longer than one letter ("al-Assad"/"Al Assad", not "US"/"us")
    const want = parts.join('');
    const got = sp.tokens.join('');
    const loose = new Set<number>();
    let at = 0;
    for (const p of parts) {
      if (p.length > 1) loose.add(at);
      at += p.length;
    }
    if (![...got].every((c, k) => c === want[k] || (loose.has(k) && c.toLowerCase() === want[k]!.toLowerCase()))) continue;
    const g = groups.get(sp.key);
    if (g) g.push(sp);
    else groups.set(sp.key, [sp]);
  }
  const out: (Finding & { brief: LintedBrief })[] = [];
  for (const seen of groups.values()) {
    // Title Case ("Senior Associate (Non-Resident)") and a sentence's capital ("Anti-American
    // voices ...") are not other spellings of "non-resident", "anti-American"
    const isTitled = (x: Span) => titled.has(x.run.field);
    const atStart = (x: Span) => {
      const before = x.run.text.slice(Math.max(0, x.i - 6), x.i);
      return /[.!?:]\s+[“"‘(]?\s*$/.test(before) || (x.i <= 6 && /^\s*[“"‘(]?\s*$/.test(before));
    };
    const plain = new Map<string, string>();
    const forms = new Set<string>();
    for (const x of seen) {
      forms.add(x.form);
      if (!isTitled(x) && !atStart(x) && !plain.has(x.form.toLowerCase())) plain.set(x.form.toLowerCase(), x.form);
    }
    for (const x of seen) {
      if (isTitled(x)) x.form = plain.get(x.form.toLowerCase()) ?? x.form;
      else if (atStart(x)) {
        const lower = x.form[0]!.toLowerCase() + x.form.slice(1);
        if (lower !== x.form && forms.has(lower)) x.form = lower;
      }
    }
    const counts = new Map<string, number>();
    for (const x of seen) counts.set(x.form, (counts.get(x.form) ?? 0) + 1);
    if (counts.size < 2) continue;
    // the spelling used most is the house one (ties: the first written)
    const house = [...counts.entries()].reduce((best, e) => (e[1] > best[1] ? e : best))[0];
    const houseAt = seen.find((x) => x.form === house)!;
    const byBrief = new Map<LintedBrief, Set<string>>();
    for (const x of seen) byBrief.set(x.brief, (byBrief.get(x.brief) ?? new Set()).add(x.form));
    const housePrint = house + (/(?:^|\.)\p{L}$/u.test(house) && house.includes('.') && seen.some((o) => o.form === house && o.raw.endsWith('.')) ? '.' : '');
    for (const x of seen) {
      if (x.form === house) continue;
      // the series rule reports only what differs from another brief
      if (rule === 'series-spelling' && byBrief.get(x.brief)!.has(house)) continue;
      const where = rule === 'series-spelling' ? ` in ${houseAt.brief.file}` : ' in this brief';
      out.push({ ...ruleOf(rule, x.run, x.i, `“${x.raw}” is also spelled “${housePrint}”${where}`, `Spell it one way: “${housePrint}”.`, x.form), brief: x.brief });
    }
  }
  return out;
}

/** "5 percent" and "5%" in one brief. */
function numberStyle(runs: Run[]): Finding[] {
  const styles: { style: string; run: Run; i: number; raw: string }[] = [];
  for (const run of runs) {
    for (const m of run.text.matchAll(/\d(?:[\d,.]*\d)?(?:\s?(%)|\s(percent|per cent)(?![\p{L}]))/gu)) {
      styles.push({ style: m[1] ?? m[2]!, run, i: m.index!, raw: m[0] });
    }
  }
  const count = (s: string) => styles.filter((x) => x.style === s).length;
  const kinds = [...new Set(styles.map((s) => s.style))];
  if (kinds.length < 2) return [];
  const house = kinds.sort((a, b) => count(b) - count(a) || styles.findIndex((s) => s.style === a) - styles.findIndex((s) => s.style === b))[0]!;
  return styles.filter((s) => s.style !== house).map((s) => ruleOf('number-style', s.run, s.i, `“${s.raw}” where the brief writes “${house === '%' ? 'N%' : `N ${house}`}”`, `Write percentages one way (“${house === '%' ? '5%' : `5 ${house}`}”).`, s.raw));
}

/** Parentheses and curly double quotes that open and do not close within their paragraph (or the reverse). */
function balance(runs: Run[]): Finding[] {
  const out: Finding[] = [];
  runs.forEach((run, r) => {
    const stacks: Record<string, { c: string; i: number }[]> = { '(': [], '“': [] };
    const t = run.text;
    for (let i = 0; i < t.length; i++) {
      const c = t[i]!;
      if (c === '(' || c === '“') stacks[c]!.push({ c, i });
      else if (c === ')' || c === '”') {
        const open = stacks[c === ')' ? '(' : '“']!;
        // "a) ... b)": enumerations
        if (c === ')' && !open.length && /(?:^|\s)[a-z0-9]$/i.test(t.slice(Math.max(0, i - 2), i))) continue;
        if (!open.length) out.push(ruleOf('unbalanced', run, i, `“${c}” closes nothing`, `Open it, or remove it.`, c));
        else open.pop();
      }
    }
    const stack = [...stacks['(']!, ...stacks['“']!].sort((a, b) => a.i - b.i);
    // straight double quotes (not inch marks after a digit) come in pairs
    const opened: number[] = [];
    for (const m of t.matchAll(/(?<!\d)"/g)) {
      const prev = t[m.index! - 1] ?? '';
      if (prev === '' || /[\s([{‘—–-]/.test(prev)) opened.push(m.index!);
      else if (opened.length) opened.pop();
      else out.push(ruleOf('unbalanced', run, m.index!, '“"” closes nothing', 'Open the quotation, or remove the stray quote.', '"'));
    }
    // a quotation running over paragraphs opens each one and closes at its end
    if (opened.length === 1 && opened[0] === t.search(/\S/) && /^\s*"/.test(runs[r + 1]?.text ?? '') && runs[r + 1]?.field === run.field) opened.pop();
    for (const i of opened) out.push(ruleOf('unbalanced', run, i, '“"” is never closed', 'Close the quotation, or remove the stray quote.', '"'));
    for (const s of stack) {
      // a quotation running over paragraphs opens each one and closes at its end
      if (s.c === '“' && /^\s*“/.test(runs[r + 1]?.text ?? '') && runs[r + 1]?.field === run.field) continue;
      out.push(ruleOf('unbalanced', run, s.i, `“${s.c}” is never closed`, `Close it with “${s.c === '(' ? ')' : '”'}”.`, s.c));
    }
  });
  return out;
}

/** Doubled spaces, doubled punctuation (",,", "etc..") and a space before punctuation (" ."). */
function spacing(runs: Run[]): Finding[] {
  const out: Finding[] = [];
  for (const run of runs) {
    const t = run.text;
    for (const m of t.matchAll(/(?<=\S) {2,}(?=\S)/g)) {
      const f = ruleOf('doubled-space', run, m.index!, 'Doubled space', 'Keep one space (`briefpress check --fix` does it).', m[0]);
      const start = run.at[m.index!]!;
      const end = run.at[m.index! + m[0].length - 1]! + 1;
      if (run.fixable && end - start === m[0].length) f.fix = { start, end, text: ' ' };
      out.push(f);
    }
    for (const m of t.matchAll(/([,;:])\1|(?<![.\uFFFC])\.\.(?![.\uFFFC])/g)) {
      const word = /\S*$/.exec(t.slice(Math.max(0, m.index! - 40), m.index!))![0] + m[0];
      out.push(ruleOf('doubled-punctuation', run, m.index!, `Doubled punctuation “${word}”`, 'Keep one mark.', word));
    }
    for (const m of t.matchAll(/(?<=[\p{L}\p{N}’”)]) +([,.;:!?])(?=\s|$)/gu)) {
      out.push(ruleOf('doubled-punctuation', run, m.index!, `Space before “${m[1]}”`, 'Remove the space.', m[0]));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Series level

/** Levenshtein distance, at most `max + 1`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * Across the briefs of a series: the same term spelled two ways in different briefs, and a person's
 * name spelled differently ("Sergey Lavrov"/"Sergei Lavrov") within or across briefs.
 */
export function lintSeries(briefs: LintedBrief[]): Finding[][] {
  const out: Finding[][] = briefs.map(() => []);
  const all = termVariants(briefs.map((b) => ({ brief: b, runs: b.runs })), 'series-spelling');
  for (const { brief, ...f } of all) {
    const k = briefs.indexOf(brief);
    if (!brief.findings.some((g) => g.offset === f.offset)) out[k]!.push(f);
  }
  // another brief's title, quoted with a slip ("as we asked in “The Alliance After Vilnus”")
  const titles = briefs.map((b) => ({ b, title: b.runs.find((r) => r.field === 'title')?.text.replace(/\s+/g, ' ').trim() })).filter((t) => t.title && t.title.length >= 12);
  const norm = (x: string) => x.toLowerCase().replace(/[‘’]/g, "'").replace(/[“”]/g, '"');
  briefs.forEach((brief, k) => {
    for (const run of brief.runs) {
      if (run.field === 'title') continue;
      for (const m of run.text.matchAll(/[“"]([^“”"]{12,120}?)[”"]/g)) {
        const quoted = m[1]!.replace(/\s+/g, ' ').replace(/[,.]$/, '').trim();
        for (const t of titles) {
          if (t.title === quoted) break;
          const d = distance(norm(quoted), norm(t.title!), 3);
          if (d > 3 || (d === 0 && quoted === t.title)) continue;
          out[k]!.push(ruleOf('series-spelling', run, m.index! + 1, `“${quoted}” is spelled “${t.title}” as the title of ${t.b.file}`, `Quote the title as it is: “${t.title}”.`, quoted));
          break;
        }
      }
    }
  });
  // names: two capitalized words in a row, not at a sentence's start
  const names: { first: string; last: string; b: number; run: Run; i: number }[] = [];
  briefs.forEach((brief, b) => {
    for (const run of brief.runs) {
      for (const m of run.text.matchAll(/(?<![\p{L}\p{N}'’-])\p{Lu}\p{Ll}+(?: \p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?)+(?![\p{L}\p{N}'’-])/gu)) {
        const ws = m[0].split(' ');
        // two capitalized words at a sentence's start are not a name for sure ("The Pentagon")
        if (ws.length === 2 && /(?:^|[.!?:“"]\s*)$/.test(run.text.slice(0, m.index!).trimEnd())) continue;
        const first = ws[ws.length - 2]!;
        if (first.length < 3) continue;
        names.push({ first, last: ws[ws.length - 1]!, b, run, i: m.index! + m[0].length - first.length - 1 - ws[ws.length - 1]!.length });
      }
    }
  });
  // each spelling once, with its uses; spellings compared within a surname or a first name only
  type Spelling = { first: string; last: string; uses: typeof names };
  const spellings = new Map<string, Spelling>();
  for (const n of names) {
    const key = `${n.first} ${n.last}`;
    const sp = spellings.get(key) ?? { first: n.first, last: n.last, uses: [] };
    sp.uses.push(n);
    spellings.set(key, sp);
  }
  const groups = new Map<string, Spelling[]>();
  for (const sp of spellings.values()) {
    for (const g of [`last:${sp.last}`, `first:${sp.first}`]) {
      const list = groups.get(g);
      if (list) list.push(sp);
      else groups.set(g, [sp]);
    }
  }
  const order = (u: (typeof names)[number]) => u.b * 1e9 + u.run.at[u.i]!;
  const slips = new Map<Spelling, Spelling>();
  for (const group of groups.values()) {
    for (const a of group) {
      for (const h of group) {
        if (a === h) continue;
        const sameLast = h.last === a.last && h.first[0] === a.first[0] && Math.min(h.first.length, a.first.length) >= 5 && distance(h.first, a.first, 2) <= 2 && distance(h.first, a.first, 2) < Math.min(h.first.length, a.first.length) / 2;
        const sameFirst = h.first === a.first && h.last[0] === a.last[0] && Math.min(h.last.length, a.last.length) >= 5 && distance(h.last, a.last, 1) <= 1;
        if (!sameLast && !sameFirst) continue;
        // plurals and demonyms are not other spellings ("Prime Ministers", "North Korean")
        const prefix = (x: string, y: string) => x !== y && (x.startsWith(y) || y.startsWith(x));
        if (prefix(h.last, a.last) || prefix(h.first, a.first)) continue;
        // the rarer spelling is the slip (ties: the one first used later)
        if (a.uses.length > h.uses.length || (a.uses.length === h.uses.length && order(a.uses[0]!) < order(h.uses[0]!))) continue;
        if (!slips.has(a)) slips.set(a, h);
      }
    }
  }
  for (const [a, h] of slips) {
    const o = h.uses[0]!;
    for (const n of a.uses) {
      const where = o.b === n.b ? 'in this brief' : `in ${briefs[o.b]!.file}`;
      out[n.b]!.push(ruleOf('series-spelling', n.run, n.i, `“${a.first} ${a.last}” is spelled “${h.first} ${h.last}” ${where}`, `Spell the name one way: “${h.first} ${h.last}”.`, `${a.first} ${a.last}`));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Output

/** Findings a `lint: {ignore}` entry or a `<!-- lint ignore -->` comment does not silence. */
export function unsilenced(brief: LintedBrief, findings: Finding[]): Finding[] {
  return findings.filter((f) => {
    for (const entry of brief.ignore) {
      const [rule, ...rest] = entry.split(':');
      const subject = rest.join(':').trim();
      if (rule!.trim() === f.rule && (!subject || subject === f.subject)) return false;
    }
    return !brief.ignoredRanges.some((r) => f.offset >= r.start && f.offset < r.end && (r.rules.includes(f.rule) || r.rules.includes('all')));
  });
}

const lineStarts = new WeakMap<LintedBrief, number[]>();

/** Line and column of an offset (the line starts computed once a brief: a brief may have thousands of findings). */
function position(brief: LintedBrief, offset: number): { line: number; column: number } {
  let starts = lineStarts.get(brief);
  if (!starts) {
    starts = [0];
    for (let i = 0; i < brief.text.length; i++) if (brief.text.charCodeAt(i) === 10) starts.push(i + 1);
    lineStarts.set(brief, starts);
  }
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: Math.min(offset, brief.text.length) - starts[lo]! + 1 };
}

export function toDiagnostic(brief: LintedBrief, f: Finding): Diagnostic {
  return { file: brief.file, ...position(brief, f.offset), severity: 'warning', message: f.message, ruleId: f.rule, hint: f.hint };
}

/** Apply the fixes of `findings` to the text (later ones first; overlapping ones skipped). */
export function applyFixes(text: string, findings: Finding[]): { text: string; applied: Finding[] } {
  const fixes = findings.filter((f) => f.fix).sort((a, b) => b.fix!.start - a.fix!.start);
  const applied: Finding[] = [];
  let out = text;
  let limit = Infinity;
  for (const f of fixes) {
    if (f.fix!.end > limit) continue;
    out = out.slice(0, f.fix!.start) + f.fix!.text + out.slice(f.fix!.end);
    limit = f.fix!.start;
    applied.push(f);
  }
  return { text: out, applied: applied.reverse() };
}

/** The editorial lint of one brief as Diagnostics (tests; `check` uses lintBrief and lintSeries). */
export function lintEditorial(text: string, file: string, options: LintOptions = {}): Diagnostic[] {
  const brief = lintBrief(text, file, options);
  const findings = unsilenced(brief, [...brief.findings, ...lintSeries([brief])[0]!]);
  return findings.sort((a, b) => a.offset - b.offset).map((f) => toDiagnostic(brief, f));
}

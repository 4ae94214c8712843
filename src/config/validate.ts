/**
 * Parse YAML keeping positions, validate it with a zod schema, and turn every failure
 * into a Diagnostic at the offending key (file:line:column).
 */
import { isMap, isScalar, LineCounter, parseDocument, Scalar, visit, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod/v4';
import { type Diagnostic, offsetToPosition } from '../util/diagnostics.js';

export interface YamlSource {
  /** File name to report. */
  file: string;
  /** The whole file's text (positions are computed against it). */
  text: string;
  /** Offset of the YAML inside `text` (front matter starts after `---\n`). */
  offset: number;
  /** The YAML itself. */
  yaml: string;
}

export type Validated<T> = { ok: true; value: T; doc: Document.Parsed } | { ok: false; diagnostics: Diagnostic[] };

/**
 * Bounds on every YAML document briefpress reads (series.yaml, front matter, author files,
 * theme.yaml): aliases may not expand a small file into a huge value ("billion laughs"). The
 * `yaml` package counts each alias against the size of what it repeats; past the bound it throws,
 * which validateYaml reports as a positioned `yaml-syntax` error.
 */
export const yamlLimits = { maxAliasCount: 100 } as const;

export function validateYaml<S extends z.ZodType>(src: YamlSource, schema: S, ruleId: string): Validated<z.infer<S>> {
  const lc = new LineCounter();
  const doc = parseDocument(src.yaml, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const at = (off: number) => offsetToPosition(src.text, src.offset + off);
  if (doc.errors.length > 0) {
    return {
      ok: false,
      diagnostics: doc.errors.map((e) => ({
        file: src.file,
        ...at(e.pos[0]),
        severity: 'error' as const,
        message: `YAML syntax: ${e.message.split('\n')[0]}`,
        ruleId: 'yaml-syntax',
        hint: 'Check indentation and quote values that contain ": " or start with a special character.',
      })),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: yamlLimits.maxAliasCount }) ?? {};
  } catch (e) {
    // Only the alias bound throws here (a ReferenceError): report it at the first alias.
    let first: number | undefined;
    visit(doc, {
      Alias(_, node) {
        first ??= node.range?.[0];
        return first === undefined ? undefined : visit.BREAK;
      },
    });
    return {
      ok: false,
      diagnostics: [
        {
          file: src.file,
          ...at(first ?? 0),
          severity: 'error',
          message: `YAML syntax: the aliases (*name) repeat their values too often (more than ${yamlLimits.maxAliasCount} times over)`,
          ruleId: 'yaml-syntax',
          hint: 'Write the values out instead of repeating them through anchors (&name) and aliases (*name).',
        },
      ],
    };
  }
  // jitless: zod would compile a parser (new Function) for each object schema on its first use; a
  // build checks each schema a few times, so interpreting them costs less (the same result).
  const result = schema.safeParse(data, { reportInput: true, jitless: true });
  if (result.success) return { ok: true, value: result.data, doc };
  const diagnostics: Diagnostic[] = result.error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    const { node, keyNode } = findNode(doc.contents as YamlNode | null, path);
    const range = issue.code === 'unrecognized_keys' ? unknownKeyRange(node, issue.keys) : (node ?? keyNode)?.range;
    const pos = range ? at(range[0]) : at(0);
    const name = path.length ? `\`${path.join('.')}\`` : 'The document';
    return {
      file: src.file,
      ...pos,
      severity: 'error' as const,
      message: describeIssue(issue, name),
      ruleId,
      hint: hintFor(issue, path),
    };
  });
  return { ok: false, diagnostics };
}

function findNode(root: YamlNode | null, path: (string | number)[]): { node: YamlNode | null; keyNode: YamlNode | null } {
  let node: YamlNode | null = root;
  let keyNode: YamlNode | null = null;
  for (const seg of path) {
    if (!node || !('items' in node)) break;
    const items = (node as { items: unknown[] }).items;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === seg);
      if (!pair) break; // missing key: report at the enclosing map
      keyNode = pair.key as YamlNode;
      node = (pair.value as YamlNode) ?? null;
    } else if (typeof seg === 'number') {
      node = (items[seg] as YamlNode) ?? null;
      keyNode = null;
    } else break;
  }
  return { node, keyNode };
}

function unknownKeyRange(node: YamlNode | null, keys: string[]): [number, number, number] | undefined {
  if (node && isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && keys.includes(String(p.key.value)));
    if (pair && isScalar(pair.key)) return pair.key.range ?? undefined;
  }
  return node?.range ?? undefined;
}

const typeNames: Record<string, string> = {
  string: 'text',
  number: 'a number',
  array: 'a list',
  object: 'a mapping (key: value lines)',
  boolean: 'true or false',
};

function describeIssue(issue: z.core.$ZodIssue, name: string): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? `${name} is required` : `${name} must be ${typeNames[issue.expected] ?? issue.expected}`;
    case 'unrecognized_keys':
      return `Unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `\`${k}\``).join(', ')}`;
    case 'too_small':
      return `${name} ${issue.origin === 'string' ? 'must not be empty' : issue.message}`;
    case 'invalid_union':
      return `${name} is not valid: ${firstUnionMessage(issue)}`;
    default:
      return `${name} ${issue.message}`;
  }
}

function firstUnionMessage(issue: z.core.$ZodIssue): string {
  const errs = (issue as { errors?: z.core.$ZodIssue[][] }).errors ?? [];
  const msgs = errs.flat().map((e) => (e.path.length ? `${e.path.join('.')}: ${e.message}` : e.message));
  return msgs[0] ?? issue.message;
}

function hintFor(issue: z.core.$ZodIssue, path: (string | number)[]): string {
  if (issue.code === 'unrecognized_keys') return 'Remove the field or check its spelling (see README.md, "Manuscript format").';
  const key = path[path.length - 1];
  if (key === 'date') return 'Write the date as YYYY-MM-DD, e.g. `date: 2015-05-12`.';
  if (key === 'authors') return 'List author file names, e.g. `authors: [jeffrey-mankoff]`.';
  if (issue.code === 'invalid_type' && issue.input === undefined) return `Add \`${String(key ?? 'the field')}:\` (see README.md, "Manuscript format").`;
  return 'See README.md, "Manuscript format".';
}

/** Position of the key at `path` (or of its value: `of`), else of the nearest node above it, in the file. */
export function keyPosition(src: YamlSource, doc: Document.Parsed, path: (string | number)[], of: 'key' | 'value' = 'key'): { line: number; column: number } {
  const { node, keyNode } = findNode(doc.contents as YamlNode | null, path);
  const range = (of === 'value' ? (node ?? keyNode) : (keyNode ?? node))?.range;
  return offsetToPosition(src.text, src.offset + (range?.[0] ?? 0));
}

/** Maps a 1-based line and column inside a YAML string value to its place in the file. */
export type Placer = (line: number, column: number) => { line: number; column: number };

/**
 * Where the characters of the string value at `path` sit in the file, so that messages about a
 * Markdown value (a bio or disclaimer written in front matter) point into brief.md. The value and
 * its source differ by quotes, escapes, block indentation and folded line breaks: they are aligned
 * character by character (exact for plain and literal text; near for escapes and folding).
 */
export function valuePlacer(src: YamlSource, doc: Document.Parsed, path: (string | number)[]): Placer | undefined {
  const node = doc.getIn(path, true);
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined;
  const value = node.value;
  const [start, end] = node.range;
  const raw = src.yaml.slice(start, end);
  // A block scalar's text starts on the line after its header (`|`, `>-` ...).
  const block = node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED;
  let s = block ? raw.indexOf('\n') + 1 : node.type === Scalar.PLAIN ? 0 : 1;
  const offsets: number[] = [];
  const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
  for (let i = 0; i < value.length; i++) {
    const v = value[i]!;
    if (isSpace(v)) {
      offsets.push(s);
      if (isSpace(raw[s])) while (s < raw.length && isSpace(raw[s])) s++;
      else if (raw[s] === '\\') s += 2; // an escape such as \n
      continue;
    }
    while (s < raw.length && isSpace(raw[s])) s++;
    // An escape or a doubled quote stands for one character: look a few characters on.
    let k = s;
    while (k < raw.length && k < s + 10 && raw[k] !== v) k++;
    if (raw[k] === v) s = k;
    offsets.push(s);
    s = Math.min(s + 1, raw.length);
  }
  offsets.push(s);
  const lineStarts = [0];
  for (let i = 0; i < value.length; i++) if (value[i] === '\n') lineStarts.push(i + 1);
  return (line, column) => {
    const i = Math.min((lineStarts[line - 1] ?? value.length) + column - 1, value.length);
    return offsetToPosition(src.text, src.offset + start + offsets[Math.max(0, i)]!);
  };
}

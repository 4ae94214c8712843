/**
 * Parse YAML keeping positions, validate it with a zod schema, and turn every failure
 * into a Diagnostic at the offending key (file:line:column).
 */
import { isMap, isScalar, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
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

export type Validated<T> = { ok: true; value: T } | { ok: false; diagnostics: Diagnostic[] };

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
  const data = doc.toJS() ?? {};
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
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

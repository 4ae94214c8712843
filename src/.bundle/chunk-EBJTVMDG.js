import {
  offsetToPosition
} from "./chunk-574UC3B5.js";

// src/config/schema.ts
import { z } from "zod";
var slugRe = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
var langRe = /^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$/;
var seriesSchema = z.object({
  /** Series name, e.g. "Critical Questions". */
  name: z.string().min(1),
  /** Publisher's full name. */
  publisher: z.string().min(1),
  /** Short name (defaults to `publisher`). */
  publisherShort: z.string().min(1).optional(),
  publisherUrl: z.url().optional(),
  /** BCP 47 language of the series (default for briefs). Default `en`. */
  language: z.string().regex(langRe, 'must be a BCP 47 language tag such as "en" or "ru-RU"').default("en"),
  description: z.string().optional(),
  /** Theme: a folder in the series' `theme/` or briefpress' `templates/`. Default `csis`. */
  theme: z.string().regex(slugRe, 'must be a folder name such as "csis"').default("csis"),
  /** How identifiers are derived for briefs without one. */
  identifier: z.union([
    z.object({ scheme: z.literal("uuid"), namespace: z.string().min(1) }).strict(),
    z.object({
      scheme: z.literal("issn"),
      issn: z.string().regex(/^\d{4}-\d{3}[\dX]$/, 'must be an ISSN such as "2334-3605"'),
      namespace: z.string().min(1)
    }).strict()
  ]).optional(),
  /** `qa` numbers `##` headings as questions (Q1/A1 ...); `article` leaves headings alone. */
  format: z.enum(["qa", "article"]).default("qa"),
  /** Allow raw HTML in briefs (sanitized). Default false. */
  rawHtml: z.boolean().default(false)
}).strict();
var isoDate = z.union([z.string(), z.date()]).transform((v) => v instanceof Date ? v.toISOString().slice(0, 10) : v).pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: "must be a date written YYYY-MM-DD", abort: true })).refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), "is not a real date");
var authorRef = z.union([
  z.string().regex(slugRe, 'must name a file in authors/, e.g. "jeffrey-mankoff"'),
  z.object({
    /** File stem in `authors/`. */
    id: z.string().regex(slugRe, 'must name a file in authors/, e.g. "jeffrey-mankoff"'),
    /** The bio as it stood on the brief's date (Markdown). Overrides the author file's. */
    bio: z.string().min(1).optional(),
    /** Title as it stood on the brief's date. */
    title: z.string().min(1).optional()
  }).strict()
]);
var frontMatterSchema = z.object({
  title: z.string().min(1),
  subtitle: z.string().min(1).optional(),
  /** One or more authors (file stems in `authors/`). */
  authors: z.array(authorRef).min(1, "needs at least one author"),
  /** Publication date, YYYY-MM-DD. */
  date: isoDate,
  /** Number in the series (else from date order). */
  number: z.number().int().positive().optional(),
  /** ISBN (`urn:isbn:...`), DOI (`doi:10....`) or any URN; else derived from the series and slug. */
  identifier: z.string().regex(/^(urn:[a-z0-9][a-z0-9-]{0,31}:\S+|doi:10\.\S+\/\S+)$/i, 'must be a URN ("urn:isbn:...") or a DOI ("doi:10.xxxx/...")').optional(),
  keywords: z.array(z.string().min(1)).default([]),
  /** One or two sentences: the EPUB description, the PDF Subject, the catalog summary. */
  summary: z.string().min(1),
  /** BCP 47 language; default: the series'. */
  language: z.string().regex(langRe, 'must be a BCP 47 language tag such as "en" or "ru-RU"').optional(),
  /** Markdown replacing the series disclaimer for this brief. */
  disclaimer: z.string().min(1).optional(),
  /** Markdown replacing the series copyright notice for this brief. */
  copyright: z.string().min(1).optional()
}).strict();
var authorSchema = z.object({
  name: z.string().min(1),
  title: z.string().min(1).optional(),
  affiliation: z.string().min(1).optional()
}).strict();

// src/config/validate.ts
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
function validateYaml(src, schema, ruleId) {
  const lc = new LineCounter();
  const doc = parseDocument(src.yaml, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const at = (off) => offsetToPosition(src.text, src.offset + off);
  if (doc.errors.length > 0) {
    return {
      ok: false,
      diagnostics: doc.errors.map((e) => ({
        file: src.file,
        ...at(e.pos[0]),
        severity: "error",
        message: `YAML syntax: ${e.message.split("\n")[0]}`,
        ruleId: "yaml-syntax",
        hint: 'Check indentation and quote values that contain ": " or start with a special character.'
      }))
    };
  }
  const data = doc.toJS() ?? {};
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  const diagnostics = result.error.issues.map((issue) => {
    const path = issue.path.map((p) => typeof p === "symbol" ? String(p) : p);
    const { node, keyNode } = findNode(doc.contents, path);
    const range = issue.code === "unrecognized_keys" ? unknownKeyRange(node, issue.keys) : (node ?? keyNode)?.range;
    const pos = range ? at(range[0]) : at(0);
    const name = path.length ? `\`${path.join(".")}\`` : "The document";
    return {
      file: src.file,
      ...pos,
      severity: "error",
      message: describeIssue(issue, name),
      ruleId,
      hint: hintFor(issue, path)
    };
  });
  return { ok: false, diagnostics };
}
function findNode(root, path) {
  let node = root;
  let keyNode = null;
  for (const seg of path) {
    if (!node || !("items" in node)) break;
    const items = node.items;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === seg);
      if (!pair) break;
      keyNode = pair.key;
      node = pair.value ?? null;
    } else if (typeof seg === "number") {
      node = items[seg] ?? null;
      keyNode = null;
    } else break;
  }
  return { node, keyNode };
}
function unknownKeyRange(node, keys) {
  if (node && isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && keys.includes(String(p.key.value)));
    if (pair && isScalar(pair.key)) return pair.key.range ?? void 0;
  }
  return node?.range ?? void 0;
}
var typeNames = {
  string: "text",
  number: "a number",
  array: "a list",
  object: "a mapping (key: value lines)",
  boolean: "true or false"
};
function describeIssue(issue, name) {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === void 0 ? `${name} is required` : `${name} must be ${typeNames[issue.expected] ?? issue.expected}`;
    case "unrecognized_keys":
      return `Unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `\`${k}\``).join(", ")}`;
    case "too_small":
      return `${name} ${issue.origin === "string" ? "must not be empty" : issue.message}`;
    case "invalid_union":
      return `${name} is not valid: ${firstUnionMessage(issue)}`;
    default:
      return `${name} ${issue.message}`;
  }
}
function firstUnionMessage(issue) {
  const errs = issue.errors ?? [];
  const msgs = errs.flat().map((e) => e.path.length ? `${e.path.join(".")}: ${e.message}` : e.message);
  return msgs[0] ?? issue.message;
}
function hintFor(issue, path) {
  if (issue.code === "unrecognized_keys") return 'Remove the field or check its spelling (see README.md, "Manuscript format").';
  const key = path[path.length - 1];
  if (key === "date") return "Write the date as YYYY-MM-DD, e.g. `date: 2015-05-12`.";
  if (key === "authors") return "List author file names, e.g. `authors: [jeffrey-mankoff]`.";
  if (issue.code === "invalid_type" && issue.input === void 0) return `Add \`${String(key ?? "the field")}:\` (see README.md, "Manuscript format").`;
  return 'See README.md, "Manuscript format".';
}

export {
  slugRe,
  seriesSchema,
  frontMatterSchema,
  authorSchema,
  validateYaml
};

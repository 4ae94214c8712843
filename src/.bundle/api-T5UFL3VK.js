import {
  seriesTargets,
  targetNames,
  targets,
  version
} from "./chunk-RIVSHLMV.js";
import {
  traced
} from "./chunk-PPD52WK4.js";
import {
  renderTemplate,
  writeAtomic
} from "./chunk-WSB4RORQ.js";
import {
  loadTheme,
  packageRoot
} from "./chunk-ALZM65U4.js";
import {
  authorSchema,
  seriesSchema,
  slugRe,
  validateYaml
} from "./chunk-EBJTVMDG.js";
import {
  displayPath,
  isInside
} from "./chunk-AYK4DGU7.js";
import {
  sha256
} from "./chunk-52ZG7T6N.js";
import {
  BriefpressError,
  EnvironmentError,
  formatDiagnostic,
  hasErrors,
  offsetToPosition
} from "./chunk-574UC3B5.js";

// src/api.ts
import path12 from "node:path";

// src/build/cache.ts
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
var cacheFileName = ".briefpress-cache.json";
var cacheFormat = 1;
var BuildCache = class {
  constructor(outDir) {
    this.outDir = outDir;
    this.file = path.join(outDir, cacheFileName);
    this.existed = existsSync(this.file);
    this.briefs = new Map(Object.entries(readCacheFile(this.file)?.briefs ?? {}));
  }
  outDir;
  file;
  briefs;
  /** A cache file was there when the build started. */
  existed;
  hashes = /* @__PURE__ */ new Map();
  /** A remembered head for this brief.md content, so the scan can skip YAML. */
  head(slug, briefHash) {
    const e = this.briefs.get(slug);
    return e && e.briefHash === briefHash ? e.head : void 0;
  }
  /** sha256 of a file's bytes (memoised for the build: series files are shared by every brief). */
  hashFile(file) {
    let h = this.hashes.get(file);
    if (h === void 0) {
      try {
        h = sha256(readFileSync(file));
      } catch {
        h = "missing";
      }
      this.hashes.set(file, h);
    }
    return h;
  }
  /** Seed the memo with a hash computed elsewhere (brief.md, hashed by the scan). */
  knowHash(file, hash) {
    this.hashes.set(file, hash);
  }
  /** The key of a brief given the files it reads and everything else that shapes its output. */
  key(sources, context) {
    const files = [...new Set(sources)].sort().map((f) => [f, this.hashFile(f)]);
    return sha256(JSON.stringify({ files, context }));
  }
  /** True when the stored entry has this key and all its outputs exist. */
  isFresh(slug, key) {
    const e = this.briefs.get(slug);
    return Boolean(e && e.key === key && e.outputs.every((o) => existsSync(path.join(this.outDir, o))));
  }
  set(slug, entry) {
    this.briefs.set(slug, entry);
  }
  /** Mark a brief's stored entry stale (its build failed) but keep its catalog entry. */
  invalidate(slug) {
    const e = this.briefs.get(slug);
    if (e) this.briefs.set(slug, { ...e, key: "" });
  }
  /** Forget briefs whose folder is gone. */
  retain(slugs) {
    const keep = new Set(slugs);
    for (const s of [...this.briefs.keys()]) if (!keep.has(s)) this.briefs.delete(s);
  }
  save() {
    const data = { format: cacheFormat, briefs: Object.fromEntries([...this.briefs.entries()].sort(([a], [b]) => a < b ? -1 : 1)) };
    writeAtomic(this.file, JSON.stringify(data));
  }
};
function readCacheFile(file) {
  try {
    const data = JSON.parse(readFileSync(file, "utf8"));
    return data.format === cacheFormat && data.briefs && typeof data.briefs === "object" ? data : void 0;
  } catch {
    return void 0;
  }
}
function hashTree(dirs) {
  const parts = [];
  const walk = (root, dir) => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(root, p);
      else parts.push(`${path.relative(root, p)}\0${sha256(readFileSync(p))}`);
    }
  };
  for (const d of dirs) if (existsSync(d)) walk(d, d);
  return sha256(parts.join("\n"));
}

// src/build/limit.ts
async function mapLimited(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

// src/build/plan.ts
function planSeries(briefs) {
  const errors = /* @__PURE__ */ new Map();
  const numbers = /* @__PURE__ */ new Map();
  const withHead = briefs.filter((b) => b.head);
  const claims = /* @__PURE__ */ new Map();
  for (const b of withHead) {
    const n = b.head.number;
    if (n !== void 0) claims.set(n, [...claims.get(n) ?? [], b]);
  }
  for (const [n, owners] of claims) {
    if (owners.length === 1) {
      numbers.set(owners[0].slug, n);
      continue;
    }
    for (const b of owners) {
      const others = owners.filter((o) => o !== b).map((o) => displayPath(o.file));
      errors.set(b.slug, [
        {
          file: displayPath(b.file),
          line: b.head.numberAt?.line ?? 1,
          column: b.head.numberAt?.column ?? 1,
          severity: "error",
          message: `Number ${n} is also claimed by ${others.join(", ")}`,
          ruleId: "duplicate-slug",
          hint: "Give each brief its own `number`, or remove `number` to number the brief by its date."
        }
      ]);
    }
  }
  const unnumbered = withHead.filter((b) => b.head.number === void 0).sort((a, b) => a.head.date < b.head.date ? -1 : a.head.date > b.head.date ? 1 : a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
  let next = 1;
  for (const b of unnumbered) {
    while (claims.has(next)) next++;
    numbers.set(b.slug, next++);
  }
  const order = [...numbers.entries()].sort((a, b) => a[1] - b[1]).map(([slug]) => slug);
  return { order, numbers, errors };
}
function linksFor(plan, slug, titles) {
  const i = plan.order.indexOf(slug);
  const at = (j) => {
    const s = plan.order[j];
    return s === void 0 || i < 0 ? void 0 : { title: titles.get(s) ?? s, href: `../${s}/index.html` };
  };
  return { prev: at(i - 1), next: at(i + 1), catalogHref: "../index.html" };
}

// src/build/scan.ts
import { readFileSync as readFileSync2 } from "node:fs";
import path2 from "node:path";
import { parse as parseYaml } from "yaml";
function scanBrief(dir, known) {
  const file = path2.join(dir, "brief.md");
  const slug = path2.basename(dir);
  const text = readFileSync2(file, "utf8");
  const hash = sha256(text);
  return { slug, dir, file, hash, head: known?.(slug, hash) ?? readHead(text) };
}
var fmRe = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;
function readHead(text) {
  const m = fmRe.exec(text);
  if (!m) return void 0;
  let data;
  try {
    data = parseYaml(m[1]);
  } catch {
    return void 0;
  }
  if (!data || typeof data !== "object") return void 0;
  const d = data;
  const date = d.date instanceof Date ? d.date.toISOString().slice(0, 10) : d.date;
  if (typeof d.title !== "string" || typeof date !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return void 0;
  const head = { title: d.title, date };
  if (d.number !== void 0) {
    if (typeof d.number !== "number" || !Number.isInteger(d.number) || d.number < 1) return void 0;
    head.number = d.number;
    const lines = m[0].split("\n");
    const i = lines.findIndex((l) => /^number\s*:/.test(l));
    if (i >= 0) head.numberAt = { line: i + 1, column: /^number\s*:\s*/.exec(lines[i])[0].length + 1 };
  }
  return head;
}

// src/manuscript/find.ts
import { existsSync as existsSync2, readdirSync as readdirSync2, statSync as statSync2 } from "node:fs";
import path3 from "node:path";
function findManuscript(input) {
  let target = path3.resolve(input);
  const diagnostics = [];
  if (!existsSync2(target)) {
    return {
      root: target,
      briefDirs: [],
      diagnostics: [{ file: displayPath(target), line: 0, column: 0, severity: "error", message: "No such folder", ruleId: "series-missing", hint: "Give the path of a manuscript folder (one with series.yaml)." }]
    };
  }
  if (statSync2(target).isFile() && path3.basename(target) === "brief.md") target = path3.dirname(target);
  if (existsSync2(path3.join(target, "brief.md"))) {
    let up = path3.dirname(target);
    while (!existsSync2(path3.join(up, "series.yaml")) && path3.dirname(up) !== up) up = path3.dirname(up);
    const root = existsSync2(path3.join(up, "series.yaml")) ? up : path3.dirname(target);
    return { root, briefDirs: [target], diagnostics };
  }
  const briefsDir = path3.join(target, "briefs");
  const briefDirs = [];
  if (existsSync2(briefsDir)) {
    for (const name of readdirSync2(briefsDir).sort()) {
      const dir = path3.join(briefsDir, name);
      if (!statSync2(dir).isDirectory() || name.startsWith(".")) continue;
      if (!existsSync2(path3.join(dir, "brief.md"))) continue;
      if (!slugRe.test(name)) {
        diagnostics.push({
          file: displayPath(dir),
          line: 0,
          column: 0,
          severity: "error",
          message: `Brief folder name \`${name}\` is not a slug`,
          ruleId: "slug-invalid",
          hint: "Use lower-case letters, digits and single hyphens, e.g. `kerry-in-russia`: it becomes the file names and the URL."
        });
        continue;
      }
      briefDirs.push(dir);
    }
  }
  if (briefDirs.length === 0 && diagnostics.length === 0 && existsSync2(path3.join(target, "series.yaml"))) {
    diagnostics.push({
      file: displayPath(briefsDir),
      line: 0,
      column: 0,
      severity: "error",
      message: "The series has no brief",
      ruleId: "no-briefs",
      hint: "Add a folder briefs/<slug>/ with a brief.md (or run `briefpress new <slug>`)."
    });
  }
  return { root: target, briefDirs, diagnostics };
}

// src/manuscript/series.ts
import { existsSync as existsSync3, readdirSync as readdirSync3, readFileSync as readFileSync3 } from "node:fs";
import path4 from "node:path";

// src/manuscript/frontmatter.ts
function splitFrontMatter(text) {
  const m = /^---[ \t]*\r?\n([\s\S]*?\r?\n)?---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return void 0;
  const head = m[0];
  return {
    yaml: m[1] ?? "",
    yamlOffset: text.indexOf("\n") + 1,
    body: text.slice(head.length),
    bodyLineOffset: head.split("\n").length - 1
  };
}

// src/manuscript/series.ts
function readSeries(root) {
  const diagnostics = [];
  const file = path4.join(root, "series.yaml");
  if (!existsSync3(file)) {
    return {
      diagnostics: [
        {
          file: displayPath(root),
          line: 0,
          column: 0,
          severity: "error",
          message: "No series.yaml in the manuscript folder",
          ruleId: "series-missing",
          hint: 'Point briefpress at a manuscript folder (one with series.yaml), or create one: see README.md, "Manuscript format".'
        }
      ]
    };
  }
  const text = readFileSync3(file, "utf8");
  const v = validateYaml({ file: displayPath(file), text, offset: 0, yaml: text }, seriesSchema, "series-schema");
  if (!v.ok) return { diagnostics: v.diagnostics };
  const c = v.value;
  const series = {
    name: c.name,
    publisher: c.publisher,
    publisherShort: c.publisherShort ?? c.publisher,
    publisherUrl: c.publisherUrl,
    language: c.language,
    description: c.description,
    theme: c.theme,
    identifier: c.identifier ?? { scheme: "uuid", namespace: `${c.publisher}/${c.name}` },
    format: c.format,
    rawHtml: c.rawHtml,
    root: path4.resolve(root)
  };
  const sources = [file];
  const authors = /* @__PURE__ */ new Map();
  const authorsDir = path4.join(root, "authors");
  if (existsSync3(authorsDir)) {
    for (const name of readdirSync3(authorsDir).sort()) {
      if (!name.endsWith(".md")) continue;
      const afile = path4.join(authorsDir, name);
      const atext = readFileSync3(afile, "utf8");
      const split = splitFrontMatter(atext);
      if (!split) {
        diagnostics.push({
          file: displayPath(afile),
          line: 1,
          column: 1,
          severity: "error",
          message: "Author file has no front matter",
          ruleId: "author-schema",
          hint: "Start the file with ---, `name: ...`, ---, then the bio."
        });
        continue;
      }
      const av = validateYaml({ file: displayPath(afile), text: atext, offset: split.yamlOffset, yaml: split.yaml }, authorSchema, "author-schema");
      if (!av.ok) {
        diagnostics.push(...av.diagnostics);
        continue;
      }
      authors.set(name.slice(0, -3), { id: name.slice(0, -3), config: av.value, bio: split.body, file: afile, bioLineOffset: split.bodyLineOffset });
    }
  }
  const boiler = (name) => {
    const bfile = path4.join(root, "boilerplate", `${name}.md`);
    if (!existsSync3(bfile)) {
      diagnostics.push({
        file: displayPath(bfile),
        line: 0,
        column: 0,
        severity: "error",
        message: `The series ${name} is missing`,
        ruleId: "boilerplate-missing",
        hint: `Create boilerplate/${name}.md (placeholders: {{year}}, {{publisher}}, {{publisherShort}}, {{series}}, {{title}}).`
      });
      return { text: "", file: bfile };
    }
    sources.push(bfile);
    return { text: readFileSync3(bfile, "utf8"), file: bfile };
  };
  const disclaimer = boiler("disclaimer");
  const copyright = boiler("copyright");
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };
  return { value: { series, authors, disclaimer, copyright, sources }, diagnostics };
}

// src/build/new.ts
import { existsSync as existsSync4, readFileSync as readFileSync4 } from "node:fs";
import path5 from "node:path";
import { parse as parseYaml2, stringify as stringifyYaml } from "yaml";
function newBrief(options) {
  const input = path5.resolve(options.input ?? "manuscript");
  const series = readSeries(input);
  if (!series.value) throw new BriefpressError(series.diagnostics);
  const src = series.value;
  const dir = path5.join(input, "briefs", options.slug);
  const err = (ruleId, message, hint, file2 = dir) => {
    const d = { file: displayPath(file2), line: 0, column: 0, severity: "error", message, ruleId, hint };
    throw new BriefpressError([d]);
  };
  if (!slugRe.test(options.slug)) {
    err("slug-invalid", `\`${options.slug}\` is not a valid slug`, "Use lower-case letters, digits and single hyphens, e.g. `kerry-in-russia`: it becomes the folder, the file names and the URL.");
  }
  if (existsSync4(dir)) err("duplicate-slug", `The series already has a brief \`${options.slug}\``, "Choose another slug, or edit the existing brief.");
  const date = options.date ?? today();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) err("frontmatter-schema", `The date \`${date}\` is not YYYY-MM-DD`, "Give a date such as 2015-05-12.");
  const briefs = findManuscript(input).briefDirs.map((d) => scanBrief(d));
  const plan = planSeries(briefs);
  const number = Math.max(0, ...plan.numbers.values(), ...briefs.map((b) => b.head?.number ?? 0)) + 1;
  const known = [...src.authors.keys()];
  let author = options.author;
  if (author === void 0) {
    const latest = plan.order[plan.order.length - 1];
    author = latest ? firstAuthor(path5.join(input, "briefs", latest, "brief.md")) : void 0;
    author ??= known[0];
  }
  if (!author) err("author-missing", "The series has no author yet", "Create authors/<id>.md (front matter `name:`, then the bio), then pass --author <id>.", path5.join(input, "authors"));
  if (!src.authors.has(author)) {
    err("author-missing", `No author \`${author}\` in authors/`, known.length ? `Known authors: ${known.join(", ")}.` : "Create authors/<id>.md first.", path5.join(input, "authors"));
  }
  const frontMatter = stringifyYaml(
    {
      title: options.title ?? titleFromSlug(options.slug),
      authors: [author],
      date,
      number,
      language: src.series.language,
      summary: "One or two sentences on what this brief explains: the catalog summary, the EPUB description and the PDF subject.",
      keywords: []
    },
    { lineWidth: 0 }
  );
  const theme = loadTheme(src.series.theme, input);
  const text = renderTemplate(theme.read("new-brief.md"), { frontMatter: frontMatter.trimEnd(), series: src.series.name }, "new-brief.md");
  const file = path5.join(dir, "brief.md");
  writeAtomic(file, text);
  return { file, slug: options.slug, number };
}
function firstAuthor(file) {
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(readFileSync4(file, "utf8"));
  try {
    const a = parseYaml2(m?.[1] ?? "")?.authors?.[0];
    return typeof a === "string" ? a : a && typeof a === "object" && "id" in a ? String(a.id) : void 0;
  } catch {
    return void 0;
  }
}
function titleFromSlug(slug) {
  const small = /* @__PURE__ */ new Set(["a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "vs"]);
  return slug.split("-").map((w, i) => i > 0 && small.has(w) ? w : w.charAt(0).toUpperCase() + w.slice(1)).join(" ");
}
function today() {
  const d = /* @__PURE__ */ new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

// src/preview/server.ts
import { createReadStream, existsSync as existsSync7, mkdtempSync, rmSync, statSync as statSync4 } from "node:fs";
import { createServer } from "node:http";
import os from "node:os";
import path9 from "node:path";

// src/preview/files.ts
import { existsSync as existsSync5, readdirSync as readdirSync4, realpathSync, statSync as statSync3 } from "node:fs";
import { createRequire } from "node:module";
import path6 from "node:path";
import { fileURLToPath } from "node:url";
var uiDir = path6.join(path6.dirname(fileURLToPath(import.meta.url)), "ui");
var types = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".pdf": "application/pdf",
  ".epub": "application/epub+zip",
  ".xml": "application/xml",
  ".xhtml": "application/xhtml+xml"
};
function contentType(file) {
  return types[path6.extname(file).toLowerCase()] ?? "application/octet-stream";
}
function resolveInside(root, segments) {
  const parts = [];
  for (const raw of segments) {
    let s;
    try {
      s = decodeURIComponent(raw);
    } catch {
      return { status: 403 };
    }
    if (s === "" || s === "." || s === ".." || /[\\/\0]/.test(s)) return { status: 403 };
    if (s.startsWith(".")) return { status: 404 };
    parts.push(s);
  }
  if (parts.length === 0) return { status: 404 };
  const file = path6.join(root, ...parts);
  if (!isInside(file, root)) return { status: 403 };
  let real;
  try {
    real = realpathSync(file);
  } catch {
    return { status: 404 };
  }
  if (!isInside(real, realpathSync(root))) return { status: 403 };
  if (!statSync3(real).isFile()) return { status: 404 };
  return { file: real };
}
function uiFiles() {
  const files = /* @__PURE__ */ new Map();
  for (const name of readdirSync4(uiDir)) {
    const file = path6.join(uiDir, name);
    if (!name.startsWith(".") && statSync3(file).isFile()) files.set(name, file);
  }
  return files;
}
var require2 = createRequire(path6.join(packageRoot, "package.json"));
function vendorFiles() {
  const wanted = [
    ["pdf.mjs", "pdfjs-dist", "build/pdf.min.mjs"],
    ["pdf.worker.mjs", "pdfjs-dist", "build/pdf.worker.min.mjs"],
    ["epub.js", "epubjs", "dist/epub.min.js"],
    ["jszip.js", "jszip", "dist/jszip.min.js"]
  ];
  const files = /* @__PURE__ */ new Map();
  for (const [name, pkg, rel] of wanted) {
    let dir;
    try {
      dir = path6.dirname(require2.resolve(`${pkg}/package.json`));
    } catch {
      continue;
    }
    const file = path6.join(dir, rel);
    if (existsSync5(file)) files.set(name, file);
  }
  return files;
}

// src/preview/open.ts
import { spawn } from "node:child_process";
function openInBrowser(url, env = process.env, platform = process.platform) {
  if (env.CI) return false;
  let cmd;
  let args;
  if (platform === "darwin") [cmd, args] = ["open", [url]];
  else if (platform === "win32") [cmd, args] = ["cmd", ["/c", "start", '""', url]];
  else if (env.DISPLAY || env.WAYLAND_DISPLAY) [cmd, args] = ["xdg-open", [url]];
  else return false;
  try {
    const child = spawn(cmd, args, { stdio: "ignore", detached: true });
    child.on("error", () => {
    });
    child.unref();
    return true;
  } catch {
    return false;
  }
}

// src/preview/session.ts
import { existsSync as existsSync6, readFileSync as readFileSync5 } from "node:fs";
import path7 from "node:path";
import { parse as parseYaml3 } from "yaml";
var editions = ["pdf", "html", "epub"];
var PreviewSession = class {
  constructor(opts) {
    this.opts = opts;
    this.rescan();
  }
  opts;
  briefs = [];
  dirs = /* @__PURE__ */ new Map();
  opened = [];
  queue = /* @__PURE__ */ new Map();
  running;
  /** Save time of the build each brief's current version came from. */
  savedAt = /* @__PURE__ */ new Map();
  /** Versions whose drawing was already timed. */
  timed = /* @__PURE__ */ new Set();
  timings = [];
  /** Read the list of briefs again (a folder was added or removed, a title changed). */
  rescan() {
    const loc = findManuscript(this.opts.root);
    const old = new Map(this.briefs.map((b) => [b.slug, b]));
    const next = [];
    this.dirs.clear();
    for (const dir of loc.briefDirs) {
      const s = scanBrief(dir);
      this.dirs.set(s.slug, dir);
      const prev = old.get(s.slug);
      next.push(prev ? { ...prev, title: s.head?.title ?? prev.title } : { slug: s.slug, title: s.head?.title ?? s.slug, state: "waiting", versions: { pdf: 0, html: 0, epub: 0 }, built: false, files: {}, diagnostics: [] });
    }
    next.sort((a, b) => (a.number ?? Infinity) - (b.number ?? Infinity) || a.slug.localeCompare(b.slug));
    this.briefs = next;
    this.opened = this.opened.filter((s) => this.dirs.has(s));
  }
  /** One brief.md changed: read its title again (not the whole series: it may hold thousands). */
  retitle(slug) {
    const dir = this.dirs.get(slug);
    const st = this.status(slug);
    if (!dir || !st) return;
    try {
      st.title = scanBrief(dir).head?.title ?? st.title;
    } catch {
    }
  }
  status(slug) {
    return this.briefs.find((b) => b.slug === slug);
  }
  /** The edition on screen: built first after a save. */
  focus = "pdf";
  /** The editor looks at this brief (and this edition): build it now if it has not been built. */
  open(slug, edition) {
    if (!this.dirs.has(slug)) return false;
    if (edition && editions.includes(edition)) this.focus = edition;
    this.opened = [slug, ...this.opened.filter((s) => s !== slug)];
    const st = this.status(slug);
    if (st.state === "waiting" && !this.queue.has(slug)) this.enqueue(slug, {});
    return true;
  }
  /** Files changed on disk: rebuild the opened briefs they affect. */
  changed(batch) {
    const hit = affectedBriefs(batch.files, this.opts.root, new Map(this.opened.map((s) => [s, this.dirs.get(s)])));
    const before = [...this.dirs.keys()].join("\n");
    if (hit.rescan) this.rescan();
    else for (const slug of hit.retitle) this.retitle(slug);
    const listChanged = [...this.dirs.keys()].join("\n") !== before;
    for (const slug of this.opened) if (listChanged || hit.slugs.has(slug)) this.enqueue(slug, { at: batch.at });
    this.opts.onUpdate();
  }
  drawnWaiters = /* @__PURE__ */ new Map();
  whenDrawn(slug, version2) {
    return new Promise((resolve) => this.drawnWaiters.set(`${slug}@${version2}`, resolve));
  }
  /** Report from the viewer: `version` of `slug` is on screen. */
  drawn(slug, version2) {
    const waiter = this.drawnWaiters.get(`${slug}@${version2}`);
    this.drawnWaiters.delete(`${slug}@${version2}`);
    waiter?.();
    const st = this.status(slug);
    const at = this.savedAt.get(slug);
    const key = `${slug}@${version2}`;
    if (!st || st.versions.pdf !== version2 || at === void 0 || this.timed.has(key)) return void 0;
    this.timed.add(key);
    const ms = performance.now() - at;
    st.drawnMs = ms;
    this.timings.push({ slug, drawnMs: ms, buildMs: st.buildMs ?? 0 });
    this.opts.log(`  \u21BB ${slug}: saved \u2192 pages drawn in ${(ms / 1e3).toFixed(2)} s (build ${((st.buildMs ?? 0) / 1e3).toFixed(2)} s)`);
    this.opts.onUpdate();
    return ms;
  }
  /** Resolves when no build is queued or running. */
  async idle() {
    while (this.running) await this.running;
  }
  /** Ends the wait for the viewer early when something new is queued. */
  wake;
  enqueue(slug, p) {
    this.wake?.();
    const prev = this.queue.get(slug);
    this.queue.set(slug, { at: prev?.at !== void 0 && p.at !== void 0 ? Math.min(prev.at, p.at) : p.at ?? prev?.at });
    this.running ??= this.drain().finally(() => this.running = void 0);
  }
  async drain() {
    while (this.queue.size) {
      const slug = this.opened.find((s) => this.queue.has(s)) ?? this.queue.keys().next().value;
      const p = this.queue.get(slug);
      this.queue.delete(slug);
      await this.buildOne(slug, p);
    }
  }
  async buildOne(slug, p) {
    const st = this.status(slug);
    const dir = this.dirs.get(slug);
    if (!st || !dir) return;
    st.state = "building";
    this.opts.onUpdate();
    const t0 = performance.now();
    const focus = this.focus;
    const steps = [[focus], editions.filter((e) => e !== focus)];
    const diagnostics = [];
    let ok = true;
    for (const [i, formats] of steps.entries()) {
      if (i > 0 && this.queue.has(slug)) break;
      const r = await this.run(slug, dir, formats);
      if (r.number !== void 0) st.number = r.number;
      diagnostics.push(...r.diagnostics.filter((d) => i === 0 || !diagnostics.some((e) => e.message === d.message && e.file === d.file && e.line === d.line)));
      this.refreshFiles(st);
      if (r.ok) {
        for (const f of formats) st.versions[f]++;
        if (formats.includes("pdf")) {
          if (p.at !== void 0) this.savedAt.set(slug, p.at);
          else this.savedAt.delete(slug);
        }
      } else ok = false;
      if (i === 0) {
        st.buildMs = performance.now() - t0;
        if (!ok) break;
        st.diagnostics = diagnostics;
        st.state = "ok";
        const drawn = focus === "pdf" ? this.whenDrawn(slug, st.versions.pdf) : void 0;
        this.opts.onUpdate();
        if (drawn) await Promise.race([drawn, new Promise((r2) => setTimeout(r2, 1500)), new Promise((r2) => this.wake = r2)]);
        this.wake = void 0;
      }
    }
    st.diagnostics = diagnostics;
    st.state = ok ? "ok" : "error";
    const secs = ((performance.now() - t0) / 1e3).toFixed(2);
    if (ok) this.opts.log(`  \u2713 ${slug} built in ${secs} s (${focus}: ${((st.buildMs ?? 0) / 1e3).toFixed(2)} s)`);
    else this.opts.log(`  \u2717 ${slug}: ${diagnostics.filter((d) => d.severity === "error").length} error(s)
${diagnostics.map((d) => "    " + formatDiagnostic(d).replace(/\n/g, "\n    ")).join("\n")}`);
    this.opts.onUpdate();
  }
  /** One build() of some editions of one brief; every failure becomes diagnostics. */
  async run(slug, dir, formats) {
    try {
      const result = await build({ input: dir, outDir: this.opts.outDir, pool: await this.opts.pool(), cache: false, formats });
      const r = result.briefs.find((b) => b.slug === slug);
      return { ok: Boolean(r?.ok) && result.ok, number: r?.number, diagnostics: [...result.diagnostics, ...r?.diagnostics ?? []] };
    } catch (e) {
      if (e instanceof BriefpressError) return { ok: false, diagnostics: e.diagnostics };
      if (e instanceof EnvironmentError) return { ok: false, diagnostics: [{ file: "", line: 0, column: 0, severity: "error", message: e.message, ruleId: "environment", hint: e.hint }] };
      this.opts.log(`briefpress preview: internal error while building ${slug} (a bug in briefpress)
${e?.stack ?? String(e)}`);
      return { ok: false, diagnostics: [{ file: "", line: 0, column: 0, severity: "error", message: `Internal error: ${e?.message ?? String(e)}`, ruleId: "internal", hint: "A bug in briefpress: see the terminal for the trace." }] };
    }
  }
  refreshFiles(st) {
    const out = path7.join(this.opts.outDir, st.slug);
    const url = (name) => existsSync6(path7.join(out, name)) ? `/out/${st.slug}/${name}` : void 0;
    st.files = { pdf: url(`${st.slug}.pdf`), html: url("index.html"), epub: url(`${st.slug}.epub`) };
    st.built = Boolean(st.files.pdf || st.files.html || st.files.epub);
  }
};
function affectedBriefs(files, root, briefs) {
  const briefsDir = path7.join(root, "briefs");
  const authorsDir = path7.join(root, "authors");
  let rescan = false;
  const hit = /* @__PURE__ */ new Set();
  const retitle = /* @__PURE__ */ new Set();
  const authors = /* @__PURE__ */ new Set();
  let everyBrief = false;
  for (const file of files) {
    if (file === briefsDir) rescan = true;
    else if (isInside(file, briefsDir)) {
      const rel = path7.relative(briefsDir, file).split(path7.sep);
      if (rel.length === 1) rescan = true;
      else if (rel[1] === "brief.md") retitle.add(rel[0]);
      hit.add(rel[0]);
    } else if (path7.dirname(file) === authorsDir && file.endsWith(".md")) authors.add(path7.basename(file, ".md"));
    else everyBrief = true;
  }
  const slugs = new Set([...briefs].filter(([slug, dir]) => everyBrief || hit.has(slug) || namesAuthor(dir, authors)).map(([slug]) => slug));
  return { slugs, rescan, retitle };
}
function namesAuthor(dir, authors) {
  if (authors.size === 0) return false;
  try {
    const m = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---/.exec(readFileSync5(path7.join(dir, "brief.md"), "utf8"));
    const list = parseYaml3(m[1]).authors;
    if (!Array.isArray(list)) return true;
    return list.some((a) => authors.has(typeof a === "string" ? a : String(a?.id)));
  } catch {
    return true;
  }
}

// src/preview/watch.ts
import { watch } from "node:fs";
import path8 from "node:path";
function isNoise(file) {
  const base = path8.basename(file);
  return base.startsWith(".") || base.endsWith("~") || /\.(swp|swx|swo|tmp|bak|orig)$/i.test(base) || /^#.*#$/.test(base) || /^\d+$/.test(base);
}
function watchFolders(dirs, onBatch, opts = {}) {
  const debounceMs = opts.debounceMs ?? 30;
  let pending = /* @__PURE__ */ new Set();
  let first = 0;
  let timer;
  const flush = () => {
    timer = void 0;
    const files = [...pending];
    pending = /* @__PURE__ */ new Set();
    if (files.length) onBatch({ files, at: first });
  };
  const watchers = [];
  for (const dir of dirs) {
    const w = watch(dir, { recursive: true }, (_event, name) => {
      const file = name ? path8.join(dir, name.toString()) : dir;
      if (isNoise(file)) return;
      if (pending.size === 0) first = performance.now();
      pending.add(file);
      if (timer) clearTimeout(timer);
      timer = setTimeout(flush, debounceMs);
    });
    w.on("error", () => {
    });
    watchers.push(w);
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    }
  };
}

// src/preview/server.ts
var api = { host: "127.0.0.1" };
async function preview(options = {}) {
  const input = options.input ?? "manuscript";
  const log = options.log ?? (() => {
  });
  const loc = findManuscript(input);
  if (hasErrors(loc.diagnostics)) throw new BriefpressError(loc.diagnostics);
  const root = path9.resolve(loc.root);
  const first = path9.resolve(input) === root ? void 0 : path9.basename(loc.briefDirs[0]);
  const outDir = mkdtempSync(path9.join(os.tmpdir(), "briefpress-preview-"));
  const removeOut = () => rmSync(outDir, { recursive: true, force: true });
  process.once("exit", removeOut);
  const { launchPool } = await import("./pool-TVFVVHKX.js");
  const launch = () => launchPool(options.jobs ?? 2);
  let pool = launch();
  pool.catch(() => {
  });
  const getPool = async () => {
    const p = await pool;
    if (!p.browser.connected) {
      await p.close().catch(() => {
      });
      pool = launch();
    }
    return pool;
  };
  const clients = /* @__PURE__ */ new Set();
  let port = 0;
  let series = seriesName(root);
  const state = () => ({ series, first, briefs: session.briefs });
  const broadcast = () => {
    const msg = `event: state
data: ${JSON.stringify(state())}

`;
    for (const c of clients) c.write(msg);
  };
  const session = new PreviewSession({ root, outDir, pool: getPool, onUpdate: broadcast, log });
  if (!session.briefs.length) throw new BriefpressError(loc.diagnostics);
  session.open(first ?? session.briefs[0].slug);
  const watched = [root, ...themeDirs(root).filter((d) => !isInside(d, root))];
  const watcher = watchFolders(
    watched,
    (batch) => {
      if (batch.files.includes(path9.join(root, "series.yaml"))) series = seriesName(root);
      session.changed(batch);
    },
    { debounceMs: options.debounceMs }
  );
  const ui = uiFiles();
  const vendor = vendorFiles();
  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      log(`briefpress preview: ${e.stack ?? String(e)}`);
      if (!res.headersSent) send(res, 500, "Internal error");
      else res.end();
    }
  });
  const handle = (req, res) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "no-referrer");
    res.setHeader("Cache-Control", "no-store");
    const host = req.headers.host ?? "";
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return send(res, 403, "Forbidden host");
    const url2 = new URL(req.url ?? "/", `http://${host}`);
    const segments = url2.pathname.split("/").slice(1);
    const [top, ...rest] = segments;
    if (req.method === "POST") {
      if (!isSameOrigin(req, port) || !(req.headers["content-type"] ?? "").startsWith("application/json")) return send(res, 403, "Forbidden");
      return readJson(req, (body) => {
        const slug = typeof body.slug === "string" ? body.slug : "";
        if (url2.pathname === "/api/open") return send(res, session.open(slug, body.view) ? 204 : 404, "");
        if (url2.pathname === "/api/drawn" && typeof body.version === "number") {
          const ms = session.drawn(slug, body.version);
          return sendJson(res, { drawnMs: ms ?? null });
        }
        send(res, 404, "Not found");
      });
    }
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "Method not allowed");
    if (url2.pathname === "/" || url2.pathname === "/index.html") return sendFile(req, res, ui.get("index.html"), true);
    if (top === "ui" && rest.length === 1) {
      const file = ui.get(rest[0]);
      return file ? sendFile(req, res, file, true) : send(res, 404, "Not found");
    }
    if (top === "vendor" && rest.length === 1) {
      const file = vendor.get(rest[0]);
      return file ? sendFile(req, res, file, false) : send(res, 404, "Not found");
    }
    if (top === "out") {
      const r = resolveInside(outDir, rest);
      return "file" in r ? sendFile(req, res, r.file, false) : send(res, r.status, r.status === 403 ? "Forbidden" : "Not found");
    }
    if (url2.pathname === "/api/state") return sendJson(res, { ...state(), timings: session.timings });
    if (url2.pathname === "/api/events") {
      res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8", Connection: "keep-alive" });
      res.write(`retry: 500
event: state
data: ${JSON.stringify(state())}

`);
      clients.add(res);
      req.on("close", () => clients.delete(res));
      return;
    }
    send(res, 404, "Not found");
  };
  const heartbeat = setInterval(() => {
    for (const c of clients) c.write(": ping\n\n");
  }, 15e3);
  heartbeat.unref();
  try {
    port = await listen(server, options.port ?? 4173);
  } catch (e) {
    clearInterval(heartbeat);
    watcher.close();
    await (await pool.catch(() => void 0))?.close();
    removeOut();
    process.off("exit", removeOut);
    throw e;
  }
  let closed = false;
  const url = `http://${api.host}:${port}/`;
  if (options.open) openInBrowser(url);
  return {
    url,
    port,
    outDir,
    session,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      watcher.close();
      for (const c of clients) c.end();
      server.closeAllConnections();
      await new Promise((r) => server.close(() => r()));
      await session.idle().catch(() => {
      });
      await (await pool.catch(() => void 0))?.close();
      removeOut();
      process.off("exit", removeOut);
    }
  };
}
function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once(
      "error",
      (e) => reject(e.code === "EADDRINUSE" ? new EnvironmentError(`Port ${port} on 127.0.0.1 is in use`, "Pick another with --port N (0 picks a free one).") : e)
    );
    server.listen(port, api.host, () => {
      const addr = server.address();
      resolve(typeof addr === "object" && addr ? addr.port : port);
    });
  });
}
function themeDirs(root) {
  const name = readSeries(root).value?.series.theme ?? "csis";
  return [path9.join(root, "theme", name), path9.join(packageRoot, "templates", name)].filter((d) => existsSync7(d) && statSync4(d).isDirectory());
}
function seriesName(root) {
  return readSeries(root).value?.series.name ?? path9.basename(root);
}
function isSameOrigin(req, port) {
  const origin = req.headers.origin;
  return origin === void 0 || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}
function readJson(req, fn) {
  let data = "";
  req.setEncoding("utf8");
  req.on("data", (chunk) => {
    data += chunk;
    if (data.length > 1e4) req.destroy();
  });
  req.on("end", () => {
    let body;
    try {
      body = JSON.parse(data || "{}");
    } catch {
      body = {};
    }
    fn(body && typeof body === "object" ? body : {});
  });
}
function send(res, status, text) {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" });
  res.end(status === 204 ? void 0 : text);
}
function sendJson(res, value) {
  res.writeHead(200, { "Content-Type": "application/json" });
  res.end(JSON.stringify(value));
}
var uiCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline' blob:",
  "img-src 'self' data: blob:",
  "font-src 'self' data: blob:",
  "frame-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join("; ");
function sendFile(req, res, file, isUi) {
  const headers = { "Content-Type": contentType(file) };
  if (isUi && file.endsWith(".html")) headers["Content-Security-Policy"] = uiCsp;
  res.writeHead(200, headers);
  if (req.method === "HEAD") return void res.end();
  createReadStream(file).on("error", () => res.destroy()).pipe(res);
}

// src/check/check.ts
import { existsSync as existsSync9, readFileSync as readFileSync7 } from "node:fs";
import path11 from "node:path";

// src/check/editorial.ts
var repeated = new RegExp("(?<!\\p{L})(\\p{L}[\\p{L}'\u2019-]*(?:\\s+\\p{L}[\\p{L}'\u2019-]*){0,2})\\s+\\1(?![\\p{L}'\u2019-])", "giu");
var allowed = /* @__PURE__ */ new Set(["had had", "that that", "is is", "bye bye", "so so", "very very", "no no"]);
function lintEditorial(text, file, bodyOffset = 0) {
  const out = [];
  const body = text.slice(bodyOffset);
  for (const m of body.matchAll(repeated)) {
    const phrase = m[0].replace(/\s+/g, " ");
    if (allowed.has(phrase.toLowerCase())) continue;
    out.push({
      file,
      ...offsetToPosition(text, bodyOffset + m.index),
      severity: "warning",
      message: `Repeated words \u201C${phrase}\u201D`,
      ruleId: "repeated-words",
      hint: `Keep one \u201C${m[1]}\u201D.`
    });
  }
  return out;
}

// src/check/epubcheck.ts
import { existsSync as existsSync8, mkdtempSync as mkdtempSync2, readFileSync as readFileSync6, rmSync as rmSync2 } from "node:fs";
import os2 from "node:os";
import path10 from "node:path";

// src/check/run.ts
import { execFile } from "node:child_process";
function runTool(cmd, args, env) {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 18e4 }, (err, stdout, stderr) => {
      const e = err;
      const missing = e?.code === "ENOENT";
      const code = e ? typeof e.code === "number" ? e.code : 1 : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr), missing });
    });
  });
}

// src/check/epubcheck.ts
var epubcheckJar = process.env.EPUBCHECK_JAR ?? "/usr/share/java/epubcheck.jar";
function epubcheckAvailable() {
  return existsSync8(epubcheckJar);
}
async function runEpubcheck(epub) {
  const dir = mkdtempSync2(path10.join(os2.tmpdir(), "epubcheck-"));
  const json = path10.join(dir, "out.json");
  try {
    const r = await runTool("java", ["-jar", epubcheckJar, epub, "--json", json]);
    if (r.missing) throw new Error("java is not installed");
    if (!existsSync8(json)) throw new Error(`epubcheck wrote no report (exit ${r.code}): ${r.stderr || r.stdout}`);
    const report = JSON.parse(readFileSync6(json, "utf8"));
    return {
      exitCode: r.code,
      fatals: report.checker.nFatal,
      errors: report.checker.nError,
      warnings: report.checker.nWarning,
      messages: report.messages.map((m) => ({
        id: m.ID,
        severity: m.severity,
        message: m.message,
        locations: (m.locations ?? []).map((l) => `${l.path}:${l.line}:${l.column}`)
      })),
      output: `${r.stdout}
${r.stderr}`.trim()
    };
  } finally {
    rmSync2(dir, { recursive: true, force: true });
  }
}

// src/check/pdf.ts
async function checkPdf(pdf) {
  const file = displayPath(pdf);
  const out = [];
  const add = (severity, ruleId, message, hint) => out.push({ file, line: 0, column: 0, severity, message, ruleId, hint });
  const info = await runTool("pdfinfo", [pdf]);
  if (info.missing) {
    add("info", "pdf-tools", "pdfinfo not found: PDF checks skipped", "Install poppler-utils (Debian: `apt-get install -y poppler-utils`).");
    return out;
  }
  if (info.code !== 0) {
    add("error", "pdf-info", `pdfinfo cannot read the PDF: ${info.stderr.trim().split("\n")[0]}`, "Rebuild it with `briefpress build`.");
    return out;
  }
  const field = (name) => new RegExp(`^${name}:\\s*(.*)$`, "m").exec(info.stdout)?.[1]?.trim() ?? "";
  if (field("Tagged") !== "yes") add("error", "pdf-tagged", "The PDF is not tagged", "Print with tagging on (briefpress does by default).");
  if (!/\(letter\)/.test(field("Page size"))) add("warning", "pdf-page-size", `Page size is ${field("Page size") || "unknown"}, not US Letter`);
  for (const name of ["Title", "Author", "Subject", "Keywords"]) {
    if (!field(name)) add("error", "pdf-metadata", `The PDF has no ${name}`, "Set it in the front matter (title, authors, summary, keywords) and rebuild.");
    else if (field(name).includes("\xAD")) add("error", "pdf-metadata", `The PDF's ${name} holds soft hyphens`);
  }
  const fonts = await runTool("pdffonts", [pdf]);
  if (fonts.code === 0) {
    for (const line of fonts.stdout.split("\n").slice(2).filter(Boolean)) {
      const cols = line.trim().split(/\s+/);
      const emb = cols[cols.length - 5];
      if (emb !== "yes") add("error", "pdf-fonts", `Font ${cols[0]} is not embedded`, "Use the theme fonts from npm (@fontsource), never system fonts.");
    }
  }
  const qpdf = await runTool("qpdf", ["--check", pdf]);
  if (qpdf.missing) add("info", "pdf-tools", "qpdf not found: structure check skipped", "Install qpdf (Debian: `apt-get install -y qpdf`).");
  else if (qpdf.code !== 0) add("error", "pdf-structure", `qpdf --check: ${(qpdf.stdout + qpdf.stderr).trim().split("\n").slice(-1)[0]}`);
  return out;
}

// src/check/check.ts
async function check(options = {}) {
  const outDir = path11.resolve(options.outDir ?? "dist");
  const loc = findManuscript(options.input ?? "manuscript");
  const diagnostics = [...loc.diagnostics];
  const series = readSeries(loc.root);
  diagnostics.push(...series.diagnostics);
  const briefs = [];
  if (series.value) {
    const { readBrief } = await import("./brief-T5DFBJZF.js");
    for (const dir of loc.briefDirs) {
      const slug = path11.basename(dir);
      briefs.push(slug);
      options.onProgress?.(`manuscript: ${slug}`);
      const read = await readBrief(series.value, dir);
      diagnostics.push(...read.diagnostics);
      const file = path11.join(dir, "brief.md");
      const text = readFileSync7(file, "utf8");
      const split = splitFrontMatter(text);
      diagnostics.push(...lintEditorial(text, displayPath(file), split ? text.length - split.body.length : 0));
      if (options.editions !== false) diagnostics.push(...await checkEditions(slug, outDir, options.onProgress));
    }
  }
  return { ok: !diagnostics.some((d) => d.severity === "error"), diagnostics, briefs };
}
async function checkEditions(slug, outDir, onProgress) {
  const out = [];
  const epub = path11.join(outDir, slug, `${slug}.epub`);
  const pdf = path11.join(outDir, slug, `${slug}.pdf`);
  const missing = (file, what) => ({
    file: displayPath(file),
    line: 0,
    column: 0,
    severity: "info",
    message: `No ${what} to check`,
    ruleId: "edition-missing",
    hint: `Build it first: \`briefpress build --out ${displayPath(outDir)}\`.`
  });
  if (!existsSync9(epub)) out.push(missing(epub, "EPUB"));
  else if (!epubcheckAvailable()) {
    out.push({ file: displayPath(epub), line: 0, column: 0, severity: "info", message: "epubcheck not found: EPUB check skipped", ruleId: "epubcheck", hint: "Install it (Debian: `apt-get install -y epubcheck`) or set EPUBCHECK_JAR." });
  } else {
    onProgress?.(`epubcheck: ${slug}.epub`);
    const r = await runEpubcheck(epub);
    for (const m of r.messages) {
      if (!["FATAL", "ERROR", "WARNING"].includes(m.severity)) continue;
      const [where, line, column] = (m.locations[0] ?? "").split(":");
      out.push({
        file: `${displayPath(epub)}${where ? `!/${where}` : ""}`,
        line: Number(line) > 0 ? Number(line) : 0,
        column: Number(column) > 0 ? Number(column) : 0,
        severity: m.severity === "WARNING" ? "warning" : "error",
        message: `${m.id}: ${m.message}`,
        ruleId: "epubcheck"
      });
    }
    if (r.exitCode !== 0 && !out.some((d) => d.severity === "error")) {
      out.push({ file: displayPath(epub), line: 0, column: 0, severity: "error", message: `epubcheck failed (exit ${r.exitCode})`, ruleId: "epubcheck", hint: r.output.split("\n").slice(-3).join(" ") });
    }
  }
  if (!existsSync9(pdf)) out.push(missing(pdf, "PDF"));
  else {
    onProgress?.(`pdf: ${slug}.pdf`);
    out.push(...await checkPdf(pdf));
  }
  return out;
}

// src/api.ts
async function build(options = {}) {
  const t0 = performance.now();
  const outDir = path12.resolve(options.outDir ?? "dist");
  const formats = options.formats ?? targetNames;
  for (const f of formats) {
    if (!targetNames.includes(f)) throw new EnvironmentError(`Unknown format \`${f}\``, `Use one or more of ${targetNames.join(", ")}.`);
  }
  const input = options.input ?? "manuscript";
  const loc = findManuscript(input);
  if (hasErrors(loc.diagnostics)) throw new BriefpressError(loc.diagnostics);
  const seriesRead = readSeries(loc.root);
  if (!seriesRead.value) throw new BriefpressError(seriesRead.diagnostics);
  const src = seriesRead.value;
  const theme = loadTheme(src.series.theme, loc.root);
  const wholeSeries = path12.resolve(input) === path12.resolve(loc.root);
  const seriesDirs = wholeSeries ? loc.briefDirs : findManuscript(loc.root).briefDirs;
  const cache = new BuildCache(outDir);
  const useCache = options.cache ?? true;
  const scanned = seriesDirs.map((d) => scanBrief(d, (slug, hash) => cache.head(slug, hash)));
  for (const s of scanned) cache.knowHash(s.file, s.hash);
  const plan = planSeries(scanned);
  const titles = new Map(scanned.filter((s) => s.head).map((s) => [s.slug, s.head.title]));
  const wanted = new Set(loc.briefDirs.map((d) => path12.resolve(d)));
  const toBuild = scanned.filter((s) => wanted.has(path12.resolve(s.dir)));
  options.onEvent?.({ type: "read", briefs: toBuild.length, series: wholeSeries });
  let pool;
  const jobs = options.jobs ?? 2;
  const envEpoch = options.sourceDateEpoch ?? parseEpoch(process.env.SOURCE_DATE_EPOCH);
  const ctx = {
    outDir,
    theme,
    version,
    formats,
    epoch: (b) => envEpoch ?? Date.parse(`${b.date}T00:00:00Z`) / 1e3,
    browser: () => options.pool ? Promise.resolve(options.pool) : pool ??= import("./pool-TVFVVHKX.js").then((m) => m.launchPool(jobs))
  };
  const chosen = targets.filter((t) => formats.includes(t.name));
  const buildKey = {
    tool: version,
    code: toolHash(),
    theme: hashTree(theme.dirs),
    fonts: theme.fonts.map((f) => f.path),
    formats: [...formats].sort(),
    epoch: envEpoch ?? null
  };
  const contextOf = (s) => ({ ...buildKey, number: plan.numbers.get(s.slug) ?? null, links: linksFor(plan, s.slug, titles) });
  const isFresh = (s, context = contextOf(s)) => {
    const prev = cache.briefs.get(s.slug);
    return useCache && prev !== void 0 && prev.briefHash === s.hash && cache.isFresh(s.slug, cache.key(prev.sources, context));
  };
  if (!options.pool && chosen.some((t) => t.usesBrowser) && toBuild.some((s) => !plan.errors.has(s.slug) && !isFresh(s))) {
    ctx.browser().catch(() => void 0);
  }
  let fatal;
  const buildOne = async (s) => {
    const { slug } = s;
    const started = performance.now();
    const number = plan.numbers.get(slug);
    const failed = (diagnostics2) => {
      cache.invalidate(slug);
      options.onEvent?.({ type: "brief-failed", slug, diagnostics: diagnostics2 });
      return { slug, ok: false, cached: false, number, files: [], diagnostics: diagnostics2, ms: performance.now() - started };
    };
    const planErrors = plan.errors.get(slug);
    if (planErrors) return failed(planErrors);
    const context = contextOf(s);
    const { links } = context;
    if (isFresh(s, context)) {
      options.onEvent?.({ type: "brief-cached", slug });
      return { slug, ok: true, cached: true, number, files: [], diagnostics: [], ms: performance.now() - started };
    }
    if (fatal) return { slug, ok: false, cached: false, number, files: [], diagnostics: [], ms: 0 };
    options.onEvent?.({ type: "brief-start", slug });
    const { readBrief } = await import("./brief-T5DFBJZF.js");
    const read = await traced("read", () => readBrief(src, s.dir), slug);
    if (!read.value) return failed(read.diagnostics);
    const brief = read.value;
    if (number !== void 0) brief.number = number;
    const briefCtx = { ...ctx, links };
    const settled = await Promise.allSettled(chosen.map((t) => traced(`target.${t.name}`, () => t.build(brief, briefCtx), slug)));
    const diagnostics = [...read.diagnostics];
    const files = [];
    for (const r of settled) {
      if (r.status === "fulfilled") files.push(...r.value);
      else if (r.reason instanceof BriefpressError) diagnostics.push(...r.reason.diagnostics);
      else fatal ??= r.reason;
    }
    if (fatal || settled.some((r) => r.status === "rejected")) return failed(diagnostics);
    cache.set(slug, {
      key: cache.key(brief.sources, context),
      sources: brief.sources,
      outputs: files.map((f) => path12.relative(outDir, f.path)),
      briefHash: s.hash,
      head: s.head ?? { title: brief.title, date: brief.date, number: brief.number },
      entry: catalogEntry(brief, number ?? 0, ctx.epoch(brief))
    });
    const ms = performance.now() - started;
    options.onEvent?.({ type: "brief-done", slug, files, ms });
    return { slug, ok: true, cached: false, number, files, diagnostics, ms };
  };
  let results;
  const seriesFiles = [];
  try {
    results = await mapLimited(toBuild, options.concurrency ?? jobs + 2, buildOne);
    if (fatal) throw fatal;
    if (wholeSeries) {
      cache.retain(scanned.map((s) => s.slug));
      const t1 = performance.now();
      const entries = plan.order.flatMap((slug) => {
        const e = cache.briefs.get(slug)?.entry;
        return e ? [{ ...e, number: plan.numbers.get(slug) }] : [];
      });
      const seriesEpoch = envEpoch ?? Math.max(0, ...entries.map((e) => e.updated));
      for (const step of entries.length ? seriesTargets : []) {
        seriesFiles.push(...await step.build({ outDir, theme, version, formats, series: src.series, entries, epoch: seriesEpoch }));
      }
      options.onEvent?.({ type: "series-done", files: seriesFiles, ms: performance.now() - t1 });
    }
    if (useCache && (cache.briefs.size > 0 || cache.existed)) cache.save();
  } finally {
    if (pool) await (await pool.catch(() => void 0))?.close();
  }
  return {
    ok: results.every((r) => r.ok) && !hasErrors(seriesRead.diagnostics),
    briefs: results,
    seriesFiles,
    diagnostics: seriesRead.diagnostics,
    ms: performance.now() - t0
  };
}
function catalogEntry(b, number, updated) {
  return {
    slug: b.slug,
    number,
    title: b.title,
    subtitle: b.subtitle,
    authors: b.authors.map((a) => ({ id: a.id, name: a.name })),
    date: b.date,
    summary: b.summary,
    identifier: b.identifier,
    language: b.language,
    keywords: b.keywords,
    updated
  };
}
var toolHashMemo;
function toolHash() {
  return toolHashMemo ??= hashTree([path12.join(packageRoot, "src")]);
}
function parseEpoch(v) {
  if (!v) return void 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new EnvironmentError(`SOURCE_DATE_EPOCH is \`${v}\`, not a whole number of seconds`, "Unset it or set it to e.g. `1431388800`.");
  return n;
}
export {
  BriefpressError,
  EnvironmentError,
  build,
  cacheFileName,
  check,
  formatDiagnostic,
  newBrief,
  preview,
  version
};

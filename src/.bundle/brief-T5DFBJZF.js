import {
  frontMatterSchema,
  validateYaml
} from "./chunk-EBJTVMDG.js";
import {
  displayPath
} from "./chunk-AYK4DGU7.js";
import {
  sha256,
  uuidV5
} from "./chunk-52ZG7T6N.js";
import {
  offsetToPosition
} from "./chunk-574UC3B5.js";

// src/manuscript/brief.ts
import { readFileSync as readFileSync2 } from "node:fs";
import path2 from "node:path";
import { toString as toString2 } from "hast-util-to-string";
import { VFile } from "vfile";

// src/pipeline/messages.ts
function report(file, node, reason, opts) {
  const msg = file.message(reason, { place: node?.position, ruleId: opts.ruleId, source: "briefpress" });
  msg.fatal = (opts.severity ?? "error") === "error" ? true : opts.severity === "warning" ? false : void 0;
  if (opts.hint) msg.note = opts.hint;
}
function toDiagnostics(file, displayPath2, lineOffset = 0) {
  return file.messages.map((m) => ({
    file: displayPath2,
    line: m.line ? m.line + lineOffset : 0,
    column: m.column ?? 0,
    severity: m.fatal === true ? "error" : m.fatal === false ? "warning" : "info",
    message: m.reason,
    ruleId: m.ruleId ?? "briefpress",
    hint: m.note
  }));
}

// src/pipeline/fragments.ts
import { visit } from "unist-util-visit";
function checkFragments(parts, file) {
  const ids = /* @__PURE__ */ new Set();
  for (const tree of parts) {
    visit(tree, "element", (node) => {
      if (typeof node.properties.id === "string") ids.add(node.properties.id);
    });
  }
  const out = [];
  for (const tree of parts) {
    visit(tree, "element", (node) => {
      const href = node.tagName === "a" ? node.properties.href : void 0;
      if (typeof href !== "string" || !href.startsWith("#")) return;
      let id = href.slice(1);
      try {
        id = decodeURIComponent(id);
      } catch {
      }
      if (ids.has(id)) return;
      out.push({
        file,
        line: node.position?.start.line ?? 0,
        column: node.position?.start.column ?? 0,
        severity: "error",
        message: `Link to \`${href}\` points to nothing in the brief`,
        ruleId: "link-fragment",
        hint: "Link to a question (`#q1`, `#q2` ...) or remove the link."
      });
    });
  }
  return out;
}

// src/pipeline/processor.ts
import rehypeRaw from "rehype-raw";
import rehypeSanitize, { defaultSchema } from "rehype-sanitize";
import remarkFrontmatter from "remark-frontmatter";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import { unified } from "unified";

// src/pipeline/rehype-images.ts
import { readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { visit as visit2 } from "unist-util-visit";

// src/util/media.ts
function sniffImage(bytes) {
  const b = bytes;
  if (b.length >= 8 && b[0] === 137 && b[1] === 80 && b[2] === 78 && b[3] === 71) return { mediaType: "image/png", ext: "png" };
  if (b.length >= 3 && b[0] === 255 && b[1] === 216 && b[2] === 255) return { mediaType: "image/jpeg", ext: "jpg" };
  if (b.length >= 6 && b[0] === 71 && b[1] === 73 && b[2] === 70 && b[3] === 56) return { mediaType: "image/gif", ext: "gif" };
  if (b.length >= 12 && String.fromCharCode(...b.subarray(0, 4)) === "RIFF" && String.fromCharCode(...b.subarray(8, 12)) === "WEBP")
    return { mediaType: "image/webp", ext: "webp" };
  const head = new TextDecoder().decode(b.subarray(0, 512)).trimStart();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(head)) return { mediaType: "image/svg+xml", ext: "svg" };
  return void 0;
}

// src/pipeline/rehype-images.ts
function collectImages(tree, file, opts) {
  const assets = /* @__PURE__ */ new Map();
  const root = realpathSync(opts.root);
  visit2(tree, "element", (node) => {
    if (node.tagName !== "img") return;
    const src = String(node.properties.src ?? "").trim();
    const alt = String(node.properties.alt ?? "").trim();
    if (!alt) {
      report(file, node, `Image \`${src}\` has no alt text`, {
        ruleId: "image-alt",
        hint: "Describe the image between the brackets: ![A map of eastern Ukraine](map.png)."
      });
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith("/") || src.startsWith("\\")) {
      report(file, node, `Image \`${src.slice(0, 80)}\` is not a file of the brief`, {
        ruleId: "image-outside",
        hint: "Put the image beside brief.md and refer to it by a relative path; nothing is fetched from the network."
      });
      return;
    }
    let decoded;
    try {
      decoded = decodeURIComponent(src.split(/[?#]/)[0]);
    } catch {
      decoded = src;
    }
    const abs = path.resolve(opts.briefDir, decoded);
    let real;
    try {
      real = realpathSync(abs);
      if (!statSync(real).isFile()) throw new Error("not a file");
    } catch {
      report(file, node, `Image \`${src}\` not found`, {
        ruleId: "image-missing",
        hint: `Add the file at ${path.relative(process.cwd(), abs) || abs}, or fix the path.`
      });
      return;
    }
    if (real !== root && !real.startsWith(root + path.sep)) {
      report(file, node, `Image \`${src}\` is outside the manuscript folder`, {
        ruleId: "image-outside",
        hint: "Copy the image into the brief folder."
      });
      return;
    }
    const bytes = readFileSync(real);
    const kind = bytes.length > 0 ? sniffImage(bytes) : void 0;
    if (!kind) {
      report(file, node, `Image \`${src}\` is ${bytes.length === 0 ? "empty" : "not a PNG, JPEG, GIF, WebP or SVG file"}`, {
        ruleId: "image-type",
        hint: "Export the image as PNG, JPEG or SVG."
      });
      return;
    }
    const hash = sha256(bytes);
    const href = `images/${hash.slice(0, 16)}.${kind.ext}`;
    if (!assets.has(hash)) assets.set(hash, { path: real, href, mediaType: kind.mediaType, hash, alt });
    node.properties.src = href;
  });
  return [...assets.values()];
}
function rehypeImages(opts) {
  return (tree, file) => {
    file.data.images = collectImages(tree, file, opts);
  };
}

// src/pipeline/rehype-links.ts
import { visit as visit3 } from "unist-util-visit";
var allowed = /^(https?:|mailto:|#)/i;
function checkLinks(tree, file) {
  visit3(tree, "element", (node) => {
    if (node.tagName !== "a" || typeof node.properties.href !== "string") return;
    const href = node.properties.href.trim();
    if (allowed.test(href)) return;
    if (/^[a-z][a-z0-9+.-]*:/i.test(href)) {
      report(file, node, `Link to \`${href.slice(0, 60)}\` uses a scheme that is not allowed`, {
        ruleId: "link-scheme",
        hint: "Link to an http(s) or mailto: address."
      });
      delete node.properties.href;
    } else {
      report(file, node, `Relative link \`${href.slice(0, 60)}\` will not resolve in the EPUB or PDF`, {
        ruleId: "link-scheme",
        severity: "warning",
        hint: "Use an absolute https:// address."
      });
    }
  });
}
function rehypeLinks() {
  return checkLinks;
}

// src/pipeline/rehype-notes.ts
function splitNotes(tree) {
  const notes = { type: "root", children: [] };
  tree.children = tree.children.filter((child) => {
    if (child.type === "element" && child.tagName === "section" && "dataFootnotes" in child.properties) {
      const list = child.children.find((c) => c.type === "element" && c.tagName === "ol");
      if (list) notes.children.push(list);
      return false;
    }
    return true;
  });
  return notes;
}
function rehypeNotes() {
  return (tree, file) => {
    file.data.notes = splitNotes(tree);
  };
}

// src/pipeline/rehype-questions.ts
import { toString } from "hast-util-to-string";
function numberQuestions(tree) {
  const questions = [];
  const out = [];
  let current;
  let answered = false;
  for (const child of tree.children) {
    if (child.type === "element" && child.tagName === "h2") {
      const number = questions.length + 1;
      const id = `q${number}`;
      questions.push({ number, id, text: toString(child).trim() });
      child.properties = { ...child.properties, id: `${id}-title`, className: ["qa-question"] };
      child.children.unshift(label(`Q${number}`, "qa-label-q"), { type: "text", value: " " });
      const section = {
        type: "element",
        tagName: "section",
        properties: { className: ["qa"], id, ariaLabelledBy: [`${id}-title`] },
        children: [child]
      };
      current = section;
      answered = false;
      out.push(section);
      continue;
    }
    if (!current) {
      out.push(child);
      continue;
    }
    if (!answered && child.type === "element") {
      const a = label(`A${questions.length}`, "qa-label-a");
      if (child.tagName === "p") {
        child.properties = { ...child.properties, className: ["qa-answer"] };
        child.children.unshift(a, { type: "text", value: " " });
      } else {
        current.children.push({ type: "element", tagName: "p", properties: { className: ["qa-answer", "qa-answer-label"] }, children: [a] });
      }
      answered = true;
    }
    current.children.push(child);
  }
  tree.children = out;
  return questions;
}
function label(text, cls) {
  return { type: "element", tagName: "span", properties: { className: ["qa-label", cls] }, children: [{ type: "text", value: text }] };
}
function rehypeQuestions() {
  return (tree, file) => {
    file.data.questions = numberQuestions(tree);
  };
}

// src/pipeline/remark-headings.ts
import { visit as visit4 } from "unist-util-visit";
function checkHeadings(tree, file) {
  let previous = 1;
  visit4(tree, "heading", (node) => {
    if (node.depth === 1) {
      report(file, node, "A `#` heading in the body: the title comes from the front matter", {
        ruleId: "heading-level",
        hint: "Use `##` for a question or section, or move the text to `title:`."
      });
    } else if (node.depth > previous + 1) {
      report(file, node, `Heading level ${node.depth} skips level ${previous + 1}`, {
        ruleId: "heading-level",
        severity: "warning",
        hint: `Use ${"#".repeat(previous + 1)} here.`
      });
    }
    previous = node.depth;
  });
}
function remarkHeadings() {
  return checkHeadings;
}

// src/pipeline/remark-raw-html.ts
import { visit as visit5 } from "unist-util-visit";
function checkRawHtml(tree, file) {
  visit5(tree, "html", (node) => {
    if (/^<!--[\s\S]*-->$/.test(node.value.trim())) return;
    report(file, node, "Raw HTML is not allowed in this series and was left out", {
      ruleId: "raw-html",
      severity: "warning",
      hint: "Write it in Markdown, or set `rawHtml: true` in series.yaml (it is then sanitized)."
    });
  });
}
function remarkRawHtml() {
  return checkRawHtml;
}

// src/pipeline/processor.ts
function parseMarkdown(file) {
  return unified().use(remarkParse).use(remarkFrontmatter, ["yaml"]).use(remarkGfm).parse(file);
}
async function toHast(mdast, file, opts) {
  const remarkPlugins = [remarkGfm];
  if (!opts.rawHtml) remarkPlugins.push(remarkRawHtml);
  if (opts.kind === "body") remarkPlugins.push(remarkHeadings);
  const rehypePlugins = [];
  if (opts.rawHtml) rehypePlugins.push(rehypeRaw, [rehypeSanitize, sanitizeSchema]);
  rehypePlugins.push([rehypeImages, { briefDir: opts.briefDir, root: opts.root }], rehypeLinks);
  if (opts.kind === "body") rehypePlugins.push(rehypeNotes);
  if (opts.kind === "body" && opts.qa) rehypePlugins.push(rehypeQuestions);
  const processor = unified().use(remarkPlugins).use(remarkRehype, {
    allowDangerousHtml: opts.rawHtml,
    clobberPrefix: opts.idPrefix ?? "",
    footnoteLabel: "Notes",
    footnoteBackLabel: (i) => `Back to reference ${i + 1}`
  }).use(rehypePlugins);
  return await processor.run(mdast, file);
}
var sanitizeSchema = {
  ...defaultSchema,
  clobberPrefix: "",
  protocols: { ...defaultSchema.protocols, href: ["http", "https", "mailto"], src: [] }
};

// src/manuscript/placeholders.ts
function fillPlaceholders(text, values, file) {
  const diagnostics = [];
  const out = text.replace(/\{\{\s*([A-Za-z]+)\s*\}\}/g, (whole, name, offset) => {
    if (name in values) return values[name];
    diagnostics.push({
      file,
      ...offsetToPosition(text, offset),
      severity: "error",
      message: `Unknown placeholder \`{{${name}}}\``,
      ruleId: "placeholder-unknown",
      hint: `Use one of ${Object.keys(values).map((k) => `{{${k}}}`).join(", ")}.`
    });
    return whole;
  });
  return { text: out, diagnostics };
}

// src/manuscript/brief.ts
async function readBrief(src, dir) {
  const file = path2.join(dir, "brief.md");
  const shown = displayPath(file);
  const slug = path2.basename(dir);
  const text = readFileSync2(file, "utf8");
  const vfile = new VFile({ path: file, value: text });
  const mdast = parseMarkdown(vfile);
  const fmNode = mdast.children[0]?.type === "yaml" ? mdast.children[0] : void 0;
  if (!fmNode) {
    return {
      diagnostics: [
        {
          file: shown,
          line: 1,
          column: 1,
          severity: "error",
          message: "brief.md has no front matter",
          ruleId: "frontmatter-missing",
          hint: "Start the file with a block between two `---` lines holding title, authors, date and summary."
        }
      ]
    };
  }
  const v = validateYaml(
    { file: shown, text, offset: fmNode.position.start.offset + 4, yaml: fmNode.value },
    frontMatterSchema,
    "frontmatter-schema"
  );
  if (!v.ok) return { diagnostics: v.diagnostics };
  const fm = v.value;
  mdast.children.shift();
  const { series } = src;
  const diagnostics = [];
  const fmLine = fmNode.position.start.line;
  const common = { briefDir: dir, root: series.root, rawHtml: series.rawHtml };
  const body = await toHast(mdast, vfile, { ...common, qa: series.format === "qa", kind: "body", idPrefix: "" });
  diagnostics.push(...toDiagnostics(vfile, shown));
  const images = [...vfile.data.images ?? []];
  const fragment = async (markdown, where, lineOffset, idPrefix, baseDir = dir) => {
    const f = new VFile({ path: where, value: markdown });
    const tree = await toHast(parseMarkdown(f), f, { ...common, briefDir: baseDir, qa: false, kind: "fragment", idPrefix });
    diagnostics.push(...toDiagnostics(f, displayPath(where), lineOffset));
    images.push(...f.data.images ?? []);
    return tree;
  };
  const authors = [];
  for (const [i, ref] of fm.authors.entries()) {
    const r = typeof ref === "string" ? { id: ref } : ref;
    const a = src.authors.get(r.id);
    if (!a) {
      diagnostics.push({
        file: shown,
        ...linePos(text, fmLine, new RegExp(`\\b${r.id}\\b`)),
        severity: "error",
        message: `Author \`${r.id}\` has no file authors/${r.id}.md`,
        ruleId: "author-missing",
        hint: `Create ${displayPath(path2.join(series.root, "authors", `${r.id}.md`))} with front matter \`name:\` and the bio, or fix the name.`
      });
      continue;
    }
    const bio = r.bio ? await fragment(r.bio, file, fmLine, `bio${i}-`) : await fragment(a.bio, a.file, a.bioLineOffset, `bio${i}-`, path2.dirname(a.file));
    authors.push({
      id: a.id,
      name: a.config.name,
      title: r.title ?? a.config.title,
      affiliation: a.config.affiliation,
      bio,
      bioText: toString2(bio).trim()
    });
  }
  const values = {
    year: fm.date.slice(0, 4),
    publisher: series.publisher,
    publisherShort: series.publisherShort,
    series: series.name,
    title: fm.title
  };
  const boiler = async (which) => {
    const override = fm[which];
    const where = override ? file : src[which].file;
    const filled = fillPlaceholders(override ?? src[which].text, values, displayPath(where));
    diagnostics.push(...filled.diagnostics);
    return fragment(filled.text, where, override ? fmLine : 0, `${which}-`);
  };
  const disclaimer = await boiler("disclaimer");
  const copyright = await boiler("copyright");
  const notes = vfile.data.notes ?? { type: "root", children: [] };
  diagnostics.push(...checkFragments([body, notes], shown));
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };
  const identifier = fm.identifier ?? `urn:uuid:${uuidV5(`${series.identifier.namespace}/${slug}`)}`;
  const brief = {
    slug,
    dir,
    file,
    title: fm.title,
    subtitle: fm.subtitle,
    authors,
    date: fm.date,
    number: fm.number,
    identifier,
    keywords: fm.keywords,
    summary: fm.summary.trim(),
    language: fm.language ?? series.language,
    series,
    body,
    notes,
    questions: vfile.data.questions ?? [],
    disclaimer,
    copyright,
    copyrightText: toString2(copyright).trim(),
    images: dedupe(images),
    sources: [file, ...src.sources, ...authors.map((a) => src.authors.get(a.id).file), ...images.map((i) => i.path)]
  };
  return { value: brief, diagnostics };
}
function dedupe(images) {
  const seen = /* @__PURE__ */ new Map();
  for (const i of images) if (!seen.has(i.hash)) seen.set(i.hash, i);
  return [...seen.values()];
}
function linePos(text, from, re) {
  const lines = text.split("\n");
  for (let i = from - 1; i < lines.length; i++) {
    const m = re.exec(lines[i]);
    if (m) return { line: i + 1, column: m.index + 1 };
  }
  return { line: from, column: 1 };
}
export {
  readBrief
};

import {
  readAsset,
  renderPage
} from "./chunk-7PENWRKU.js";
import {
  traced
} from "./chunk-PPD52WK4.js";
import {
  writeFilesAtomic
} from "./chunk-WSB4RORQ.js";
import "./chunk-ALZM65U4.js";
import "./chunk-574UC3B5.js";

// src/targets/pdf.ts
import path4 from "node:path";

// src/targets/pdf/hyphenate.ts
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
var softHyphen = "\xAD";
var require2 = createRequire(import.meta.url);
var cache = /* @__PURE__ */ new Map();
var textBlocks = /* @__PURE__ */ new Set(["p", "li", "dd", "td", "figcaption", "blockquote"]);
var skip = /* @__PURE__ */ new Set(["h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "kbd", "samp", "script", "style", "title", "svg", "math"]);
function hyphenatorFor(language) {
  const tag = language.trim().toLowerCase();
  if (cache.has(tag)) return cache.get(tag);
  let found;
  if (/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/.test(tag)) {
    const parts = tag.split("-");
    const names = [];
    for (let i = parts.length; i > 0; i--) names.push(parts.slice(0, i).join("-"));
    if (parts[0] === "en") names.splice(names.length - 1, 0, "en-us");
    const dir = packageDir();
    const name = names.find((n) => dir && existsSync(path.join(dir, n, "index.js")));
    if (name) {
      const mod = require2(`hyphen/${name}`);
      found = (text) => mod.hyphenateSync(text, { minWordLength: 6 });
    }
  }
  cache.set(tag, found);
  return found;
}
function packageDir() {
  try {
    return path.dirname(require2.resolve("hyphen/package.json"));
  } catch {
    return void 0;
  }
}
function hyphenateTree(tree, language) {
  const hyphenate = hyphenatorFor(language);
  if (!hyphenate) return tree;
  const walk = (nodes, inText) => {
    for (const node of nodes) {
      if (node.type === "text") {
        if (inText) node.value = hyphenateText(node.value, hyphenate);
      } else if (node.type === "element") {
        if (skip.has(node.tagName) || isLabel(node)) continue;
        walk(node.children, inText || textBlocks.has(node.tagName));
      }
    }
  };
  walk(tree.children, false);
  return tree;
}
function hyphenateText(text, hyphenate) {
  return text.replace(/\S+/g, (token) => {
    if (token.includes(softHyphen) || /[\d@/:]|www\./.test(token)) return token;
    return hyphenate(token);
  });
}
function isLabel(el) {
  const cls = el.properties.className;
  return Array.isArray(cls) && cls.includes("qa-label");
}

// src/targets/pdf/metadata.ts
import { createHash } from "node:crypto";
import { ParseSpeeds, PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRef, PDFString } from "pdf-lib";
function cleanText(s) {
  return s.replace(/[\u00ad\u200b-\u200d\u2060\ufeff]/g, "").replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim();
}
async function setPdfInfo(pdf, info) {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
  const date = new Date(info.epoch * 1e3);
  doc.setTitle(cleanText(info.title), { showInWindowTitleBar: true });
  doc.setAuthor(cleanText(info.author));
  doc.setSubject(cleanText(info.subject));
  doc.setKeywords(info.keywords.map(cleanText));
  doc.setCreator(cleanText(info.creator));
  doc.setProducer(cleanText(info.producer));
  doc.setCreationDate(date);
  doc.setModificationDate(date);
  if (info.outlineTitles) retitleOutline(doc, info.outlineTitles.map(cleanText));
  if (!doc.catalog.get(PDFName.of("Lang"))) doc.catalog.set(PDFName.of("Lang"), PDFString.of(info.language));
  renumberNodeIds(doc);
  const placeholder = "0".repeat(32);
  doc.context.trailerInfo.ID = doc.context.obj([PDFHexString.of(placeholder), PDFHexString.of(placeholder)]);
  const bytes = Buffer.from(await doc.save({ useObjectStreams: false, updateFieldAppearances: false, objectsPerTick: Infinity }));
  const id = Buffer.from(createHash("sha256").update(bytes).digest("hex").slice(0, 32).toUpperCase(), "latin1");
  const at = bytes.lastIndexOf(`/ID [ <${placeholder}> <${placeholder}> ]`, void 0, "latin1");
  if (at < 0) throw new Error("pdf-lib wrote the trailer ID in an unexpected form");
  id.copy(bytes, at + "/ID [ <".length);
  id.copy(bytes, at + `/ID [ <${placeholder}> <`.length);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
function renumberNodeIds(doc) {
  const root = doc.catalog.lookupMaybe(PDFName.of("StructTreeRoot"), PDFDict);
  const idTree = root?.lookupMaybe(PDFName.of("IDTree"), PDFDict);
  if (!root || !idTree) return;
  const renamed = /* @__PURE__ */ new Map();
  const elements = [];
  const seen = /* @__PURE__ */ new Set();
  const walk = (kids) => {
    const node = kids instanceof PDFRef ? doc.context.lookup(kids) : kids;
    if (node instanceof PDFArray) {
      for (let i = 0; i < node.size(); i++) walk(node.get(i));
    } else if (node instanceof PDFDict && !seen.has(node)) {
      seen.add(node);
      const id = node.get(PDFName.of("ID"));
      if ((id instanceof PDFString || id instanceof PDFHexString) && !renamed.has(id.decodeText())) {
        renamed.set(id.decodeText(), `node${String(renamed.size + 1).padStart(8, "0")}`);
        elements.push(node);
      }
      walk(node.get(PDFName.of("K")));
    }
  };
  walk(root.get(PDFName.of("K")));
  if (renamed.size === 0) return;
  const rename = (s) => s instanceof PDFString || s instanceof PDFHexString ? renamed.get(s.decodeText()) : void 0;
  for (const el of elements) el.set(PDFName.of("ID"), PDFString.of(rename(el.get(PDFName.of("ID")))));
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFDict)) continue;
    const attrs = obj.get(PDFName.of("A"));
    const list = attrs instanceof PDFArray ? attrs.asArray() : [attrs];
    for (const a of list) {
      const dict = a instanceof PDFRef ? doc.context.lookup(a) : a;
      const headers = dict instanceof PDFDict ? dict.lookupMaybe(PDFName.of("Headers"), PDFArray) : void 0;
      if (!headers) continue;
      for (let i = 0; i < headers.size(); i++) {
        const to = rename(headers.get(i));
        if (to) headers.set(i, PDFString.of(to));
      }
    }
  }
  const names = doc.context.obj([]);
  elements.forEach((el, i) => {
    names.push(PDFString.of(`node${String(i + 1).padStart(8, "0")}`));
    names.push(doc.context.getObjectRef(el) ?? el);
  });
  const drop = (ref) => {
    if (!(ref instanceof PDFRef)) return;
    const kids = doc.context.lookupMaybe(ref, PDFDict)?.lookupMaybe(PDFName.of("Kids"), PDFArray);
    kids?.asArray().forEach(drop);
    doc.context.delete(ref);
  };
  drop(root.get(PDFName.of("IDTree")));
  root.set(PDFName.of("IDTree"), doc.context.obj({ Names: names }));
}
function outlineItems(doc) {
  const items = [];
  const walk = (first) => {
    for (let item = first; item; item = item.lookupMaybe(PDFName.of("Next"), PDFDict)) {
      items.push(item);
      walk(item.lookupMaybe(PDFName.of("First"), PDFDict));
    }
  };
  walk(doc.catalog.lookupMaybe(PDFName.of("Outlines"), PDFDict)?.lookupMaybe(PDFName.of("First"), PDFDict));
  return items;
}
function retitleOutline(doc, titles) {
  const items = outlineItems(doc);
  if (items.length !== titles.length) return;
  items.forEach((item, i) => item.set(PDFName.of("Title"), PDFHexString.fromText(titles[i])));
}

// src/targets/pdf/previews.ts
import { readFileSync } from "node:fs";
import { createRequire as createRequire2 } from "node:module";
import path3 from "node:path";

// src/targets/pdf/print.ts
import { createHash as createHash2 } from "node:crypto";
import { realpathSync, statSync } from "node:fs";
import path2 from "node:path";
var printOrigin = "https://briefpress.invalid";
var defaultPdfOptions = {
  format: "letter",
  printBackground: true,
  outline: true,
  tagged: true,
  preferCSSPageSize: true,
  displayHeaderFooter: false
};
function answersFor(page, opts) {
  const base = `${printOrigin}/${encodeURIComponent(opts.slug)}/`;
  const roots = opts.allowedRoots.map((r) => safeRealpath(r)).filter((r) => Boolean(r));
  const answers = /* @__PURE__ */ new Map();
  const rejected = [];
  answers.set(`${base}index.html`, () => ({ body: page.html, contentType: "text/html; charset=utf-8" }));
  for (const asset of page.assets) {
    const why = vetAsset(asset, roots);
    if (why) {
      rejected.push({ href: asset.href, reason: why });
      continue;
    }
    const url = new URL(asset.href, base).href;
    answers.set(url, () => ({ body: asset.data ?? readAsset(asset.path, asset.mediaType), contentType: contentTypeOf(asset) }));
  }
  return { answers, rejected };
}
function vetAsset(asset, roots) {
  const href = asset.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("/") || href.includes("\\")) return "not a relative path";
  if (href.split("/").some((seg) => seg === ".." || seg === "." || seg === "")) return "path escapes the page folder";
  if (asset.data !== void 0) return void 0;
  if (!asset.path) return "no bytes";
  const real = safeRealpath(asset.path);
  if (!real) return "file not found";
  if (!statSync(real).isFile()) return "not a file";
  if (!roots.some((r) => real === r || real.startsWith(r + path2.sep))) return "file outside the allowed folders";
  return void 0;
}
function safeRealpath(p) {
  try {
    return realpathSync(p);
  } catch {
    return void 0;
  }
}
function contentTypeOf(a) {
  return a.mediaType.startsWith("text/") ? `${a.mediaType}; charset=utf-8` : a.mediaType;
}
var Printer = class _Printer {
  constructor(page) {
    this.page = page;
  }
  page;
  current;
  /** What the page shows: its folder URL, and the key of its style sheets and fonts. */
  shown;
  static async open(browser) {
    const page = await browser.newPage();
    const printer = new _Printer(page);
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    await page.setCacheEnabled(false);
    await page.emulateMediaType("print");
    page.on("request", (req) => printer.answer(req));
    return printer;
  }
  lookup(url) {
    const current = this.current;
    if (!current) return void 0;
    const found = current.answers.get(url);
    if (found) return found;
    const shown = this.shown;
    return shown && url.startsWith(shown.base) ? shown.styles.get(url.slice(shown.base.length)) : void 0;
  }
  answer(req) {
    const url = req.url();
    if (url.startsWith("data:") || url === "about:blank") {
      void req.continue().catch(() => {
      });
      return;
    }
    const answer = req.method() === "GET" ? this.lookup(url.split("#")[0]) : void 0;
    if (!answer) {
      this.current?.log.blocked.push({ url, reason: "not a file of the page" });
      void req.abort("blockedbyclient").catch(() => {
      });
      return;
    }
    this.current.log.served.push(url);
    const { body, contentType } = answer();
    void req.respond({ status: 200, contentType, body: typeof body === "string" ? body : Buffer.from(body), headers: { "cache-control": "no-store" } }).catch(() => {
    });
  }
  /** Load `rendered` from the made-up origin (or swap it into the page shown) and print it. */
  async print(rendered, opts) {
    const page = this.page;
    const { answers, rejected } = answersFor(rendered, opts);
    const log = { served: [], blocked: rejected.map((r) => ({ url: r.href, reason: `asset refused: ${r.reason}` })) };
    const base = `${printOrigin}/${encodeURIComponent(opts.slug)}/`;
    const styles = /* @__PURE__ */ new Map();
    for (const a of rendered.assets) {
      const answer = answers.get(new URL(a.href, base).href);
      if (answer && (a.mediaType === "text/css" || a.mediaType.startsWith("font/"))) styles.set(a.href, answer);
    }
    const styleKey = keyOf(styles);
    this.current = { answers, log };
    try {
      const swappable = this.shown?.styleKey === styleKey;
      const swapped = swappable && await traced("print.swap", () => this.swap(rendered.html, `${base}index.html`));
      if (!swapped) {
        this.shown = void 0;
        await traced("print.goto", () => page.goto(`${base}index.html`, { waitUntil: "load", timeout: 6e4 }));
        this.shown = { base, styleKey, styles };
      }
      const { fontsLoaded, headings } = await traced(
        "print.fonts",
        () => page.evaluate(async () => {
          await Promise.allSettled(Array.from(document.images).map((i) => i.decode()));
          await document.fonts.ready;
          const faces = Array.from(document.fonts);
          return {
            fontsLoaded: faces.filter((f) => f.status === "loaded").map((f) => `${f.family.replace(/["']/g, "")} ${f.weight} ${f.style}`),
            headings: Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6")).filter((h) => h.offsetParent !== null || getComputedStyle(h).position === "fixed").map((h) => (h.textContent ?? "").replace(/\u00ad/g, "").replace(/\s+/g, " ").trim())
          };
        })
      );
      const pdf = await traced("print.pdf", () => page.pdf({ ...defaultPdfOptions, ...opts.pdf, timeout: 12e4 }));
      return { pdf, fontsLoaded, headings, how: swapped ? "swapped" : "loaded", ...log };
    } catch (e) {
      this.shown = void 0;
      throw e;
    } finally {
      this.current = void 0;
    }
  }
  /**
   * Swap `html` into the page shown, without navigating. False (nothing changed) when its head
   * differs in more than plain elements: another count of elements, or another style sheet link.
   */
  swap(html, url) {
    return this.page.evaluate(
      (html2, url2) => {
        const next = new DOMParser().parseFromString(html2, "text/html");
        const oldHead = Array.from(document.head.children);
        const newHead = Array.from(next.head.children);
        if (oldHead.length !== newHead.length) return false;
        for (let i = 0; i < oldHead.length * 2; i++) {
          const el = i < oldHead.length ? oldHead[i] : newHead[i - oldHead.length];
          const loads = el.localName === "link" || el.localName === "base" || el.localName === "style" && /@import|@font-face|url\(/i.test(el.textContent ?? "");
          const j = i % oldHead.length;
          if (loads && oldHead[j].outerHTML !== newHead[j].outerHTML) return false;
        }
        history.replaceState(null, "", url2);
        const root = document.documentElement;
        for (const attr of Array.from(root.attributes)) root.removeAttribute(attr.name);
        for (const attr of Array.from(next.documentElement.attributes)) root.setAttribute(attr.name, attr.value);
        oldHead.forEach((a, i) => {
          const b = newHead[i];
          if (a.outerHTML !== b.outerHTML) a.replaceWith(document.importNode(b, true));
        });
        document.body.replaceWith(document.importNode(next.body, true));
        return true;
      },
      html,
      url
    );
  }
  close() {
    return this.page.close();
  }
};
function keyOf(styles) {
  const h = createHash2("sha256");
  for (const [href, answer] of [...styles].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)) {
    h.update(`${href}\0`);
    h.update(answer().body);
    h.update("\0");
  }
  return h.digest("hex");
}
function printWith(pool, rendered, opts) {
  return pool.lender("printer", Printer.open, (p) => p.close()).use((printer) => printer.print(rendered, opts));
}

// src/targets/pdf/previews.ts
var require3 = createRequire2(import.meta.url);
function pdfjsFile(name) {
  return path3.join(path3.dirname(require3.resolve("pdfjs-dist/package.json")), "build", name);
}
var shell = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>previews</title></head><body>
<script type="module">
import * as pdfjs from './pdf.mjs';
pdfjs.GlobalWorkerOptions.workerSrc = './pdf.worker.mjs';
// One worker for every PDF: starting a worker means parsing pdf.js' 1 MB worker script again.
const worker = new pdfjs.PDFWorker();
window.renderPreviews = async (width, base64) => {
  const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const doc = await pdfjs.getDocument({ data, worker, isEvalSupported: false, enableXfa: false, disableFontFace: false, useSystemFonts: false }).promise;
  const out = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const base = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: width / base.width });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(viewport.width);
    canvas.height = Math.round(viewport.height);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    // intent 'print': pdf.js then draws in one go instead of across animation frames, which a
    // background tab never gets (the previewer is never the front tab).
    await page.render({ canvasContext: ctx, viewport, intent: 'print', annotationMode: pdfjs.AnnotationMode.DISABLE }).promise;
    out.push(canvas.toDataURL('image/png').split(',')[1]);
    page.cleanup();
  }
  await doc.destroy();
  return out;
};
document.title = 'ready';
</script></body></html>`;
function previewers(pool) {
  return pool.lender("previewer", openPreviewer, (p) => p.close());
}
async function openPreviewer(browser) {
  const page = await browser.newPage();
  const base = `${printOrigin}/.previews/`;
  const files = /* @__PURE__ */ new Map([
    [`${base}index.html`, () => ({ body: shell, contentType: "text/html; charset=utf-8" })],
    [`${base}pdf.mjs`, () => ({ body: readFileSync(pdfjsFile("pdf.min.mjs")), contentType: "text/javascript" })],
    [`${base}pdf.worker.mjs`, () => ({ body: readFileSync(pdfjsFile("pdf.worker.min.mjs")), contentType: "text/javascript" })]
  ]);
  await page.setRequestInterception(true);
  page.on("request", (req) => {
    const url = req.url();
    const file = files.get(url);
    if (file) void req.respond({ status: 200, ...file() }).catch(() => {
    });
    else if (url.startsWith("data:") || url.startsWith("blob:")) void req.continue().catch(() => {
    });
    else void req.abort("blockedbyclient").catch(() => {
    });
  });
  await page.goto(`${base}index.html`, { waitUntil: "load", timeout: 6e4 });
  await page.waitForFunction(() => document.title === "ready", { timeout: 6e4, polling: 25 });
  return page;
}
function warmPreviews(pool) {
  if (warmed.has(pool)) return;
  warmed.add(pool);
  previewers(pool).use(async () => void 0).catch(() => void 0);
}
var warmed = /* @__PURE__ */ new WeakSet();
async function renderPreviews(pool, pdf, opts = {}) {
  const pngs = await previewers(pool).use(
    (page) => traced(
      "previews.draw",
      () => page.evaluate(
        (w, b64) => window.renderPreviews(w, b64),
        opts.width ?? 340,
        Buffer.from(pdf).toString("base64")
      )
    )
  );
  return pngs.map((b64) => new Uint8Array(Buffer.from(b64, "base64")));
}

// src/targets/pdf.ts
var observers = /* @__PURE__ */ new Set();
function observePrints(fn) {
  observers.add(fn);
  return () => observers.delete(fn);
}
function allowedRoots(brief, theme) {
  const fontPackages = new Set(theme.fonts.map((f) => path4.dirname(path4.dirname(f.path))));
  return [...theme.dirs, ...fontPackages, brief.series.root];
}
var pdfTarget = {
  name: "pdf",
  usesBrowser: true,
  async build(brief, ctx) {
    const pool = await ctx.browser();
    warmPreviews(pool);
    const rendered = await traced("pdf.render-html", async () => renderPage(brief, {
      variant: "print",
      theme: ctx.theme,
      version: ctx.version,
      transform: (tree, b) => hyphenateTree(tree, b.language)
    }));
    const printed = await traced("pdf.print", () => printWith(pool, rendered, { slug: brief.slug, allowedRoots: allowedRoots(brief, ctx.theme) }), brief.slug);
    const pdf = await traced("pdf.info", () => setPdfInfo(printed.pdf, {
      title: brief.subtitle ? `${brief.title}: ${brief.subtitle}` : brief.title,
      author: brief.authors.map((a) => a.name).join(", "),
      subject: brief.summary,
      keywords: brief.keywords,
      creator: `briefpress ${ctx.version}`,
      producer: `briefpress ${ctx.version} (Chromium, pdf-lib)`,
      epoch: ctx.epoch(brief),
      language: brief.language,
      outlineTitles: printed.headings
    }));
    const previews = await traced("pdf.previews", () => renderPreviews(pool, pdf), brief.slug);
    for (const fn of observers) fn({ slug: brief.slug, pages: previews.length, how: printed.how, served: printed.served, blocked: printed.blocked });
    const dir = path4.join(ctx.outDir, brief.slug);
    return writeFilesAtomic([
      ...previews.map((png, i) => ({ path: path4.join(dir, "pages", `page-${i + 1}.png`), data: png })),
      { path: path4.join(dir, `${brief.slug}.pdf`), data: pdf }
    ]);
  }
};
export {
  Printer,
  allowedRoots,
  hyphenateTree,
  observePrints,
  pdfTarget,
  printOrigin,
  printWith
};

import {
  formatDate,
  readCached
} from "./chunk-7PENWRKU.js";
import {
  traced
} from "./chunk-PPD52WK4.js";
import {
  renderTemplate,
  writeFilesAtomic
} from "./chunk-WSB4RORQ.js";
import {
  fontFaceCss,
  fontsFor
} from "./chunk-ALZM65U4.js";
import {
  displayPath
} from "./chunk-AYK4DGU7.js";
import {
  BriefpressError
} from "./chunk-574UC3B5.js";

// src/targets/epub.ts
import path from "node:path";

// src/targets/epub/book.ts
import { readFileSync } from "node:fs";
import { toString as toString2 } from "hast-util-to-string";

// src/targets/epub/labels.ts
import { parse as parseYaml } from "yaml";
import { z } from "zod";
var labelSchema = z.object({
  contents: z.string(),
  landmarks: z.string(),
  cover: z.string(),
  coverAlt: z.string(),
  notes: z.string(),
  aboutOne: z.string(),
  aboutMany: z.string(),
  colophon: z.string(),
  backlink: z.string(),
  number: z.string(),
  and: z.string()
});
function labelsFor(theme, language) {
  const text = theme.read("epub/labels.yaml");
  const all = z.record(z.string(), labelSchema).parse(parseYaml(text));
  const tags = [language.toLowerCase(), language.toLowerCase().split("-")[0]];
  for (const tag of tags) {
    const hit = Object.entries(all).find(([k]) => k.toLowerCase() === tag);
    if (hit) return { ...hit[1], lang: language };
  }
  if (!all.en) throw new Error(`${theme.path("epub/labels.yaml")}: no \`en\` labels`);
  return { ...all.en, lang: "en" };
}
function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (m, k) => k in values ? String(values[k]) : m);
}

// src/targets/cover.ts
var cssWidth = 800;
var cssHeight = 1200;
var scale = 2;
var made = /* @__PURE__ */ new WeakMap();
function coverFor(brief, ctx) {
  let byBrief = made.get(ctx);
  if (!byBrief) made.set(ctx, byBrief = /* @__PURE__ */ new Map());
  let cover = byBrief.get(brief.slug);
  if (!cover) {
    cover = ctx.browser().then((pool) => traced("cover", () => renderCover(brief, ctx.theme, pool), brief.slug));
    byBrief.set(brief.slug, cover);
  }
  return cover;
}
function coverHtml(brief, theme) {
  const names = brief.authors.map((a) => a.name);
  const title = brief.title;
  const text = [brief.series.name, brief.series.publisher, brief.series.publisherShort, title, brief.subtitle ?? "", ...names, formatDate(brief.date, brief.language), "0123456789. "].join(" ");
  const fonts = fontsFor(theme, text).map((f) => ({ ...f, href: `data:font/woff2;base64,${readCached(f.path).toString("base64")}` }));
  return renderTemplate(
    theme.read("cover.html"),
    {
      language: brief.language,
      fontCss: fontFaceCss(fonts),
      width: cssWidth,
      height: cssHeight,
      series: brief.series.name,
      number: brief.number === void 0 ? void 0 : `${labelsFor(theme, brief.language).number} ${brief.number}`,
      title,
      titleSize: title.length <= 34 ? "xl" : title.length <= 70 ? "l" : "m",
      subtitle: brief.subtitle,
      authors: names.map((name) => ({ name })),
      dateLong: formatDate(brief.date, brief.language),
      publisher: brief.series.publisher,
      publisherShort: brief.series.publisherShort
    },
    "cover.html"
  );
}
var coverPages = /* @__PURE__ */ new WeakMap();
function coverPage(pool) {
  let page = coverPages.get(pool);
  if (!page) {
    page = (async () => {
      const p = await pool.browser.newPage();
      await p.setJavaScriptEnabled(false);
      await p.setRequestInterception(true);
      p.on("request", (req) => {
        const url = req.url();
        if (url.startsWith("data:") || url === "about:blank") void req.continue().catch(() => {
        });
        else void req.abort("blockedbyclient").catch(() => {
        });
      });
      await p.setViewport({ width: cssWidth, height: cssHeight, deviceScaleFactor: scale });
      return { page: p };
    })();
    coverPages.set(pool, page);
  }
  return page;
}
async function show(cover, html2) {
  const at = html2.search(/<body[\s>]/i);
  const end = html2.search(/<\/html>\s*$/i);
  const head = at < 0 ? void 0 : html2.slice(0, at);
  if (head !== void 0 && head === cover.head) {
    const body = html2.slice(at, end < 0 ? void 0 : end);
    await cover.page.evaluate((b) => {
      const parsed = new DOMParser().parseFromString(`<!DOCTYPE html><html>${b}</html>`, "text/html");
      document.body.replaceWith(document.importNode(parsed.body, true));
    }, body);
  } else {
    cover.head = void 0;
    await cover.page.setContent(html2, { waitUntil: "load", timeout: 3e4 });
    cover.head = head;
  }
}
async function renderCover(brief, theme, pool) {
  const html2 = coverHtml(brief, theme);
  const cover = await coverPage(pool);
  const page = cover.page;
  return pool.inFront(page, async () => {
    await show(cover, html2);
    await page.evaluate(() => document.fonts.ready.then(() => void 0));
    const data = Buffer.from(await page.screenshot({ type: "png", clip: { x: 0, y: 0, width: cssWidth, height: cssHeight }, captureBeyondViewport: false }));
    return { data, mediaType: "image/png", ext: "png", width: cssWidth * scale, height: cssHeight * scale };
  });
}

// src/targets/epub/documents.ts
import { toString } from "hast-util-to-string";
import { visit } from "unist-util-visit";

// src/targets/epub/xhtml.ts
import { find, html, svg } from "property-information";
var voidElements = /* @__PURE__ */ new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);
function toXhtml(node, inSvg = false) {
  switch (node.type) {
    case "root":
      return node.children.map((c) => toXhtml(c, inSvg)).join("");
    case "text":
      return escapeText(node.value);
    case "element":
      return element(node, inSvg);
    default:
      return "";
  }
}
function element(node, parentSvg) {
  const isSvg = parentSvg || node.tagName === "svg";
  const schema = isSvg ? svg : html;
  let attrs = "";
  if (node.tagName === "svg" && !parentSvg) attrs += ' xmlns="http://www.w3.org/2000/svg"';
  for (const [key, value] of Object.entries(node.properties ?? {})) {
    if (value === null || value === void 0 || value === false) continue;
    const info = find(schema, key);
    let text;
    if (value === true) text = info.boolean || info.overloadedBoolean ? info.attribute : "";
    else if (Array.isArray(value)) text = value.map(String).join(info.commaSeparated ? ", " : " ");
    else text = String(value);
    attrs += ` ${info.attribute}="${escapeAttribute(text)}"`;
  }
  const children = node.tagName === "template" ? [] : node.children;
  if (children.length === 0 && (voidElements.has(node.tagName) || isSvg)) return `<${node.tagName}${attrs}/>`;
  return `<${node.tagName}${attrs}>${children.map((c) => toXhtml(c, isSvg)).join("")}</${node.tagName}>`;
}
function escapeText(s) {
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
function escapeAttribute(s) {
  return escapeText(s).replace(/"/g, "&quot;");
}

// src/targets/epub/documents.ts
var files = {
  cover: "cover.xhtml",
  brief: "brief.xhtml",
  notes: "notes.xhtml",
  about: "about.xhtml",
  colophon: "colophon.xhtml"
};
var templateIds = {
  cover: [],
  brief: ["brief-title"],
  notes: ["notes-title"],
  about: ["about-title"],
  colophon: ["colophon-title"]
};
function layoutDocuments(brief, labels, coverHref) {
  const body = structuredClone(brief.body);
  const notes = structuredClone(brief.notes);
  const bios = brief.authors.map((a) => structuredClone(a.bio));
  const disclaimer = structuredClone(brief.disclaimer);
  const copyright = structuredClone(brief.copyright);
  const hasNotes = notes.children.length > 0;
  const trees = [
    { part: "brief", tree: body, positioned: true },
    ...hasNotes ? [{ part: "notes", tree: notes, positioned: false }] : [],
    ...bios.map((tree) => ({ part: "about", tree, positioned: false })),
    { part: "colophon", tree: disclaimer, positioned: false },
    { part: "colophon", tree: copyright, positioned: false }
  ];
  markEndnotes(notes, labels);
  const where = /* @__PURE__ */ new Map();
  for (const [part, ids] of Object.entries(templateIds)) for (const id of ids) where.set(id, part);
  for (const { part, tree } of trees) {
    visit(tree, "element", (node) => {
      const id = node.properties.id;
      if (typeof id === "string" && !where.has(id)) where.set(id, part);
    });
  }
  const diagnostics = [];
  const counts = { images: 0, tables: 0, notes: 0 };
  for (const { part, tree, positioned } of trees) {
    fixTree(tree, part, where, (node, message, hint) => {
      const pos = positioned ? node.position?.start : void 0;
      diagnostics.push({ file: displayPath(brief.file), line: pos?.line ?? 0, column: pos?.column ?? 0, severity: "error", message, ruleId: "link-fragment", hint });
    }, counts);
  }
  if (diagnostics.length > 0) throw new BriefpressError(diagnostics);
  counts.notes = notes.children.reduce((n2, c) => n2 + (c.type === "element" ? c.children.filter((li) => li.type === "element" && li.tagName === "li").length : 0), 0);
  const n = brief.authors.length;
  const names = brief.authors.map((a) => a.name);
  const byline = n <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} ${labels.and} ${names[n - 1]}`;
  const fullTitle = brief.subtitle ? `${brief.title}: ${brief.subtitle}` : brief.title;
  const labelLang = labels.lang === brief.language ? void 0 : labels.lang;
  const documents = [
    {
      part: "cover",
      file: files.cover,
      id: "cover",
      title: labels.cover,
      epubType: "cover",
      view: { src: coverHref, alt: fill(labels.coverAlt, { title: fullTitle, authors: byline }), labelLang }
    },
    {
      part: "brief",
      file: files.brief,
      id: "brief",
      title: brief.title,
      epubType: "bodymatter",
      view: {
        series: brief.series.name,
        number: brief.number === void 0 ? void 0 : `${labels.number} ${brief.number}`,
        heading: brief.title,
        subtitle: brief.subtitle,
        byline,
        date: brief.date,
        dateLong: formatDate(brief.date, brief.language),
        summary: brief.summary,
        body: toXhtml(body)
      }
    }
  ];
  if (hasNotes) {
    documents.push({ part: "notes", file: files.notes, id: "notes", title: labels.notes, epubType: "backmatter", view: { heading: labels.notes, labelLang, notes: toXhtml(notes) } });
  }
  const about = n > 1 ? labels.aboutMany : labels.aboutOne;
  documents.push({
    part: "about",
    file: files.about,
    id: "about",
    title: about,
    epubType: "backmatter",
    view: { heading: about, labelLang, authors: brief.authors.map((a, i) => ({ name: a.name, title: a.title, bio: toXhtml(bios[i]) })) }
  });
  documents.push({
    part: "colophon",
    file: files.colophon,
    id: "colophon",
    title: labels.colophon,
    epubType: "backmatter",
    view: { heading: labels.colophon, labelLang, disclaimer: toXhtml(disclaimer), copyright: toXhtml(copyright), identifier: brief.identifier }
  });
  return { documents, counts };
}
function markEndnotes(notes, labels) {
  for (const list of notes.children) {
    if (list.type !== "element") continue;
    let n = 0;
    for (const li of list.children) {
      if (li.type !== "element" || li.tagName !== "li") continue;
      n++;
      li.properties["epub:type"] = "endnote";
      visit(li, "element", (a) => {
        if (a.tagName === "a" && "dataFootnoteBackref" in a.properties) {
          a.properties.role = "doc-backlink";
          a.properties.ariaLabel = fill(labels.backlink, { n });
        }
      });
    }
  }
}
function fixTree(tree, part, where, report, counts) {
  const localIds = /* @__PURE__ */ new Set();
  visit(tree, "element", (node) => {
    if (typeof node.properties.id === "string") localIds.add(node.properties.id);
  });
  visit(tree, "element", (node, _i, parent) => {
    const p = node.properties;
    if (node.tagName === "img") counts.images++;
    if (node.tagName === "table") counts.tables++;
    if (node.tagName === "a" && typeof p.href === "string") {
      const href = p.href;
      if (href.startsWith("#")) {
        let id = href.slice(1);
        try {
          id = decodeURIComponent(id);
        } catch {
        }
        const target = where.get(id);
        if (!target) {
          report(node, `Link to \`${href.slice(0, 60)}\` points to nothing in the brief`, "Link to a heading or note that exists, or remove the link.");
        } else if (target !== part) {
          p.href = `${files[target]}#${encodeURIComponent(id)}`;
        }
        if ("dataFootnoteRef" in p) {
          p["epub:type"] = "noteref";
          p.role = "doc-noteref";
        }
      } else if (!/^(https?:|mailto:)/i.test(href)) {
        delete p.href;
      }
    }
    for (const key of ["ariaDescribedBy", "ariaLabelledBy"]) {
      const v = p[key];
      if (v === void 0) continue;
      const kept = (Array.isArray(v) ? v.map(String) : String(v).split(/\s+/)).filter((id) => localIds.has(id) || templateIds[part].includes(id));
      if (kept.length > 0) p[key] = kept;
      else delete p[key];
    }
    if ((node.tagName === "td" || node.tagName === "th") && typeof p.align === "string") {
      p.style = `text-align: ${p.align};${p.style ? ` ${String(p.style)}` : ""}`;
      delete p.align;
    }
    if (node.tagName === "input" && p.type === "checkbox" && parent?.type === "element") {
      p.ariaLabel = toString(parent).trim() || void 0;
    }
  });
}

// src/targets/epub/metadata.ts
function describeBook(brief, labels, files2, counts, epoch, generator) {
  const hasImages = counts.images > 0;
  const features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"];
  if (hasImages) features.push("alternativeText");
  if (counts.notes > 0) features.push("annotations");
  const docs = files2.documents;
  const doc = (part) => docs.find((d) => d.part === part);
  const briefDoc = doc("brief");
  const manifest = [
    { id: "nav", href: files2.navFile, mediaType: "application/xhtml+xml", properties: "nav" },
    { id: "ncx", href: files2.ncxFile, mediaType: "application/x-dtbncx+xml" },
    { id: "css", href: files2.cssFile, mediaType: "text/css" },
    { id: "cover-image", href: files2.cover.href, mediaType: files2.cover.mediaType, properties: "cover-image" },
    ...docs.map((d) => ({ id: d.id, href: d.file, mediaType: "application/xhtml+xml", properties: d.view.hasSvg ? "svg" : void 0 })),
    ...files2.images.map((img, i) => ({ id: `img-${String(i + 1).padStart(3, "0")}`, href: img.href, mediaType: img.mediaType })),
    ...files2.fonts.map((f, i) => ({ id: `font-${String(i + 1).padStart(3, "0")}`, href: f.href, mediaType: "font/woff2" }))
  ];
  const spine = [
    { idref: "cover", linear: true },
    { idref: "nav", linear: true },
    ...docs.filter((d) => d.part !== "cover").map((d) => ({ idref: d.id, linear: true }))
  ];
  let order = 0;
  const entry = (href, label, children = []) => ({ href, label, children, playOrder: 0, navId: "" });
  const toc = [
    entry(
      briefDoc.file,
      brief.title,
      brief.questions.map((q) => entry(`${briefDoc.file}#${q.id}`, `Q${q.number}. ${q.text}`))
    ),
    ...docs.filter((d) => d.part !== "cover" && d.part !== "brief").map((d) => entry(d.file, d.title))
  ];
  const number = (list) => {
    for (const e of list) {
      e.playOrder = ++order;
      e.navId = `navpoint-${e.playOrder}`;
      number(e.children);
    }
  };
  number(toc);
  const backStart = docs.find((d) => d.epubType === "backmatter");
  const landmarks = [
    { type: "cover", href: doc("cover").file, label: labels.cover },
    { type: "toc", href: `${files2.navFile}#toc`, label: labels.contents },
    { type: "bodymatter", href: briefDoc.file, label: brief.title },
    ...doc("notes") ? [{ type: "endnotes", href: doc("notes").file, label: labels.notes }] : [],
    ...backStart ? [{ type: "backmatter", href: backStart.file, label: backStart.title }] : []
  ];
  return {
    lang: brief.language,
    dir: /^(ar|he|fa|ur|ps|yi|dv)(-|$)/i.test(brief.language) ? "rtl" : "ltr",
    identifier: brief.identifier,
    title: brief.title,
    subtitle: brief.subtitle,
    creators: brief.authors.map((a, i) => ({ id: `creator-${i + 1}`, name: a.name, role: "aut", seq: i + 1 })),
    publisher: brief.series.publisher,
    date: brief.date,
    modified: new Date(epoch * 1e3).toISOString().replace(/\.\d{3}Z$/, "Z"),
    subjects: brief.keywords,
    description: brief.summary,
    rights: brief.copyrightText,
    series: {
      name: brief.series.name,
      position: brief.number,
      issn: brief.series.identifier.scheme === "issn" ? brief.series.identifier.issn : void 0
    },
    a11y: {
      accessModes: hasImages ? ["textual", "visual"] : ["textual"],
      // Every image has alt text (the pipeline requires it), so text alone always suffices.
      accessModeSufficient: hasImages ? ["textual", "textual,visual"] : ["textual"],
      features,
      hazards: ["none"],
      summary: accessibilitySummary(counts, brief.questions.length),
      summaryLang: brief.language.toLowerCase().startsWith("en") ? void 0 : "en",
      conformsTo: "EPUB Accessibility 1.1 - WCAG 2.2 Level AA",
      certifiedBy: brief.series.publisher
    },
    generator,
    manifest,
    spine,
    toc,
    tocDepth: toc.some((e) => e.children.length > 0) ? 2 : 1,
    landmarks,
    labels,
    labelLang: labels.lang === brief.language ? void 0 : labels.lang,
    navFile: files2.navFile
  };
}
function accessibilitySummary(counts, questions) {
  const parts = [
    "This publication meets EPUB Accessibility 1.1 and WCAG 2.2 Level AA.",
    "A table of contents and landmarks lead to each part" + (questions > 0 ? `, and each of its ${questions} questions is a heading in the table of contents` : "") + ".",
    "The reading order follows the text; the publisher\u2019s fonts are embedded and the text can be restyled and enlarged."
  ];
  if (counts.images > 0) parts.push(`${counts.images === 1 ? "The one image has" : `All ${counts.images} images have`} a text description.`);
  if (counts.tables > 0) parts.push(`${counts.tables === 1 ? "The table has" : "Tables have"} header cells.`);
  if (counts.notes > 0) parts.push(`${counts.notes} endnote${counts.notes === 1 ? " is" : "s are"} linked from the text and back.`);
  parts.push("Nothing depends on colour, sound or motion, and nothing flashes.");
  return parts.join(" ");
}

// src/targets/epub/package.ts
import { EPub } from "epub-gen-memory";

// src/util/zip.ts
import { promisify } from "node:util";
import { crc32, deflateRaw } from "node:zlib";
var deflate = promisify(deflateRaw);
function dosDateTime(date) {
  const year = Math.min(Math.max(date.getUTCFullYear(), 1980), 2107);
  return {
    time: date.getUTCHours() << 11 | date.getUTCMinutes() << 5 | Math.floor(date.getUTCSeconds() / 2),
    date: year - 1980 << 9 | date.getUTCMonth() + 1 << 5 | date.getUTCDate()
  };
}
async function makeZip(entries, date) {
  const when = dosDateTime(date);
  const bodies = await Promise.all(
    entries.map(async (e) => {
      const store = e.store || e.name.endsWith("/") || e.data.byteLength === 0;
      return { store, body: store ? e.data : new Uint8Array(await deflate(e.data, { level: 9 })) };
    })
  );
  const chunks = [];
  const central = [];
  let offset = 0;
  entries.forEach((e, i) => {
    const { store, body } = bodies[i];
    const name = Buffer.from(e.name, "utf8");
    const utf8 = /[^\x20-\x7e]/.test(e.name) ? 2048 : 0;
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(67324752, 0);
    local.writeUInt16LE(store ? 10 : 20, 4);
    local.writeUInt16LE(utf8, 6);
    local.writeUInt16LE(store ? 0 : 8, 8);
    local.writeUInt16LE(when.time, 10);
    local.writeUInt16LE(when.date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.byteLength, 18);
    local.writeUInt32LE(e.data.byteLength, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(33639248, 0);
    dir.writeUInt16LE(20, 4);
    local.copy(dir, 6, 4, 28);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(e.name.endsWith("/") ? 16 : 0, 38);
    dir.writeUInt32LE(offset, 42);
    chunks.push(local, name, body);
    central.push(dir, name);
    offset += local.length + name.length + body.byteLength;
  });
  const size = central.reduce((n, c) => n + c.byteLength, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(101010256, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, ...central, end]);
}

// src/targets/epub/package.ts
var BriefEpub = class extends EPub {
  input;
  constructor(input) {
    super(input.options, input.chapters);
    this.input = input;
    this.uuid = input.identifier;
    this.images = [];
    this.cover = void 0;
  }
  async downloadAllFonts() {
    this.addFiles();
  }
  async downloadAllImages() {
  }
  async makeCover() {
    this.zip.file(`OEBPS/${this.input.cover.href}`, this.input.cover.data, stored(this.input.cover.href));
  }
  addFiles() {
    for (const f of this.input.files) this.zip.file(`OEBPS/${f.href}`, f.data, stored(f.href));
  }
  /**
   * The zip is ours (src/util/zip.ts), not JSZip's: native DEFLATE off the main thread instead of
   * pako at level 9 on it, and the build's date in every entry. The library's entries, in its
   * order (mimetype first, stored).
   */
  async genEpub() {
    await this.render();
    const entries = [];
    for (const [name, entry] of Object.entries(this.zip.files)) {
      const store = entry.options.compression === "STORE";
      entries.push({ name, store, data: entry.dir ? new Uint8Array() : await entry.async("uint8array") });
    }
    return makeZip(entries, this.input.date);
  }
};
function stored(href) {
  return /\.(woff2?|png|jpe?g|gif|webp)$/i.test(href) ? { compression: "STORE" } : void 0;
}
async function packageEpub(input) {
  return new BriefEpub(input).genEpub();
}

// src/targets/epub/book.ts
var zipEpoch = Date.UTC(1980, 0, 1, 12) / 1e3;
async function makeEpub(brief, ctx) {
  const { theme } = ctx;
  const labels = labelsFor(theme, brief.language);
  const cover = await coverFor(brief, ctx);
  const coverHref = `cover.${cover.ext}`;
  const { documents, counts } = layoutDocuments(brief, labels, coverHref);
  const text = [
    brief.title,
    brief.subtitle ?? "",
    brief.summary,
    brief.series.name,
    toString2(brief.body),
    toString2(brief.notes),
    ...brief.authors.map((a) => `${a.name} ${a.bioText}`),
    toString2(brief.disclaimer),
    brief.copyrightText,
    brief.identifier,
    ...Object.values(labels),
    ...documents.map((d) => JSON.stringify(d.view))
  ].join(" ");
  const fonts = fontsFor(theme, text);
  const images = brief.images.map((img) => ({ href: img.href, data: readFileSync(img.path) }));
  const fontFiles = fonts.map((f) => ({ href: f.href, data: readCached(f.path) }));
  const epoch = ctx.epoch(brief);
  const book = describeBook(
    brief,
    labels,
    {
      documents,
      cover: { href: coverHref, mediaType: cover.mediaType },
      images: brief.images.map((i) => ({ href: i.href, mediaType: i.mediaType })),
      fonts: fonts.map((f) => ({ href: f.href })),
      navFile: "toc.xhtml",
      ncxFile: "toc.ncx",
      cssFile: "style.css"
    },
    counts,
    epoch,
    `briefpress ${ctx.version}`
  );
  const template = (name) => theme.read(`epub/${name}`);
  const data = await packageEpub({
    options: {
      title: brief.title,
      author: brief.authors.map((a) => a.name),
      publisher: brief.series.publisher,
      description: brief.summary,
      date: `${brief.date}T00:00:00Z`,
      lang: brief.language,
      tocTitle: labels.contents,
      prependChapterTitles: false,
      numberChaptersInTOC: false,
      // The theme's CSS first: @font-face rules may follow other rules, an @import or @namespace may not.
      css: `${theme.read("epub.css")}
${fontFaceCss(fonts)}`,
      contentOPF: template("content.opf.ejs"),
      tocXHTML: template("toc.xhtml.ejs"),
      tocNCX: template("toc.ncx.ejs"),
      chapterXHTML: template("chapter.xhtml.ejs"),
      fonts: [],
      verbose: false,
      book
    },
    chapters: documents.map((doc) => ({
      title: doc.title,
      filename: doc.file,
      // The library would pass `content` through its attribute allowlist and fetch its images:
      // our XHTML reaches the template as `doc.view` instead.
      content: "",
      excludeFromToc: doc.part === "cover",
      beforeToc: doc.part === "cover",
      lang: brief.language,
      dir: book.dir,
      doc
    })),
    identifier: brief.identifier,
    date: new Date(Math.max(epoch, zipEpoch) * 1e3),
    cover: { href: coverHref, mediaType: cover.mediaType, data: cover.data },
    files: [...fontFiles, ...images]
  });
  return { data, cover };
}

// src/targets/epub.ts
var epubTarget = {
  name: "epub",
  usesBrowser: true,
  async build(brief, ctx) {
    const dir = path.join(ctx.outDir, brief.slug);
    const book = await traced("epub", () => makeEpub(brief, ctx), brief.slug);
    return writeFilesAtomic([
      { path: path.join(dir, `cover.${book.cover.ext}`), data: book.cover.data },
      { path: path.join(dir, `${brief.slug}.epub`), data: book.data }
    ]);
  }
};
export {
  epubTarget
};

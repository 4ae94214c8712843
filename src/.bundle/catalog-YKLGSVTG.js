import {
  formatDate
} from "./chunk-7PENWRKU.js";
import {
  renderTemplate,
  writeAtomic
} from "./chunk-WSB4RORQ.js";
import {
  fontFaceCss,
  fontsFor
} from "./chunk-ALZM65U4.js";
import {
  uuidV5
} from "./chunk-52ZG7T6N.js";
import "./chunk-574UC3B5.js";

// src/targets/catalog.ts
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

// src/targets/catalog/opds.ts
var opdsAcquisitionType = "application/atom+xml;profile=opds-catalog;kind=acquisition";
function seriesIdentifier(series) {
  return series.identifier.scheme === "issn" ? `urn:issn:${series.identifier.issn}` : `urn:uuid:${uuidV5(series.identifier.namespace)}`;
}
function atomDate(epoch) {
  return new Date(epoch * 1e3).toISOString().replace(/\.\d{3}Z$/, "Z");
}
function renderOpds(series, briefs, opts) {
  const feedLinks = [
    link("self", opts.self, opdsAcquisitionType),
    link("start", opts.self, opdsAcquisitionType),
    link("alternate", opts.html, "text/html")
  ];
  const entries = briefs.map((b) => {
    const f = b.files;
    return el("entry", {}, [
      el("title", {}, b.subtitle ? `${b.title}: ${b.subtitle}` : b.title),
      el("id", {}, b.identifier),
      el("updated", {}, atomDate(b.updated)),
      el("published", {}, `${b.date}T00:00:00Z`),
      ...b.authors.map((a) => el("author", {}, [el("name", {}, a.name)])),
      el("dc:identifier", {}, b.identifier),
      el("dc:language", {}, b.language),
      el("dc:issued", {}, b.date),
      el("dc:publisher", {}, series.publisher),
      ...b.keywords.map((k) => el("category", { term: k, label: k })),
      el("summary", { type: "text" }, b.summary),
      ...f.cover ? [link("http://opds-spec.org/image", f.cover.href, f.cover.type), link("http://opds-spec.org/image/thumbnail", f.cover.href, f.cover.type)] : [],
      ...f.epub ? [link("http://opds-spec.org/acquisition", f.epub, "application/epub+zip")] : [],
      ...f.pdf ? [link("http://opds-spec.org/acquisition", f.pdf, "application/pdf")] : [],
      ...f.html ? [link("alternate", f.html, "text/html")] : []
    ]);
  });
  const feed = el(
    "feed",
    { xmlns: "http://www.w3.org/2005/Atom", "xmlns:dc": "http://purl.org/dc/terms/", "xmlns:opds": "http://opds-spec.org/2010/catalog", "xml:lang": series.language },
    [
      el("id", {}, seriesIdentifier(series)),
      el("title", {}, series.name),
      ...series.description ? [el("subtitle", {}, series.description)] : [],
      el("updated", {}, atomDate(opts.epoch)),
      el("author", {}, [el("name", {}, series.publisher), ...series.publisherUrl ? [el("uri", {}, series.publisherUrl)] : []]),
      el("generator", { version: opts.version }, "briefpress"),
      ...feedLinks,
      ...entries
    ]
  );
  return `<?xml version="1.0" encoding="utf-8"?>
${feed.render("")}
`;
}
function link(rel, href, type) {
  return el("link", { rel, href: encodeURI(href), type });
}
function el(name, attrs, content = []) {
  return {
    render(indent) {
      const a = Object.entries(attrs).map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join("");
      if (typeof content === "string") return `${indent}<${name}${a}>${escapeXml(content)}</${name}>`;
      if (content.length === 0) return `${indent}<${name}${a}/>`;
      return `${indent}<${name}${a}>
${content.map((c) => c.render(indent + "  ")).join("\n")}
${indent}</${name}>`;
    }
  };
}
function escapeXml(s) {
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

// src/targets/catalog.ts
var assetsDir = "_assets";
var catalogTarget = {
  name: "catalog",
  async build(ctx) {
    const { series, outDir, theme } = ctx;
    const briefs = ctx.entries.map((e) => ({ ...e, files: findEditions(outDir, e.slug) })).filter((b) => b.files.html || b.files.epub || b.files.pdf);
    const newestFirst = [...briefs].reverse();
    const written = [];
    const allText = [series.name, series.description ?? "", ...briefs.map((b) => [b.title, b.subtitle ?? "", b.summary, ...b.authors.map((a) => a.name)].join(" "))].join(" ");
    const fonts = fontsFor(theme, allText);
    for (const f of fonts) written.push(writeIfChanged(path.join(outDir, assetsDir, f.href), readFileSync(f.path)));
    written.push(writeIfChanged(path.join(outDir, assetsDir, "fonts.css"), fontFaceCss(fonts)));
    written.push(writeIfChanged(path.join(outDir, assetsDir, "style.css"), readFileSync(theme.path("style.css"))));
    written.push(writeIfChanged(path.join(outDir, assetsDir, "catalog.css"), readFileSync(theme.path("catalog.css"))));
    const size = (href) => href ? formatSize(statSync(path.join(outDir, href)).size) : void 0;
    const view = {
      language: series.language,
      series: series.name,
      description: series.description,
      publisher: series.publisher,
      publisherShort: series.publisherShort,
      publisherUrl: series.publisherUrl ?? "#content",
      generator: `briefpress ${ctx.version}`,
      identifier: seriesIdentifier(series),
      updated: atomDate(ctx.epoch),
      count: briefs.length,
      countLabel: `${briefs.length} brief${briefs.length === 1 ? "" : "s"}`,
      assets: assetsDir,
      opds: "opds.xml",
      json: "catalog.json",
      briefs: newestFirst.map((b) => ({
        slug: b.slug,
        number: b.number,
        title: b.title,
        subtitle: b.subtitle,
        authorNames: joinNames(b.authors.map((a) => a.name)),
        date: b.date,
        dateLong: formatDate(b.date, b.language),
        summary: b.summary,
        language: b.language,
        otherLanguage: b.language !== series.language ? b.language : void 0,
        href: b.files.html ?? b.files.epub ?? b.files.pdf,
        cover: b.files.cover?.href,
        html: b.files.html,
        epub: b.files.epub && { href: b.files.epub, size: size(b.files.epub) },
        pdf: b.files.pdf && { href: b.files.pdf, size: size(b.files.pdf) }
      }))
    };
    written.push(writeIfChanged(path.join(outDir, "index.html"), renderTemplate(theme.read("catalog.html"), view, "catalog.html")));
    const feed = newestFirst;
    written.push(writeIfChanged(path.join(outDir, "opds.xml"), renderOpds(series, feed, { epoch: ctx.epoch, version: ctx.version, self: "opds.xml", html: "index.html" })));
    written.push(writeIfChanged(path.join(outDir, "catalog.json"), JSON.stringify(catalogJson(ctx, briefs), null, 2) + "\n"));
    return written;
  }
};
function findEditions(outDir, slug) {
  const has = (f) => existsSync(path.join(outDir, slug, f));
  const files = {};
  if (has("index.html")) files.html = `${slug}/index.html`;
  if (has(`${slug}.epub`)) files.epub = `${slug}/${slug}.epub`;
  if (has(`${slug}.pdf`)) files.pdf = `${slug}/${slug}.pdf`;
  if (has("cover.png")) files.cover = { href: `${slug}/cover.png`, type: "image/png" };
  else if (has("cover.jpg")) files.cover = { href: `${slug}/cover.jpg`, type: "image/jpeg" };
  return files;
}
function catalogJson(ctx, briefs) {
  const { series } = ctx;
  return {
    series: {
      name: series.name,
      publisher: series.publisher,
      publisherUrl: series.publisherUrl,
      language: series.language,
      description: series.description,
      identifier: seriesIdentifier(series)
    },
    updated: atomDate(ctx.epoch),
    generator: `briefpress ${ctx.version}`,
    briefs: briefs.map((b) => ({
      slug: b.slug,
      number: b.number,
      title: b.title,
      subtitle: b.subtitle,
      authors: b.authors,
      date: b.date,
      summary: b.summary,
      identifier: b.identifier,
      language: b.language,
      keywords: b.keywords,
      editions: { html: b.files.html, epub: b.files.epub, pdf: b.files.pdf },
      cover: b.files.cover?.href
    }))
  };
}
function writeIfChanged(file, data) {
  const bytes = typeof data === "string" ? Buffer.from(data) : data;
  try {
    if (readFileSync(file).equals(bytes)) return { path: file, bytes: bytes.length };
  } catch {
  }
  return writeAtomic(file, bytes);
}
function joinNames(names) {
  return names.length <= 1 ? names[0] ?? "" : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}
function formatSize(n) {
  return n < 1024 * 1024 ? `${Math.max(1, Math.round(n / 1024))} kB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}
export {
  catalogTarget,
  findEditions
};

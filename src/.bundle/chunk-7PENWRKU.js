import {
  renderTemplate,
  writeFilesAtomic
} from "./chunk-WSB4RORQ.js";
import {
  fontFaceCss,
  fontsFor
} from "./chunk-ALZM65U4.js";

// src/targets/html.ts
import path from "node:path";
import { toHtml } from "hast-util-to-html";
import { toString } from "hast-util-to-string";

// src/util/files.ts
import { readFileSync, statSync } from "node:fs";
var fileCache = /* @__PURE__ */ new Map();
function readCached(file) {
  const st = statSync(file);
  const hit = fileCache.get(file);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.bytes;
  const bytes = readFileSync(file);
  fileCache.set(file, { mtimeMs: st.mtimeMs, size: st.size, bytes });
  return bytes;
}
function readAsset(file, mediaType) {
  return mediaType.startsWith("font/") || mediaType === "text/css" ? readCached(file) : readFileSync(file);
}

// src/targets/html.ts
function renderPage(brief, opts) {
  const { theme } = opts;
  const print = opts.variant === "print";
  const part = (tree) => toHtml(opts.transform ? opts.transform(structuredClone(tree), brief) : tree);
  const allText = [brief.title, brief.subtitle ?? "", brief.summary, toString(brief.body), toString(brief.notes), ...brief.authors.map((a) => a.name + a.bioText), toString(brief.disclaimer), brief.copyrightText].join(" ");
  const fonts = fontsFor(theme, allText);
  const n = brief.authors.length;
  const view = {
    language: brief.language,
    dir: rtl(brief.language) ? "rtl" : "ltr",
    title: `${brief.title}${brief.subtitle ? `: ${brief.subtitle}` : ""}`,
    heading: brief.title,
    subtitle: brief.subtitle,
    summary: brief.summary,
    summaryShown: true,
    authorNames: brief.authors.map((a) => a.name).join(", "),
    keywordList: brief.keywords.join(", "),
    generator: `briefpress ${opts.version}`,
    identifier: brief.identifier,
    date: brief.date,
    dateLong: formatDate(brief.date, brief.language),
    series: brief.series.name,
    number: brief.number,
    publisher: brief.series.publisher,
    publisherShort: brief.series.publisherShort,
    publisherUrl: brief.series.publisherUrl ?? "#content",
    print,
    cssFooter: cssString(`${brief.series.name}  |  ${brief.title}`),
    body: part(brief.body),
    hasNotes: brief.notes.children.length > 0,
    notes: part(brief.notes),
    aboutHeading: n > 1 ? "About the authors" : "About the author",
    authors: brief.authors.map((a, i) => ({ name: a.name, title: a.title, bio: part(a.bio), last: i === n - 1, beforeLast: i === n - 2 })),
    disclaimer: part(brief.disclaimer),
    copyright: part(brief.copyright),
    nav: !print && opts.links ? { ...opts.links } : void 0,
    downloads: !print && opts.downloads && (opts.downloads.epub || opts.downloads.pdf) ? opts.downloads : void 0
  };
  const html = renderTemplate(theme.read("page.html"), view, "page.html");
  const assets = [
    { href: "fonts.css", data: fontFaceCss(fonts), mediaType: "text/css" },
    { href: "style.css", path: theme.path("style.css"), mediaType: "text/css" },
    ...print ? [{ href: "print.css", path: theme.path("print.css"), mediaType: "text/css" }] : [],
    ...fonts.map((f) => ({ href: f.href, path: f.path, mediaType: "font/woff2" })),
    ...brief.images.map((i) => ({ href: i.href, path: i.path, mediaType: i.mediaType }))
  ];
  return { html, assets };
}
var htmlTarget = {
  name: "html",
  usesBrowser: false,
  async build(brief, ctx) {
    const dir = path.join(ctx.outDir, brief.slug);
    const page = renderPage(brief, {
      variant: "web",
      theme: ctx.theme,
      version: ctx.version,
      links: ctx.links,
      downloads: {
        epub: ctx.formats.includes("epub") ? `${brief.slug}.epub` : void 0,
        pdf: ctx.formats.includes("pdf") ? `${brief.slug}.pdf` : void 0
      }
    });
    return writeFilesAtomic([
      ...page.assets.map((a) => ({ path: path.join(dir, a.href), data: a.data ?? readAsset(a.path, a.mediaType) })),
      { path: path.join(dir, "index.html"), data: page.html }
    ]);
  }
};
function formatDate(iso, language) {
  const d = /* @__PURE__ */ new Date(`${iso}T00:00:00Z`);
  try {
    return new Intl.DateTimeFormat(language, { dateStyle: "long", timeZone: "UTC" }).format(d);
  } catch {
    return iso;
  }
}
function cssString(s) {
  return s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, " ");
}
function rtl(lang) {
  return /^(ar|he|fa|ur|ps|yi|dv)(-|$)/i.test(lang);
}

export {
  readCached,
  readAsset,
  renderPage,
  htmlTarget,
  formatDate
};

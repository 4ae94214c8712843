/**
 * The series catalog, built once per series build after every brief: `index.html` (the catalog page in
 * the theme: templates/<theme>/catalog.html + catalog.css), `opds.xml` (OPDS 1.2 acquisition feed) and
 * `catalog.json`. It links only to edition files that exist in the output folder, so every href resolves.
 * The page's own CSS and fonts go to `_assets/` (an underscore can never start a brief's slug).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fontBytes, fontFaceCss, fontFiles, fontsFor, type FontAsset } from '../theme/theme.js';
import { direction, formatDate, formatSize, messagesFor } from '../i18n/messages.js';
import { renderThemeFile } from '../theme/template.js';
import { themeStylesheet } from '../theme/css.js';
import { fillPage } from './serialize.js';
import { writeAtomic, type WrittenFile } from '../util/write.js';
import { renderOpds, seriesIdentifier, atomDate, type EntryFiles, type FeedBrief } from './catalog/opds.js';
import { authorRole } from './html.js';
import type { CatalogEntry, SeriesContext, SeriesTarget } from './types.js';
import { editionCsp, withCsp } from './csp.js';
import { addCitationFiles, seriesCitationFiles, sitemap } from './catalog/citations.js';

const assetsDir = '_assets';

export const catalogTarget: SeriesTarget = {
  name: 'catalog',
  async build(ctx: SeriesContext): Promise<WrittenFile[]> {
    const { series, outDir, theme } = ctx;
    const briefs = ctx.entries.map((e) => ({ ...e, files: findEditions(outDir, e.slug) })).filter((b) => b.files.html || b.files.epub || b.files.pdf);
    const newestFirst = [...briefs].reverse();
    const written: WrittenFile[] = [];

    const msgs = messagesFor(series.language, theme.messages, series.messages);
    const msg = { ...msgs.view, briefCount: msgs.text('briefCount', { n: briefs.length }), opdsTitle: msgs.text('opdsTitle', { series: series.name }), jsonTitle: msgs.text('jsonTitle', { series: series.name }) };
    const allText = [series.name, series.description ?? '', theme.design.publisher.name, ...Object.values(msg), ...briefs.map((b) => [b.title, b.subtitle ?? '', b.summary, formatDate(b.date, series.language), msgs.text('number', { n: b.number }), msgs.text('editionsOf', { title: b.title }), ...b.authors.map((a) => [a.name, a.title ?? '', a.affiliation ?? ''].join(' '))].join(' '))].join(' ');
    // Every language of the catalog's briefs brings its script font (one a brief lacks failed that brief).
    const faces = new Map<string, FontAsset>();
    for (const lang of new Set([series.language, ...briefs.map((b) => b.language)])) {
      for (const f of theme.fontsForLanguage(lang).fonts) faces.set(`${f.href}|${f.family}|${f.weight}|${f.style}`, f);
    }
    const fonts = fontsFor([...faces.values()], allText);
    for (const f of fontFiles(fonts)) written.push(writeIfChanged(path.join(outDir, assetsDir, f.href), fontBytes(f)));
    written.push(writeIfChanged(path.join(outDir, assetsDir, 'fonts.css'), fontFaceCss(fonts)));
    written.push(writeIfChanged(path.join(outDir, assetsDir, 'style.css'), themeStylesheet(theme, 'style.css')));
    written.push(writeIfChanged(path.join(outDir, assetsDir, 'catalog.css'), themeStylesheet(theme, 'catalog.css')));

    const size = (href?: string) => (href ? formatSize(statSync(path.join(outDir, href)).size, series.language) : undefined);
    const view = {
      language: series.language,
      dir: direction(series.language),
      msg,
      series: series.name,
      description: series.description,
      publisher: series.publisher,
      publisherShort: series.publisherShort,
      publisherUrl: series.publisherUrl ?? '#content',
      house: theme.design.publisher.name,
      houseShort: theme.design.publisher.short ?? theme.design.publisher.name,
      logo: theme.logo,
      generator: `briefpress ${ctx.version}`,
      csp: editionCsp(),
      identifier: seriesIdentifier(series),
      updated: atomDate(ctx.epoch),
      count: briefs.length,
      countLabel: msg.briefCount,
      assets: assetsDir,
      opds: 'opds.xml',
      json: 'catalog.json',
      briefs: newestFirst.map((b) => ({
        slug: b.slug,
        number: b.number,
        title: b.title,
        subtitle: b.subtitle,
        numberLabel: msgs.text('number', { n: b.number }),
        editionsOf: msgs.text('editionsOf', { title: b.title }),
        authorNames: msgs.list(b.authors.map((a) => a.name)),
        authors: b.authors.map((a) => ({ name: a.name, title: a.title, affiliation: a.affiliation, role: authorRole(a) })),
        date: b.date,
        dateLong: formatDate(b.date, series.language), // the catalog's words, in its language
        summary: b.summary,
        language: b.language,
        otherLanguage: b.language !== series.language ? b.language : undefined,
        otherDir: b.language !== series.language && direction(b.language) !== direction(series.language) ? direction(b.language) : undefined,
        href: b.files.html ?? b.files.epub ?? b.files.pdf,
        cover: b.files.cover?.href,
        html: b.files.html,
        epub: b.files.epub && { href: b.files.epub, size: size(b.files.epub) },
        pdf: b.files.pdf && { href: b.files.pdf, size: size(b.files.pdf) },
        cite: b.files.bib || b.files.ris ? { bib: b.files.bib, ris: b.files.ris, cslJson: b.files.cslJson } : undefined,
      })),
    };
    written.push(writeIfChanged(path.join(outDir, 'index.html'), fillPage(theme, 'catalog.html', renderThemeFile(theme, 'catalog.html', view), undefined, (tree) => withCsp(tree, view.csp))));

    const feed: FeedBrief[] = newestFirst;
    written.push(writeIfChanged(path.join(outDir, 'opds.xml'), renderOpds(series, feed, { epoch: ctx.epoch, version: ctx.version, self: 'opds.xml', html: 'index.html' })));
    written.push(writeIfChanged(path.join(outDir, 'catalog.json'), JSON.stringify(catalogJson(ctx, briefs), null, 2) + '\n'));
    // Issue #15: the whole series' citations, and a sitemap when the series has a baseUrl.
    for (const f of seriesCitationFiles(outDir, briefs)) written.push(writeIfChanged(path.join(outDir, f.name), f.data));
    const map = sitemap(series, briefs);
    if (map) written.push(writeIfChanged(path.join(outDir, 'sitemap.xml'), map));
    return written;
  },
};

/** The edition files of a brief that exist in the output folder (hrefs relative to it). */
export function findEditions(outDir: string, slug: string): EntryFiles {
  const has = (f: string) => existsSync(path.join(outDir, slug, f));
  const files: EntryFiles = {};
  if (has('index.html')) files.html = `${slug}/index.html`;
  if (has(`${slug}.epub`)) files.epub = `${slug}/${slug}.epub`;
  if (has(`${slug}.pdf`)) files.pdf = `${slug}/${slug}.pdf`;
  if (has('cover.png')) files.cover = { href: `${slug}/cover.png`, type: 'image/png' };
  else if (has('cover.jpg')) files.cover = { href: `${slug}/cover.jpg`, type: 'image/jpeg' };
  addCitationFiles(files, slug, has); // issue #15
  return files;
}

function catalogJson(ctx: SeriesContext, briefs: (CatalogEntry & { files: EntryFiles })[]) {
  const { series } = ctx;
  return {
    series: {
      name: series.name,
      publisher: series.publisher,
      publisherUrl: series.publisherUrl,
      language: series.language,
      description: series.description,
      identifier: seriesIdentifier(series),
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
      citation: b.files.bib || b.files.ris ? { bib: b.files.bib, ris: b.files.ris, cslJson: b.files.cslJson } : undefined,
      cover: b.files.cover?.href,
    })),
  };
}

/** Write only when the bytes differ: a no-change build leaves the catalog's mtimes alone. */
function writeIfChanged(file: string, data: string | Uint8Array): WrittenFile {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  try {
    if (readFileSync(file).equals(bytes)) return { path: file, bytes: bytes.length };
  } catch {
    // not there yet
  }
  return writeAtomic(file, bytes);
}

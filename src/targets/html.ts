/**
 * The web edition: one standalone page per brief with its CSS, fonts and images beside it.
 * `renderPage` also makes the print variant that the PDF target prints (DESIGN.md: the PDF prints
 * the HTML target's print variant).
 */
import path from 'node:path';
import type { Element, Root } from 'hast';
import { toString } from 'hast-util-to-string';
import type { Brief } from '../model/brief.js';
import { fontFaceCss, fontFiles, fontsFor, type Theme } from '../theme/theme.js';
import { direction, formatDate, messagesFor, otherLanguageAttrs } from '../i18n/messages.js';
import { localizeTree } from '../i18n/localize.js';
import { renderThemeFile } from '../theme/template.js';
import { themeStylesheet } from '../theme/css.js';
import { cssString, footerCss } from '../theme/tokens.js';
import { readAsset } from '../util/files.js';
import { writeFilesAtomic, type WrittenFile } from '../util/write.js';
import type { BuildContext, SeriesLinks, Target } from './types.js';
import { editionCsp, withCsp } from './csp.js';
import { fillPage, partMarker } from './serialize.js';
import { marker, markPages } from './pagelist.js';
import { citeBlock, citeBlockText } from './cite/block.js';
import { citeWords } from './cite/words.js';
import { citation } from './cite/record.js';
import { headMetadata } from './meta.js';
import { traced } from '../util/trace.js';
import { citeFiles } from './cite.js';

/** A file of an edition: its name inside the edition and where its bytes come from. */
export interface Asset {
  href: string;
  /** Absolute path on disk (theme, font package or manuscript). */
  path?: string;
  data?: string | Uint8Array;
  mediaType: string;
}

export interface RenderedPage {
  html: string;
  /** Every file the page refers to, by relative href. */
  assets: Asset[];
}

export interface RenderOptions {
  variant: 'web' | 'print';
  theme: Theme;
  version: string;
  links?: SeriesLinks;
  /** Other editions to offer for download (web variant), relative hrefs. */
  downloads?: { epub?: string; pdf?: string };
  /** A transform of each part's tree before it is written (the print variant hyphenates). */
  transform?: (tree: Root, brief: Brief) => Root;
  /** Issue #15: the marker of the print's first page, before the title block (web variant; src/targets/pagelist.ts). */
  pageOne?: Element;
  /** Issue #15: the citation metadata of the page's head (web variant; src/targets/meta.ts). */
  head?: Root;
  /** Issue #15: the citation files beside the page, offered under "Cite this brief" (web variant). */
  citeFiles?: { bib: string; ris: string; cslJson: string };
  /** Issue #15: the marker of a print page that starts with "Cite this brief" (web variant). */
  citeBreak?: Element;
}

export function renderPage(brief: Brief, opts: RenderOptions): RenderedPage {
  const { theme } = opts;
  const print = opts.variant === 'print';
  const msgs = messagesFor(brief.language, theme.messages, brief.series.messages);
  // Each part of the brief reaches the template as a marker and goes into the parsed page as a tree.
  const parts = new Map<string, Root>();
  const part = (tree: Root, key: string) => {
    parts.set(key, opts.transform ? opts.transform(structuredClone(tree), brief) : tree);
    return partMarker(key);
  };
  const localized = (tree: Root, key: string) => part(localizeTree(tree, msgs), key);
  const dateLong = formatDate(brief.date, brief.language);
  const n = brief.authors.length;
  const msg = {
    ...msgs.view,
    number: brief.number === undefined ? '' : msgs.text('number', { n: brief.number }),
    allBriefs: msgs.text('allBriefs', { series: brief.series.name }),
  };
  const pageOf = msgs.text('pageOf', { page: '\u0000page', pages: '\u0000pages' });
  const allText = [brief.title, brief.subtitle ?? '', brief.summary, toString(brief.body), toString(brief.notes), ...brief.authors.map((a) => [a.name, a.title ?? '', a.affiliation ?? '', a.bioText].join(' ')), theme.design.publisher.name, toString(brief.disclaimer), brief.copyrightText, dateLong, ...Object.values(msg), pageOf, '0123456789'].join(' ');
  const own = fontsFor(theme.fontsForLanguage(brief.language).fonts, allText);
  // The neighbours' titles (series navigation) may be in any language of the series.
  const navText = print || !opts.links ? '' : [opts.links.prev?.title, opts.links.next?.title].join(' ');
  // (Declared first: where ranges overlap, the faces declared last, the brief's own, win.)
  const fonts = navText.trim() ? [...fontsFor(theme.anyFonts(), navText).filter((f) => f.script && !own.some((o) => o.href === f.href && o.family === f.family && o.weight === f.weight && o.style === f.style)), ...own] : own;
  const dir = direction(brief.language);
  // The boilerplate and the author files' bios are in the series' language: marked where it differs.
  const foreign = (lang: string) => otherLanguageAttrs(lang, brief.language);
  const view = {
    language: brief.language,
    dir,
    msg,
    title: `${brief.title}${brief.subtitle ? `: ${brief.subtitle}` : ''}`,
    heading: brief.title,
    subtitle: brief.subtitle,
    summary: brief.summary,
    summaryShown: true,
    authorNames: brief.authors.map((a) => a.name).join(', '),
    keywordList: brief.keywords.join(', '),
    generator: `briefpress ${opts.version}`,
    identifier: brief.identifier,
    date: brief.date,
    dateLong,
    series: brief.series.name,
    number: brief.number,
    publisher: brief.series.publisher,
    publisherShort: brief.series.publisherShort,
    publisherUrl: brief.series.publisherUrl ?? '#content',
    house: theme.design.publisher.name,
    houseShort: theme.design.publisher.short ?? theme.design.publisher.name,
    logo: theme.logo,
    print,
    csp: editionCsp({ inlineStyle: print }),
    cssFooter: cssString(`${brief.series.name}  |  ${brief.title}`),
    footerCss: footerCss(
      theme.design,
      { series: brief.series.name, title: brief.title, number: brief.number === undefined ? '' : String(brief.number), publisher: brief.series.publisher, date: dateLong },
      { pageOf: msgs.text('pageOf', { page: '{page}', pages: '{pages}' }), rtl: dir === 'rtl' },
    ),
    body: localized(brief.body, 'body'),
    hasNotes: brief.notes.children.length > 0,
    notes: localized(brief.notes, 'notes'),
    aboutHeading: n > 1 ? msgs.view.aboutMany : msgs.view.aboutOne,
    authors: brief.authors.map((a, i) => ({
      name: a.name,
      title: a.title,
      affiliation: a.affiliation,
      role: authorRole(a),
      bio: part(a.bio, `bio-${i + 1}`),
      bioAttrs: foreign(a.bioLanguage ?? brief.language),
      roleAttrs: foreign(a.roleLanguage ?? brief.language),
      last: i === n - 1,
      beforeLast: i === n - 2,
      sep: i === n - 1 ? '' : i === n - 2 ? msgs.view.andSep : msgs.view.listSep,
    })),
    boilerplateAttrs: foreign(brief.series.language),
    // The series' and publisher's names are in the series' language too.
    seriesAttrs: foreign(brief.series.language),
    disclaimer: part(brief.disclaimer, 'disclaimer'),
    copyright: part(brief.copyright, 'copyright'),
    nav: !print && opts.links ? { ...opts.links } : undefined,
    downloads: !print && opts.downloads && (opts.downloads.epub || opts.downloads.pdf) ? opts.downloads : undefined,
    pageOne: print || !opts.pageOne ? undefined : part({ type: 'root', children: [opts.pageOne] }, 'page-one'),
    // Issue #15: the head's citation metadata (web) and "Cite this brief" (web and print: the PDF's last page).
    headMeta: print || !opts.head ? undefined : part(opts.head, 'head-meta'),
    citeBlock: part(citeBlock({ html: citation(brief, theme).html, files: print ? undefined : opts.citeFiles, language: brief.language, pageBreak: print ? undefined : opts.citeBreak }), 'cite'),
  };
  const html = fillPage(theme, 'page.html', renderThemeFile(theme, 'page.html', view), parts, (tree) => withCsp(tree, view.csp));
  const assets: Asset[] = [
    { href: 'fonts.css', data: fontFaceCss(fonts), mediaType: 'text/css' },
    { href: 'style.css', data: themeStylesheet(theme, 'style.css'), mediaType: 'text/css' },
    ...(print ? [{ href: 'print.css', data: themeStylesheet(theme, 'print.css'), mediaType: 'text/css' }] : []),
    ...fontFiles(fonts).map((f) => ({ href: f.href, path: f.path, data: f.bytes, mediaType: 'font/woff2' })),
    ...brief.images.map((i) => ({ href: i.href, data: i.data, mediaType: i.mediaType })),
  ];
  return { html, assets };
}

export const htmlTarget: Target = {
  name: 'html',
  async build(original: Brief, ctx: BuildContext): Promise<WrittenFile[]> {
    // Issue #15: the print's page breaks, once the PDF is printed (src/targets/pagelist.ts).
    const printed = await ctx.pages?.promise;
    const marked = await traced('pages.mark', async () => markPages(original, printed, 'web', citeBlockText(citation(original, ctx.theme).text)), original.slug);
    const citeBreak = marked?.pages.find((p) => p.part === 'cite');
    const brief = marked?.brief ?? original;
    const dir = path.join(ctx.outDir, brief.slug);
    const epub = ctx.formats.includes('epub') ? `${brief.slug}.epub` : undefined;
    const pdf = ctx.formats.includes('pdf') ? `${brief.slug}.pdf` : undefined;
    const page = renderPage(brief, {
      pageOne: marked ? marker(marked.pages[0]!.label, 'web') : undefined,
      head: headMetadata({ brief, pages: marked ? marked.pages.length + marked.missing.length : undefined, pdf, epub, cover: epub ? { href: 'cover.png', mediaType: 'image/png', alt: citeWords.coverAlt.replace('{title}', brief.subtitle ? `${brief.title}: ${brief.subtitle}` : brief.title) } : undefined }),
      citeFiles: ctx.formats.includes('cite') ? citeFiles(brief.slug) : undefined,
      citeBreak: citeBreak ? marker(citeBreak.label, 'web') : undefined,
      variant: 'web',
      theme: ctx.theme,
      version: ctx.version,
      links: ctx.links,
      downloads: {
        epub: ctx.formats.includes('epub') ? `${brief.slug}.epub` : undefined,
        pdf: ctx.formats.includes('pdf') ? `${brief.slug}.pdf` : undefined,
      },
    });
    return writeFilesAtomic([
      ...page.assets.map((a) => ({ path: path.join(dir, a.href), data: a.data ?? readAsset(a.path!, a.mediaType) })),
      { path: path.join(dir, 'index.html'), data: page.html },
    ]);
  },
};

export { formatDate };

/** An author's title and affiliation as one phrase ("Senior Associate, CSIS"), or undefined. */
export function authorRole(a: { title?: string; affiliation?: string }): string | undefined {
  return [a.title, a.affiliation].filter(Boolean).join(', ') || undefined;
}

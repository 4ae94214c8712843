/**
 * The web edition: one standalone page per brief with its CSS, fonts and images beside it.
 * `renderPage` also makes the print variant that the PDF target prints (DESIGN.md: the PDF prints
 * the HTML target's print variant).
 */
import path from 'node:path';
import type { Root } from 'hast';
import { toString } from 'hast-util-to-string';
import type { Brief } from '../model/brief.js';
import { fontFaceCss, fontsFor, type Theme } from '../theme/theme.js';
import { renderThemeFile } from '../theme/template.js';
import { themeStylesheet } from '../theme/css.js';
import { cssString, footerCss } from '../theme/tokens.js';
import { readAsset } from '../util/files.js';
import { writeFilesAtomic, type WrittenFile } from '../util/write.js';
import type { BuildContext, SeriesLinks, Target } from './types.js';
import { editionCsp, withCsp } from './csp.js';
import { fillPage, partMarker } from './serialize.js';

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
}

export function renderPage(brief: Brief, opts: RenderOptions): RenderedPage {
  const { theme } = opts;
  const print = opts.variant === 'print';
  // Each part of the brief reaches the template as a marker and goes into the parsed page as a tree.
  const parts = new Map<string, Root>();
  const part = (tree: Root, key: string) => {
    parts.set(key, opts.transform ? opts.transform(structuredClone(tree), brief) : tree);
    return partMarker(key);
  };
  const allText = [brief.title, brief.subtitle ?? '', brief.summary, toString(brief.body), toString(brief.notes), ...brief.authors.map((a) => [a.name, a.title ?? '', a.affiliation ?? '', a.bioText].join(' ')), theme.design.publisher.name, toString(brief.disclaimer), brief.copyrightText].join(' ');
  const fonts = fontsFor(theme, allText);
  const n = brief.authors.length;
  const view = {
    language: brief.language,
    dir: rtl(brief.language) ? 'rtl' : 'ltr',
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
    dateLong: formatDate(brief.date, brief.language),
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
    footerCss: footerCss(theme.design, { series: brief.series.name, title: brief.title, number: brief.number === undefined ? '' : String(brief.number), publisher: brief.series.publisher, date: formatDate(brief.date, brief.language) }),
    body: part(brief.body, 'body'),
    hasNotes: brief.notes.children.length > 0,
    notes: part(brief.notes, 'notes'),
    aboutHeading: n > 1 ? 'About the authors' : 'About the author',
    authors: brief.authors.map((a, i) => ({ name: a.name, title: a.title, affiliation: a.affiliation, role: authorRole(a), bio: part(a.bio, `bio-${i + 1}`), last: i === n - 1, beforeLast: i === n - 2 })),
    disclaimer: part(brief.disclaimer, 'disclaimer'),
    copyright: part(brief.copyright, 'copyright'),
    nav: !print && opts.links ? { ...opts.links } : undefined,
    downloads: !print && opts.downloads && (opts.downloads.epub || opts.downloads.pdf) ? opts.downloads : undefined,
  };
  const html = fillPage(theme, 'page.html', renderThemeFile(theme, 'page.html', view), parts, (tree) => withCsp(tree, view.csp));
  const assets: Asset[] = [
    { href: 'fonts.css', data: fontFaceCss(fonts), mediaType: 'text/css' },
    { href: 'style.css', data: themeStylesheet(theme, 'style.css'), mediaType: 'text/css' },
    ...(print ? [{ href: 'print.css', data: themeStylesheet(theme, 'print.css'), mediaType: 'text/css' }] : []),
    ...fonts.map((f) => ({ href: f.href, path: f.path, mediaType: 'font/woff2' })),
    ...brief.images.map((i) => ({ href: i.href, data: i.data, mediaType: i.mediaType })),
  ];
  return { html, assets };
}

export const htmlTarget: Target = {
  name: 'html',
  async build(brief: Brief, ctx: BuildContext): Promise<WrittenFile[]> {
    const dir = path.join(ctx.outDir, brief.slug);
    const page = renderPage(brief, {
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

/** An author's title and affiliation as one phrase ("Senior Associate, CSIS"), or undefined. */
export function authorRole(a: { title?: string; affiliation?: string }): string | undefined {
  return [a.title, a.affiliation].filter(Boolean).join(', ') || undefined;
}

const dateFormats = new Map<string, Intl.DateTimeFormat | null>();

export function formatDate(iso: string, language: string): string {
  let f = dateFormats.get(language);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' });
    } catch {
      f = null;
    }
    dateFormats.set(language, f);
  }
  return f ? f.format(new Date(`${iso}T00:00:00Z`)) : iso;
}

function rtl(lang: string): boolean {
  return /^(ar|he|fa|ur|ps|yi|dv)(-|$)/i.test(lang);
}

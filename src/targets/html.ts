/**
 * The web edition: one standalone page per brief with its CSS, fonts and images beside it.
 * `renderPage` also makes the print variant that the PDF target prints (DESIGN.md: the PDF prints
 * the HTML target's print variant).
 */
import path from 'node:path';
import type { Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { toString } from 'hast-util-to-string';
import type { Brief } from '../model/brief.js';
import { fontFaceCss, fontsFor, type Theme } from '../theme/theme.js';
import { renderTemplate } from '../theme/template.js';
import { readAsset } from '../util/files.js';
import { writeFilesAtomic, type WrittenFile } from '../util/write.js';
import type { BuildContext, SeriesLinks, Target } from './types.js';
import { editionCsp, withCsp } from './csp.js';
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
  pageOne?: string;
  /** Issue #15: the citation metadata of the page's head (web variant; src/targets/meta.ts). */
  head?: string;
  /** Issue #15: the citation files beside the page, offered under "Cite this brief" (web variant). */
  citeFiles?: { bib: string; ris: string; cslJson: string };
  /** Issue #15: the marker of a print page that starts with "Cite this brief" (web variant). */
  citeBreak?: string;
}

export function renderPage(brief: Brief, opts: RenderOptions): RenderedPage {
  const { theme } = opts;
  const print = opts.variant === 'print';
  const part = (tree: Root) => toHtml(opts.transform ? opts.transform(structuredClone(tree), brief) : tree);
  const allText = [brief.title, brief.subtitle ?? '', brief.summary, toString(brief.body), toString(brief.notes), ...brief.authors.map((a) => a.name + a.bioText), toString(brief.disclaimer), brief.copyrightText].join(' ');
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
    print,
    csp: editionCsp({ inlineStyle: print }),
    cssFooter: cssString(`${brief.series.name}  |  ${brief.title}`),
    body: part(brief.body),
    hasNotes: brief.notes.children.length > 0,
    notes: part(brief.notes),
    aboutHeading: n > 1 ? 'About the authors' : 'About the author',
    authors: brief.authors.map((a, i) => ({ name: a.name, title: a.title, bio: part(a.bio), last: i === n - 1, beforeLast: i === n - 2 })),
    disclaimer: part(brief.disclaimer),
    copyright: part(brief.copyright),
    nav: !print && opts.links ? { ...opts.links } : undefined,
    downloads: !print && opts.downloads && (opts.downloads.epub || opts.downloads.pdf) ? opts.downloads : undefined,
    pageOne: print ? undefined : opts.pageOne,
    // Issue #15: the head's citation metadata (web) and "Cite this brief" (web and print: the PDF's last page).
    headMeta: print ? undefined : opts.head,
    citeBlock: citeBlock({ html: citation(brief, theme).html, files: print ? undefined : opts.citeFiles, language: brief.language, pageBreak: print ? undefined : opts.citeBreak }),
  };
  const html = withCsp(renderTemplate(theme.read('page.html'), view, 'page.html'), view.csp);
  const assets: Asset[] = [
    { href: 'fonts.css', data: fontFaceCss(fonts), mediaType: 'text/css' },
    { href: 'style.css', path: theme.path('style.css'), mediaType: 'text/css' },
    ...(print ? [{ href: 'print.css', path: theme.path('print.css'), mediaType: 'text/css' }] : []),
    ...fonts.map((f) => ({ href: f.href, path: f.path, mediaType: 'font/woff2' })),
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
      pageOne: marked ? toHtml(marker(marked.pages[0]!.label, 'web')) : undefined,
      head: headMetadata({ brief, pages: marked ? marked.pages.length + marked.missing.length : undefined, pdf, epub, cover: epub ? { href: 'cover.png', mediaType: 'image/png', alt: citeWords.coverAlt.replace('{title}', brief.subtitle ? `${brief.title}: ${brief.subtitle}` : brief.title) } : undefined }),
      citeFiles: ctx.formats.includes('cite') ? citeFiles(brief.slug) : undefined,
      citeBreak: citeBreak ? toHtml(marker(citeBreak.label, 'web')) : undefined,
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

/** A string usable inside a CSS "..." literal. */
function cssString(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, ' ');
}

function rtl(lang: string): boolean {
  return /^(ar|he|fa|ur|ps|yi|dv)(-|$)/i.test(lang);
}

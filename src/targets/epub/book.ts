/**
 * A brief as an EPUB 3: lays out the documents, describes the book, gathers cover, images and font
 * subsets, writes every XHTML and XML file from syntax trees (documents.ts, opf.ts, ../serialize.ts)
 * and has them zipped by epub-gen-memory (package.ts), whose templates are briefpress's own and only
 * print those files. No theme file is a template of the EPUB: the theme gives epub.css and
 * epub/labels.yaml, both data.
 */
import { displayPath } from '../../util/paths.js';
import { toString } from 'hast-util-to-string';
import type { Brief } from '../../model/brief.js';
import { fontBytes, fontFaceCss, fontFiles as uniqueFonts, fontsFor } from '../../theme/theme.js';
import { resolveTokens } from '../../theme/tokens.js';
import { otherLanguageAttrs } from '../../i18n/messages.js';
import { renderThemeFile } from '../../theme/template.js';
import { coverFor, type CoverImage } from '../cover.js';
import type { BuildContext } from '../types.js';
import { layoutDocuments } from './documents.js';
import { labelsFor } from './labels.js';
import { describeBook } from './metadata.js';
import { ncxDocument, navDocument, packageDocument } from './opf.js';
import { fixedTemplates, packageEpub, type PackagedFile } from './package.js';
import { parseFragment, xhtmlDocument as toXhtml } from '../serialize.js';
import { authorRole } from '../html.js';
import { addCiteBlock, addPageList } from './pages.js';
import type { MarkedBrief } from '../pagelist.js';

export interface EpubBook {
  data: Buffer;
  cover: CoverImage;
}

/** Zip entries cannot be dated before 1980 (MS-DOS time). */
const zipEpoch = Date.UTC(1980, 0, 1, 12) / 1000;

export async function makeEpub(brief: Brief, ctx: BuildContext, marked?: MarkedBrief): Promise<EpubBook> {
  const { theme } = ctx;
  const labels = labelsFor(theme, brief.language, brief.series);
  const cover = await coverFor(brief, ctx);
  const coverHref = `cover.${cover.ext}`;
  // The theme's author card (name, title, affiliation) opens each author's entry on the about page, as a tree.
  const card = theme.maybeRead('partials/author.html') === undefined ? undefined : (a: Brief['authors'][number]) => parseFragment(renderThemeFile(theme, 'partials/author.html', { name: a.name, title: a.title, affiliation: a.affiliation, role: authorRole(a), roleAttrs: otherLanguageAttrs(a.roleLanguage ?? brief.language, brief.language) }).trim());
  const { documents, counts } = layoutDocuments(brief, labels, coverHref, card);
  addCiteBlock(documents, brief, theme, marked); // issue #15: "Cite this brief" in the colophon

  // Font subsets for every character the book shows (its own words included).
  const text = [
    brief.title,
    brief.subtitle ?? '',
    brief.summary,
    brief.series.name,
    toString(brief.body),
    toString(brief.notes),
    ...brief.authors.map((a) => `${a.name} ${a.bioText}`),
    toString(brief.disclaimer),
    brief.copyrightText,
    brief.identifier,
    ...Object.values(labels),
    ...documents.map((d) => toString(d.html)),
  ].join(' ');
  const fonts = fontsFor(theme.fontsForLanguage(brief.language).fonts, text);
  const images: PackagedFile[] = brief.images.map((img) => ({ href: img.href, data: img.data }));
  const fontFiles: PackagedFile[] = uniqueFonts(fonts).map((f) => ({ href: f.href, data: fontBytes(f) }));

  const epoch = ctx.epoch(brief);
  const book = describeBook(
    brief,
    labels,
    {
      documents,
      cover: { href: coverHref, mediaType: cover.mediaType },
      images: brief.images.map((i) => ({ href: i.href, mediaType: i.mediaType })),
      fonts: uniqueFonts(fonts).map((f) => ({ href: f.href })),
      navFile: 'toc.xhtml',
      ncxFile: 'toc.ncx',
      cssFile: 'style.css',
    },
    counts,
    epoch,
    `briefpress ${ctx.version}`,
  );
  if (marked) addPageList(book, documents, marked); // issue #15

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
      // Its tokens are written out as values: reading systems that know no custom properties see them too.
      css: `${resolveTokens(theme.read('epub.css'), theme.design)}\n${fontFaceCss(fonts)}`,
      ...fixedTemplates,
      fonts: [],
      verbose: false,
      opf: packageDocument(book),
      ncx: ncxDocument(book),
      nav: navDocument(book),
    },
    chapters: documents.map((doc) => ({
      title: doc.title,
      filename: doc.file,
      // The library would pass `content` through its attribute allowlist and fetch its images:
      // our XHTML reaches its (fixed) template as `xhtml` instead.
      content: '',
      excludeFromToc: doc.part === 'cover',
      beforeToc: doc.part === 'cover',
      lang: brief.language,
      xhtml: toXhtml(doc.html),
    })),
    identifier: brief.identifier,
    date: new Date(Math.max(epoch, zipEpoch) * 1000),
    cover: { href: coverHref, mediaType: cover.mediaType, data: cover.data },
    files: [...fontFiles, ...images],
    source: displayPath(brief.file),
  });
  return { data, cover };
}

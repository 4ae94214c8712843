/**
 * Everything the package document, the nav and the NCX say about the book, as plain data that
 * opf.ts turns into those three files: Dublin Core, series (EPUB 3 collection and calibre), EPUB Accessibility 1.1,
 * the manifest, the spine, the table of contents and the landmarks.
 */
import { direction } from '../../i18n/messages.js';
import type { Brief } from '../../model/brief.js';
import type { Counts, EpubDocument } from './documents.js';
import type { Labels } from './labels.js';

export interface ManifestItem {
  id: string;
  href: string;
  mediaType: string;
  properties?: string;
}

export interface TocEntry {
  href: string;
  label: string;
  children: TocEntry[];
  /** Position in reading order (NCX playOrder, 1-based). */
  playOrder: number;
  /** NCX navPoint id. */
  navId: string;
}

export interface BookView {
  /** Issue #15: the page list (src/targets/epub/pages.ts): entries, the nav written into the nav document, the print it follows. */
  pageList?: { label: string; href: string }[];
  pageListNav?: import('hast').Element;
  pageBreakSource?: string;
  lang: string;
  dir: 'ltr' | 'rtl';
  identifier: string;
  title: string;
  subtitle?: string;
  creators: { id: string; name: string; role: string; seq: number }[];
  publisher: string;
  date: string;
  /** `dcterms:modified`, CCYY-MM-DDThh:mm:ssZ. */
  modified: string;
  subjects: string[];
  description: string;
  rights: string;
  series: { name: string; position?: number; issn?: string };
  a11y: {
    accessModes: string[];
    accessModeSufficient: string[];
    features: string[];
    hazards: string[];
    summary: string;
    /** Language of the summary when not the book's. */
    summaryLang?: string;
    conformsTo: string;
    certifiedBy: string;
  };
  generator: string;
  manifest: ManifestItem[];
  spine: { idref: string; linear: boolean }[];
  toc: TocEntry[];
  /** NCX depth: how deep the table of contents nests. */
  tocDepth: number;
  landmarks: { type: string; href: string; label: string }[];
  labels: Labels;
  labelLang?: string;
  /** The nav document's file name. */
  navFile: string;
}

export interface PackageFiles {
  documents: EpubDocument[];
  cover: { href: string; mediaType: string };
  images: { href: string; mediaType: string }[];
  fonts: { href: string }[];
  navFile: string;
  ncxFile: string;
  cssFile: string;
}

export function describeBook(brief: Brief, labels: Labels, files: PackageFiles, counts: Counts, epoch: number, generator: string): BookView {
  const hasImages = counts.images > 0;
  const features = ['structuralNavigation', 'tableOfContents', 'readingOrder', 'displayTransformability'];
  if (hasImages) features.push('alternativeText');
  if (counts.notes > 0) features.push('annotations');

  const docs = files.documents;
  const doc = (part: EpubDocument['part']) => docs.find((d) => d.part === part);
  const briefDoc = doc('brief')!;
  const manifest: ManifestItem[] = [
    { id: 'nav', href: files.navFile, mediaType: 'application/xhtml+xml', properties: 'nav' },
    { id: 'ncx', href: files.ncxFile, mediaType: 'application/x-dtbncx+xml' },
    { id: 'css', href: files.cssFile, mediaType: 'text/css' },
    { id: 'cover-image', href: files.cover.href, mediaType: files.cover.mediaType, properties: 'cover-image' },
    ...docs.map((d) => ({ id: d.id, href: d.file, mediaType: 'application/xhtml+xml', properties: d.hasSvg ? 'svg' : undefined })),
    ...files.images.map((img, i) => ({ id: `img-${String(i + 1).padStart(3, '0')}`, href: img.href, mediaType: img.mediaType })),
    ...files.fonts.map((f, i) => ({ id: `font-${String(i + 1).padStart(3, '0')}`, href: f.href, mediaType: 'font/woff2' })),
  ];
  const spine = [
    { idref: 'cover', linear: true },
    { idref: 'nav', linear: true },
    ...docs.filter((d) => d.part !== 'cover').map((d) => ({ idref: d.id, linear: true })),
  ];

  let order = 0;
  const entry = (href: string, label: string, children: TocEntry[] = []): TocEntry => ({ href, label, children, playOrder: 0, navId: '' });
  const toc: TocEntry[] = [
    entry(
      briefDoc.file,
      brief.title,
      brief.questions.map((q) => entry(`${briefDoc.file}#${q.id}`, `Q${q.number}. ${q.text}`)),
    ),
    ...docs.filter((d) => d.part !== 'cover' && d.part !== 'brief').map((d) => entry(d.file, d.title)),
  ];
  const number = (list: TocEntry[]) => {
    for (const e of list) {
      e.playOrder = ++order;
      e.navId = `navpoint-${e.playOrder}`;
      number(e.children);
    }
  };
  number(toc);
  const backStart = docs.find((d) => d.epubType === 'backmatter');
  const landmarks = [
    { type: 'cover', href: doc('cover')!.file, label: labels.cover },
    { type: 'toc', href: `${files.navFile}#toc`, label: labels.contents },
    { type: 'bodymatter', href: briefDoc.file, label: brief.title },
    ...(doc('notes') ? [{ type: 'endnotes', href: doc('notes')!.file, label: labels.notes }] : []),
    ...(backStart ? [{ type: 'backmatter', href: backStart.file, label: backStart.title }] : []),
  ];

  return {
    lang: brief.language,
    dir: direction(brief.language),
    identifier: brief.identifier,
    title: brief.title,
    subtitle: brief.subtitle,
    creators: brief.authors.map((a, i) => ({ id: `creator-${i + 1}`, name: a.name, role: 'aut', seq: i + 1 })),
    publisher: brief.series.publisher,
    date: brief.date,
    modified: new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    subjects: brief.keywords,
    description: brief.summary,
    rights: brief.copyrightText,
    series: {
      name: brief.series.name,
      position: brief.number,
      issn: brief.series.identifier.scheme === 'issn' ? brief.series.identifier.issn : undefined,
    },
    a11y: {
      accessModes: hasImages ? ['textual', 'visual'] : ['textual'],
      // Every image has alt text (the pipeline requires it), so text alone always suffices.
      accessModeSufficient: hasImages ? ['textual', 'textual,visual'] : ['textual'],
      features,
      hazards: ['none'],
      summary: accessibilitySummary(counts, brief.questions.length),
      summaryLang: brief.language.toLowerCase().startsWith('en') ? undefined : 'en',
      conformsTo: 'EPUB Accessibility 1.1 - WCAG 2.2 Level AA',
      certifiedBy: brief.series.publisher,
    },
    generator,
    manifest,
    spine,
    toc,
    tocDepth: toc.some((e) => e.children.length > 0) ? 2 : 1,
    landmarks,
    labels,
    labelLang: labels.lang === brief.language ? undefined : labels.lang,
    navFile: files.navFile,
  };
}

/** The direction of a language's script. */
/** Written from what this book has, not boilerplate. */
function accessibilitySummary(counts: Counts, questions: number): string {
  const parts = [
    'This publication meets EPUB Accessibility 1.1 and WCAG 2.2 Level AA.',
    'A table of contents and landmarks lead to each part' + (questions > 0 ? `, and each of its ${questions} questions is a heading in the table of contents` : '') + '.',
    'The reading order follows the text; the publisher’s fonts are embedded and the text can be restyled and enlarged.',
  ];
  if (counts.images > 0) parts.push(`${counts.images === 1 ? 'The one image has' : `All ${counts.images} images have`} a text description.`);
  if (counts.tables > 0) parts.push(`${counts.tables === 1 ? 'The table has' : 'Tables have'} header cells.`);
  if (counts.notes > 0) parts.push(`${counts.notes} endnote${counts.notes === 1 ? ' is' : 's are'} linked from the text and back.`);
  parts.push('Nothing depends on colour, sound or motion, and nothing flashes.');
  return parts.join(' ');
}

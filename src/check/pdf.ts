/**
 * Checks of a print PDF, read with a real parser (src/pdf; the pages through the PDF target's
 * content-stream reader) against what the README promises and the machine-checkable part of PDF/UA-1
 * (Matterhorn Protocol): metadata and XMP with `pdfuaid:part`, /Lang, the document title shown,
 * tagged content, figures with /Alt, links with /Contents and tab order by structure, embedded
 * fonts from the theme (no Type 3), and a text layer
 * without soft hyphens. qpdf checks the file's structure. Each finding is a Diagnostic at the PDF
 * file whose message names the page and object.
 */
import { readFileSync } from 'node:fs';
import { parseXml } from '../util/xml.js';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRef } from '../pdf/index.js';
import type { Diagnostic } from '../util/diagnostics.js';
import { displayPath } from '../util/paths.js';
import { xmpNamespaces } from '../targets/pdf/xmp.js';
import { isTrue, mediaBox, readFigures, readFonts, readPages, readXmp, refName, text } from './pdf-read.js';
import { runTool } from './run.js';

export interface PdfCheckOptions {
  /** Font families the theme names (e.g. `Source Serif 4`): any other font is an error. Unchecked when absent. */
  fontFamilies?: string[];
  /** The theme's page size in points (its `page.size` token); US Letter when absent. */
  pageSize?: [number, number];
}

const rebuild = 'Rebuild it with `briefpress build` (the print post-process writes it).';

export async function checkPdf(pdf: string, options: PdfCheckOptions = {}): Promise<Diagnostic[]> {
  const file = displayPath(pdf);
  const out: Diagnostic[] = [];
  const add = (severity: Diagnostic['severity'], ruleId: string, message: string, hint?: string) =>
    out.push({ file, line: 0, column: 0, severity, message, ruleId, hint });

  let doc: PDFDocument;
  try {
    doc = PDFDocument.read(readFileSync(pdf));
  } catch (e) {
    add('error', 'pdf-info', `The PDF cannot be read: ${(e as Error).message.split('\n')[0]}`, 'Rebuild it with `briefpress build`.');
    return out;
  }

  // Document information (the Info dictionary).
  const infoRef = doc.context.trailerInfo.Info;
  const info = doc.context.lookupMaybe(infoRef, PDFDict);
  const where = `object ${refName(doc, infoRef)} (Info)`;
  for (const name of ['Title', 'Author', 'Subject', 'Keywords']) {
    const value = text(info?.lookup(PDFName.of(name)))?.trim();
    if (!value) add('error', 'pdf-metadata', `${where}: the PDF has no ${name}${value === '' ? ' (empty)' : ''}`, 'Set it in the front matter (title, authors, summary, keywords) and rebuild.');
    else if (value.includes('\u00ad')) add('error', 'pdf-metadata', `${where}: the PDF's ${name} holds soft hyphens (U+00AD)`, rebuild);
  }

  // XMP: present, well-formed, PDF/UA-1 (Matterhorn 06-001, 06-002, 06-003).
  const xmp = readXmp(doc);
  if (xmp.xml === undefined) add('error', 'pdf-xmp', 'catalog: the PDF has no XMP metadata stream', rebuild);
  else {
    const facts = xmpFacts(xmp.xml);
    if (facts.error) add('error', 'pdf-xmp', `object ${xmp.ref} (XMP): not well-formed XML: ${facts.error}`, rebuild);
    else {
      if (facts.pdfuaPart !== '1') add('error', 'pdf-xmp', `object ${xmp.ref} (XMP): no pdfuaid:part 1 (PDF/UA-1 identifier)${facts.pdfuaPart ? `: found ${facts.pdfuaPart}` : ''}`, rebuild);
      if (!facts.title) add('error', 'pdf-xmp', `object ${xmp.ref} (XMP): no dc:title`, rebuild);
    }
  }

  // Catalog: language (Matterhorn 11), tagging (01), title shown (07-001, 07-002).
  const lang = text(doc.catalog.lookup(PDFName.of('Lang')))?.trim();
  if (!lang) add('error', 'pdf-lang', 'catalog: the PDF has no /Lang (document language)', 'Set `language` in the front matter or series.yaml and rebuild.');
  const markInfo = doc.catalog.lookupMaybe(PDFName.of('MarkInfo'), PDFDict);
  const tagged = isTrue(markInfo?.get(PDFName.of('Marked'))) && Boolean(doc.catalog.get(PDFName.of('StructTreeRoot')));
  if (!tagged) add('error', 'pdf-tagged', 'catalog: the PDF is not tagged (no /MarkInfo /Marked true or no structure tree)', 'Print with tagging on (briefpress does by default).');
  const prefs = doc.catalog.lookupMaybe(PDFName.of('ViewerPreferences'), PDFDict);
  if (!isTrue(prefs?.get(PDFName.of('DisplayDocTitle')))) add('error', 'pdf-display-title', 'catalog: /ViewerPreferences /DisplayDocTitle is not true (viewers show the file name, not the title)', rebuild);

  const size = mediaBox(doc);
  const [w, h] = options.pageSize ?? [612, 792];
  // Chromium rounds a page to its own device units: A4 (595.28 x 841.89) comes out 594.96 x 841.92.
  if (!size || Math.abs(size[0] - w) > 1 || Math.abs(size[1] - h) > 1) {
    add('warning', 'pdf-page-size', `page 1: size is ${size ? `${size[0]} x ${size[1]} pts` : 'unknown'}, not the theme's ${options.pageSize ? '' : 'US Letter '}(${+w.toFixed(2)} x ${+h.toFixed(2)})`);
  }

  // Fonts: embedded (ISO 14289-1 7.21.4.1); Type 3 fonts and fonts the theme does not name are refused as a house rule.
  const families = options.fontFamilies?.map((f) => f.replace(/\s+/g, '').toLowerCase());
  for (const f of readFonts(doc)) {
    const at = `page ${f.page}, object ${f.ref}`;
    if (f.subtype === 'Type3') add('error', 'pdf-font-type3', `${at}: font ${f.name} is a Type 3 font (glyphs drawn as PDF procedures)`, "Use the theme's fonts (theme.yaml `fonts`), never system fonts.");
    else if (!f.embedded) add('error', 'pdf-fonts', `${at}: font ${f.name} is not embedded`, "Use the theme's fonts (theme.yaml `fonts`), never system fonts.");
    if (families && !families.some((fam) => f.name.toLowerCase().startsWith(fam))) {
      add('error', 'pdf-font-theme', `${at}: font ${f.name} is not one the theme names (${options.fontFamilies!.join(', ')})`, 'A character the theme fonts lack fell back to a system font: use the theme fonts\' characters, or add a font with it to the theme.');
    }
  }

  // Pages: tagged content (Matterhorn 01-005) and the text layer.
  for (const p of readPages(doc)) {
    const at = `page ${p.page}, object ${p.objects.join(', ')}`;
    if (p.unreadable) add('warning', 'pdf-content', `${at}: ${p.unreadable} content stream(s) could not be read; not checked`);
    if (tagged && p.untagged) add('error', 'pdf-untagged-content', `${at}: ${p.untagged} painting operator(s) neither tagged (MCID) nor marked as artifact`, 'Print with tagging on; decorations must be artifacts.');
    const shy = p.text.split('\u00ad').length - 1;
    if (shy) {
      const word = /\S*\u00ad\S*/.exec(p.text)?.[0] ?? '';
      add('error', 'pdf-soft-hyphen', `${at}: ${shy} soft hyphen(s) (U+00AD) in the text layer, e.g. in “${word.replaceAll('\u00ad', '\u2027')}” (U+00AD shown as ‧)`, `Search and copy miss hyphenated words. ${rebuild}`);
    }
  }

  // Annotations: links described (ISO 14289-1 7.18.5, Matterhorn 28-012), tab order by structure (7.18.3, 28-008/28-009).
  doc.getPages().forEach((page, i) => {
    const annots = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray)?.asArray() ?? [];
    if (annots.length && page.node.lookupMaybe(PDFName.of('Tabs'), PDFName)?.decodeText() !== 'S') {
      add('error', 'pdf-tab-order', `page ${i + 1}, object ${refName(doc, page.ref)}: the page has annotations but no /Tabs /S (tab order by structure)`, rebuild);
    }
    for (const a of annots) {
      const annot = a instanceof PDFRef ? doc.context.lookup(a) : a;
      if (!(annot instanceof PDFDict) || annot.get(PDFName.of('Subtype')) !== PDFName.of('Link')) continue;
      if (!text(annot.lookup(PDFName.of('Contents')))?.trim()) add('error', 'pdf-link-contents', `page ${i + 1}, object ${refName(doc, a)}: a link has no /Contents (its description)`, rebuild);
    }
  });

  // Figures need a text alternative (Matterhorn 13-004).
  for (const f of readFigures(doc).withoutAlt) {
    add('error', 'pdf-figure-alt', `${f.page ? `page ${f.page}, ` : ''}object ${f.ref}: a Figure has no /Alt`, 'Give every image alt text in the manuscript (`![alt](file)`).');
  }

  const qpdf = await runTool('qpdf', ['--check', pdf]);
  if (qpdf.missing) add('info', 'pdf-tools', 'qpdf not found: structure check skipped', 'Install qpdf (Debian: `apt-get install -y qpdf`).');
  else if (qpdf.code !== 0) add('error', 'pdf-structure', `qpdf --check: ${(qpdf.stdout + qpdf.stderr).trim().split('\n').slice(-1)[0]}`);
  return out;
}

/**
 * What the XMP says that `check` needs: pdfuaid:part and dc:title, found by namespace (whatever the
 * prefixes), as an element or as an attribute of rdf:Description.
 */
export function xmpFacts(xml: string): { error?: string; pdfuaPart?: string; title?: string } {
  const body = xml.replace(/^\ufeff/, '').replace(/<\?xpacket[^>]*\?>/g, '').trim();
  const parsed = parseXml(body);
  if (!parsed.ok) return { error: `${parsed.problem.message} (line ${parsed.problem.line})` };
  const doc = parsed.doc;
  const facts: { pdfuaPart?: string; title?: string } = {};
  // As an element (its text, or its first rdf:li's) or as an attribute of an rdf:Description.
  const find = (uri: string, local: string): string | undefined => {
    const el = doc.getElementsByTagNameNS(uri, local)[0];
    if (el) return (el.textContent ?? '').trim() || undefined;
    const descriptions = doc.getElementsByTagNameNS('http://www.w3.org/1999/02/22-rdf-syntax-ns#', 'Description');
    for (let i = 0; i < descriptions.length; i++) {
      const v = descriptions[i]!.getAttributeNS(uri, local);
      if (v) return v.trim();
    }
    return undefined;
  };
  facts.pdfuaPart = find(xmpNamespaces.pdfuaid, 'part');
  facts.title = find(xmpNamespaces.dc, 'title');
  return facts;
}

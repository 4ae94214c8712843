/**
 * `check` on print PDFs: the sample passes; PDFs broken on purpose (with pdf-lib, one defect each)
 * fail with the defect's rule id and a message that names the page or object.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef, PDFString, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPdf, xmpFacts } from '../src/check/pdf.js';
import type { Diagnostic } from '../src/util/diagnostics.js';
import { runCli } from './helpers/cli.js';
import { buildPdfs, sample } from './helpers/pdf.js';

const families = ['Source Serif 4', 'Source Sans 3'];
let tmp: string;
let good: string;
let goodBytes: Buffer;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'briefpress-check-pdf-'));
  await buildPdfs(sample, path.join(tmp, 'dist'));
  good = path.join(tmp, 'dist', 'kerry-in-russia', 'kerry-in-russia.pdf');
  goodBytes = readFileSync(good);
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A copy of the good PDF changed by `mutate`, checked. */
async function broken(name: string, mutate: (doc: PDFDocument) => void | Promise<void>): Promise<{ file: string; ds: Diagnostic[] }> {
  const doc = await PDFDocument.load(goodBytes, { updateMetadata: false });
  await mutate(doc);
  const file = path.join(tmp, `${name}.pdf`);
  writeFileSync(file, await doc.save({ useObjectStreams: false }));
  return { file, ds: await checkPdf(file, { fontFamilies: families }) };
}

const errors = (ds: Diagnostic[], rule: string) => ds.filter((d) => d.severity === 'error' && d.ruleId === rule);

/** Add a content stream to page 1 (with the font resources given). */
function addContent(doc: PDFDocument, content: string, fonts: Record<string, PDFRef> = {}) {
  const page = doc.getPages()[0]!;
  for (const [name, ref] of Object.entries(fonts)) page.node.setFontDictionary(PDFName.of(name), ref);
  page.node.addContentStream(doc.context.register(doc.context.flateStream(content)));
}

function firstFont(doc: PDFDocument): { name: string; ref: PDFRef; dict: PDFDict } {
  const fonts = doc.getPages()[0]!.node.Resources()!.lookup(PDFName.of('Font'), PDFDict);
  const [name, ref] = fonts.entries()[0]!;
  return { name: name.decodeText(), ref: ref as PDFRef, dict: doc.context.lookup(ref, PDFDict) };
}

describe('check on the print PDF', () => {
  it('passes the sample as built', async () => {
    const ds = await checkPdf(good, { fontFamilies: families });
    expect(ds.filter((d) => d.severity !== 'info')).toEqual([]);
  });

  it('reads the sample as another tool rewrites it (object streams, a cross-reference stream) or with a damaged table', async () => {
    const packed = path.join(tmp, 'packed.pdf');
    const r = spawnSync('qpdf', ['--object-streams=generate', good, packed], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(packed).toString('latin1')).toContain('/ObjStm');
    const messages = (ds: Diagnostic[]) => ds.filter((d) => d.severity !== 'info').map((d) => d.message);
    expect(messages(await checkPdf(packed, { fontFamilies: families }))).toEqual([]);
    // A defect is still found in such a file (and named by its object number there).
    const noLang = await broken('no-lang-for-packing', (doc) => void doc.catalog.delete(PDFName.of('Lang')));
    spawnSync('qpdf', ['--object-streams=generate', noLang.file, packed]);
    expect(errors(await checkPdf(packed), 'pdf-lang')).toHaveLength(1);
    // Every offset of the table off by the bytes put in front of the first object: read by rebuilding it.
    const shifted = path.join(tmp, 'shifted.pdf');
    const at = goodBytes.indexOf('\n', goodBytes.indexOf('\n') + 1) + 1; // after the header's two lines
    writeFileSync(shifted, Buffer.concat([goodBytes.subarray(0, at), Buffer.from('% moved\n'), goodBytes.subarray(at)]));
    const ds = await checkPdf(shifted, { fontFamilies: families });
    expect(ds.filter((d) => d.severity === 'error').map((d) => d.ruleId)).toEqual(['pdf-structure']); // qpdf says the table is damaged
  });

  it('fails a PDF without XMP', async () => {
    const { ds } = await broken('no-xmp', (doc) => void doc.catalog.delete(PDFName.of('Metadata')));
    expect(errors(ds, 'pdf-xmp').map((d) => d.message)).toEqual(['catalog: the PDF has no XMP metadata stream']);
  });

  it('fails XMP without pdfuaid:part 1, and XMP that is not well-formed', async () => {
    const swap = (edit: (xml: string) => string) => (doc: PDFDocument) => {
      const ref = doc.catalog.get(PDFName.of('Metadata')) as PDFRef;
      const xml = Buffer.from((doc.context.lookup(ref) as PDFRawStream).getContents()).toString('utf8');
      doc.context.assign(ref, doc.context.stream(Buffer.from(edit(xml), 'utf8'), { Type: 'Metadata', Subtype: 'XML' }));
    };
    const noPart = await broken('xmp-no-pdfua', swap((x) => x.replace(/<pdfuaid:part>1<\/pdfuaid:part>/, '')));
    expect(errors(noPart.ds, 'pdf-xmp')).toHaveLength(1);
    expect(errors(noPart.ds, 'pdf-xmp')[0]!.message).toMatch(/^object \d+ 0 R \(XMP\): no pdfuaid:part 1/);
    const part2 = await broken('xmp-pdfua-2', swap((x) => x.replace(/<pdfuaid:part>1</, '<pdfuaid:part>2<')));
    expect(errors(part2.ds, 'pdf-xmp')[0]!.message).toContain('found 2');
    const cut = await broken('xmp-cut', swap((x) => x.slice(0, x.indexOf('</rdf:Description>'))));
    expect(errors(cut.ds, 'pdf-xmp')[0]!.message).toContain('not well-formed XML');
  });

  it('reads pdfuaid:part by namespace, as an element or an attribute, whatever the prefix', () => {
    const ns = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:u="http://www.aiim.org/pdfua/ns/id/"';
    expect(xmpFacts(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF ${ns}><rdf:Description u:part="1"/></rdf:RDF></x:xmpmeta>`).pdfuaPart).toBe('1');
    expect(xmpFacts(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF ${ns}><rdf:Description><u:part>1</u:part></rdf:Description></rdf:RDF></x:xmpmeta>`).pdfuaPart).toBe('1');
    // The right prefix bound to another namespace is not PDF/UA.
    expect(xmpFacts(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:pdfuaid="urn:other"><rdf:Description pdfuaid:part="1"/></rdf:RDF></x:xmpmeta>`).pdfuaPart).toBeUndefined();
  });

  it('fails a PDF without /Lang', async () => {
    const { ds } = await broken('no-lang', (doc) => void doc.catalog.delete(PDFName.of('Lang')));
    expect(errors(ds, 'pdf-lang').map((d) => d.message)).toEqual(['catalog: the PDF has no /Lang (document language)']);
  });

  it('fails empty Keywords and a missing Author (the next field is not read as the value)', async () => {
    const { ds } = await broken('empty-keywords', (doc) => {
      doc.setKeywords(['']);
      const info = doc.context.lookup(doc.context.trailerInfo.Info, PDFDict);
      info.delete(PDFName.of('Author'));
    });
    const msgs = errors(ds, 'pdf-metadata').map((d) => d.message);
    expect(msgs).toHaveLength(2);
    expect(msgs[0]).toMatch(/^object \d+ 0 R \(Info\): the PDF has no Author$/);
    expect(msgs[1]).toMatch(/^object \d+ 0 R \(Info\): the PDF has no Keywords \(empty\)$/);
  });

  it('fails a Type 3 font', async () => {
    const { ds } = await broken('type3', (doc) => {
      const proc = doc.context.register(doc.context.flateStream('500 0 0 0 500 700 d1 0 0 500 700 re f'));
      const t3 = doc.context.register(
        doc.context.obj({
          Type: 'Font', Subtype: 'Type3', Name: 'Blob', FontBBox: [0, 0, 500, 700], FontMatrix: [0.001, 0, 0, 0.001, 0, 0],
          CharProcs: { a: proc }, Encoding: { Type: 'Encoding', Differences: [97, 'a'] }, FirstChar: 97, LastChar: 97, Widths: [500], Resources: {},
        }),
      );
      addContent(doc, '/Artifact BMC BT /T3 12 Tf 10 10 Td (a) Tj ET EMC', { T3: t3 });
    });
    const e = errors(ds, 'pdf-font-type3');
    expect(e).toHaveLength(1);
    expect(e[0]!.message).toMatch(/^page 1, object \d+ 0 R: font Blob is a Type 3 font/);
  });

  it('fails a font that is not embedded, and one the theme does not name', async () => {
    const { ds } = await broken('unembedded', async (doc) => {
      const helv = await doc.embedFont(StandardFonts.Helvetica);
      const { dict } = firstFont(doc);
      const clone = dict.clone(doc.context);
      clone.set(PDFName.of('BaseFont'), PDFName.of('ABCDEF+DejaVuSans'));
      addContent(doc, '/Artifact BMC BT /H1 12 Tf 10 10 Td (x) Tj /D1 12 Tf <0001> Tj ET EMC', { H1: helv.ref, D1: doc.context.register(clone) });
    });
    expect(errors(ds, 'pdf-fonts').map((d) => d.message)).toEqual([expect.stringMatching(/^page 1, object \d+ 0 R: font Helvetica is not embedded$/)]);
    const theme = errors(ds, 'pdf-font-theme').map((d) => d.message);
    expect(theme).toHaveLength(2);
    expect(theme.join('\n')).toMatch(/font DejaVuSans is not one the theme names \(Source Serif 4, Source Sans 3\)/);
    expect(theme.join('\n')).toMatch(/font Helvetica is not one the theme names/);
  });

  it('fails content that is neither tagged nor an artifact', async () => {
    const { ds } = await broken('untagged', (doc) => addContent(doc, '0 0 m 100 100 l S'));
    expect(errors(ds, 'pdf-untagged-content').map((d) => d.message)).toEqual([expect.stringMatching(/^page 1, object [\d R,]+: 1 painting operator\(s\) neither tagged/)]);
  });

  it('fails an untagged PDF', async () => {
    const { ds } = await broken('not-tagged', (doc) => {
      doc.catalog.delete(PDFName.of('MarkInfo'));
      doc.catalog.delete(PDFName.of('StructTreeRoot'));
    });
    expect(errors(ds, 'pdf-tagged')).toHaveLength(1);
  });

  it('fails a figure without /Alt (and passes one with it)', async () => {
    const addFigure = (alt?: string) => (doc: PDFDocument) => {
      const root = doc.catalog.lookup(PDFName.of('StructTreeRoot'), PDFDict);
      const top = root.lookup(PDFName.of('K'));
      const parent = top instanceof PDFArray ? (top.lookup(0) as PDFDict) : (top as PDFDict);
      const kids = parent.lookup(PDFName.of('K'), PDFArray);
      const fig = doc.context.obj({ Type: 'StructElem', S: 'Figure', P: doc.context.getObjectRef(parent)!, Pg: doc.getPages()[1]!.ref });
      if (alt) fig.set(PDFName.of('Alt'), PDFString.of(alt));
      kids.push(doc.context.register(fig));
    };
    const without = await broken('figure-no-alt', addFigure());
    expect(errors(without.ds, 'pdf-figure-alt').map((d) => d.message)).toEqual([expect.stringMatching(/^page 2, object \d+ 0 R: a Figure has no \/Alt$/)]);
    const withAlt = await broken('figure-alt', addFigure('A map of the Black Sea'));
    expect(errors(withAlt.ds, 'pdf-figure-alt')).toEqual([]);
  });

  it('fails soft hyphens in the text layer, naming the page and a word', async () => {
    const { ds } = await broken('shy', (doc) => {
      const { name } = firstFont(doc);
      addContent(doc, `/P <</MCID 900>> BDC BT /${name} 12 Tf 10 10 Td /Span <</ActualText <feff00730068006f0075006c00ad006400650072>>> BDC <0001> Tj EMC ET EMC`);
    });
    expect(errors(ds, 'pdf-soft-hyphen').map((d) => d.message)).toEqual([expect.stringMatching(/^page 1, object .*: 1 soft hyphen\(s\) \(U\+00AD\) in the text layer, e\.g\. in “shoul‧der”/)]);
  });

  it('fails a link without /Contents and a page with links but no structure tab order', async () => {
    const { ds } = await broken('links', (doc) => {
      const page = doc.getPages()[0]!;
      const annots = page.node.lookup(PDFName.of('Annots'), PDFArray);
      (annots.lookup(0) as PDFDict).delete(PDFName.of('Contents'));
      page.node.delete(PDFName.of('Tabs'));
    });
    expect(errors(ds, 'pdf-link-contents').map((d) => d.message)).toEqual([expect.stringMatching(/^page 1, object \d+ 0 R: a link has no \/Contents/)]);
    expect(errors(ds, 'pdf-tab-order').map((d) => d.message)).toEqual([expect.stringMatching(/^page 1, object \d+ 0 R: the page has annotations but no \/Tabs \/S/)]);
  });

  it('fails a PDF that does not show its title', async () => {
    const { ds } = await broken('no-display-title', (doc) => void doc.catalog.lookup(PDFName.of('ViewerPreferences'), PDFDict).delete(PDFName.of('DisplayDocTitle')));
    expect(errors(ds, 'pdf-display-title')).toHaveLength(1);
  });

  it('fails a file that is not a PDF, without a stack trace', async () => {
    const file = path.join(tmp, 'not.pdf');
    writeFileSync(file, 'hello');
    const ds = await checkPdf(file);
    expect(ds.map((d) => d.ruleId)).toEqual(['pdf-info']);
  });

  it('briefpress check exits 1 on a broken PDF and reports it, positioned, in --json', async () => {
    const out = path.join(tmp, 'cli');
    mkdirSync(path.join(out, 'kerry-in-russia'), { recursive: true });
    const { file } = await broken('cli', (doc) => {
      doc.catalog.delete(PDFName.of('Metadata'));
      doc.catalog.delete(PDFName.of('Lang'));
    });
    cpSync(file, path.join(out, 'kerry-in-russia', 'kerry-in-russia.pdf'));
    const r = runCli(['check', 'manuscript', '--out', out, '--json']);
    expect(r.code).toBe(1);
    const ds = JSON.parse(r.stdout).diagnostics as Diagnostic[];
    const pdfErrors = ds.filter((d) => d.severity === 'error');
    expect(pdfErrors.map((d) => d.ruleId).sort()).toEqual(['pdf-lang', 'pdf-xmp']);
    for (const d of pdfErrors) {
      expect(d.file).toMatch(/kerry-in-russia\.pdf$/);
      expect(d.hint).toBeTruthy();
    }
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

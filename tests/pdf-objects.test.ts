/**
 * briefpress's PDF object layer (src/pdf): the object syntax (strings, names, nested dictionaries),
 * streams by direct and indirect /Length or by `endstream`, cross-reference tables with /Prev,
 * cross-reference and object streams (made by qpdf), a damaged table rebuilt, and the writer's
 * output read back by pdf-lib and qpdf as independent readers.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { PDFDocument as PdfLib, PDFName as LibName, PDFDict as LibDict, PDFRawStream as LibStream, PDFString as LibString } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFArray, PDFBool, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNull, PDFNumber, PDFRawStream, PDFRef, PDFString, decodeStream, formatObject } from '../src/pdf/index.js';
import { Parser } from '../src/pdf/parse.js';
import { parseContent } from '../src/targets/pdf/content.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'briefpress-pdf-objects-'));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Parse one object from PDF syntax. */
function parse(src: string) {
  const bytes = Buffer.from(src, 'latin1');
  return new Parser(src, bytes, { lookup: (o) => o }).value();
}
const bytesOf = (o: unknown) => Buffer.from((o as PDFString).asBytes()).toString('latin1');

/** A PDF file from object bodies (object i + 1 is bodies[i]) with a correct classic table; the catalog is object 1. */
function makePdf(bodies: (string | Buffer)[], trailerExtra = ''): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let pos = parts[0]!.length;
  bodies.forEach((body, i) => {
    offsets.push(pos);
    const b = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), typeof body === 'string' ? Buffer.from(body, 'latin1') : body, Buffer.from('\nendobj\n', 'latin1')]);
    parts.push(b);
    pos += b.length;
  });
  let xref = `xref\n0 ${bodies.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) xref += `${String(o).padStart(10, '0')} 00000 n \n`;
  xref += `trailer\n<</Size ${bodies.length + 1} /Root 1 0 R${trailerExtra}>>\nstartxref\n${pos}\n%%EOF\n`;
  parts.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(parts);
}

/** A one-page PDF: catalog, pages, page, a content stream, an Info dict. */
function onePage(content = 'BT /F1 12 Tf 10 50 Td (Hello) Tj ET', extra: string[] = []): Buffer {
  const data = deflateSync(Buffer.from(content, 'latin1'));
  return makePdf(
    [
      '<</Type /Catalog /Pages 2 0 R /Lang (en-GB)>>',
      '<</Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 200 100] /Resources <</Font <</F1 6 0 R>>>>>>',
      '<</Type /Page /Parent 2 0 R /Contents 4 0 R>>',
      Buffer.concat([Buffer.from(`<</Length 5 0 R /Filter /FlateDecode>>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]),
      String(data.length),
      '<</Type /Font /Subtype /Type1 /BaseFont /Helvetica>>',
      '<</Title <FEFF004800E9006C006C006F> /Author (Ann \\(A.\\) Author) /Keywords (\\200 one; two)>>',
      ...extra,
    ],
    ' /Info 7 0 R',
  );
}

function qpdf(...args: string[]): { code: number; out: string } {
  const r = spawnSync('qpdf', args, { encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe('the object syntax', () => {
  it('reads literal strings: escapes, octal, balanced parentheses, line continuations, end-of-line', () => {
    expect(bytesOf(parse('(plain)'))).toBe('plain');
    expect(bytesOf(parse('(a (nested (twice)) b)'))).toBe('a (nested (twice)) b');
    expect(bytesOf(parse('(\\(\\)\\\\\\n\\r\\t\\b\\f)'))).toBe('()\\\n\r\t\b\f');
    expect(bytesOf(parse('(\\101\\1012\\0\\7x\\q)'))).toBe('AA2\0\x07xq');
    expect(bytesOf(parse('(one\\\ntwo\\\r\nthree)'))).toBe('onetwothree');
    expect(bytesOf(parse('(a\r\nb\rc\nd)'))).toBe('a\nb\nc\nd');
    expect(bytesOf(parse('(\xff\xfe raw)'))).toBe('\xff\xfe raw');
  });

  it('reads hex strings (white space, odd digit count) and names with #xx', () => {
    const h = parse('<48 65 6c6C 6>');
    expect(h).toBeInstanceOf(PDFHexString);
    expect(bytesOf(h)).toBe('Hell`');
    expect(parse('/A#20B#2fC')).toBe(PDFName.of('A B/C'));
    expect(parse('/Lime#20Green')).toBe(PDFName.of('Lime Green'));
    expect(formatObject(PDFName.of('A B/C#(1)'))).toBe('/A#20B#2FC#23#281#29');
    expect(parse(formatObject(PDFName.of('A B/C#(1)')))).toBe(PDFName.of('A B/C#(1)'));
  });

  it('reads numbers, booleans, null, references and nested arrays and dictionaries', () => {
    const o = parse('<</A [1 -2 +3 .5 -.25 4. 12 0 R [true false null] <</D /E>>] /B 7 0 R /N null /S (x)>>') as PDFDict;
    expect(o).toBeInstanceOf(PDFDict);
    const a = o.get(PDFName.of('A')) as PDFArray;
    expect(a.asArray().slice(0, 6).map((x) => (x as PDFNumber).asNumber())).toEqual([1, -2, 3, 0.5, -0.25, 4]);
    expect(a.get(6)).toBe(PDFRef.of(12, 0));
    expect((a.get(7) as PDFArray).asArray()).toEqual([PDFBool.True, PDFBool.False, PDFNull.Null]);
    expect((a.get(8) as PDFDict).get(PDFName.of('D'))).toBe(PDFName.of('E'));
    expect(o.get(PDFName.of('B'))).toBe(PDFRef.of(7, 0));
    expect(o.has(PDFName.of('N'))).toBe(false); // a null value is no entry
    // Comments are white space; `1 2` not followed by R stays two numbers.
    const arr = parse('[1 2 % a comment ]\n 3]') as PDFArray;
    expect(arr.asArray().map((x) => (x as PDFNumber).asNumber())).toEqual([1, 2, 3]);
  });

  it('writes what it reads (strings escaped, numbers without exponents)', () => {
    const src = '<</A [1 -2 0.5 12 0 R [true false null]] /S (a\\(b\\)\\\\c\\n\\000) /H <00FF> /Nested <</X <</Y [/Z]>>>>>>';
    const once = formatObject(parse(src));
    expect(formatObject(parse(once))).toBe(once);
    expect(bytesOf((parse(once) as PDFDict).get(PDFName.of('S')))).toBe('a(b)\\c\n\0');
    expect(formatObject(PDFNumber.of(1e-7))).toBe('0.0000001');
    expect(formatObject(PDFNumber.of(612))).toBe('612');
  });

  it('decodes and encodes text strings: PDFDocEncoding, UTF-16BE with its mark, UTF-8 with its', () => {
    expect(PDFString.of('Café').decodeText()).toBe('Café');
    expect(PDFString.of('Café').asBytes()).toEqual(Uint8Array.from([0x43, 0x61, 0x66, 0xe9]));
    expect(new PDFString(Uint8Array.from([0x80, 0x84, 0x93]) as Uint8Array).decodeText()).toBe('\u2022\u2014\ufb01');
    expect(PDFString.of('Пример').asBytes().slice(0, 2)).toEqual(Uint8Array.from([0xfe, 0xff]));
    expect(PDFString.of('Пример').decodeText()).toBe('Пример');
    expect(PDFHexString.fromText('Kerry — 😀').decodeText()).toBe('Kerry — 😀');
    expect(new PDFString(Uint8Array.from([0xef, 0xbb, 0xbf, 0xc3, 0xa9])).decodeText()).toBe('é');
    expect(PDFString.fromDate(new Date(Date.UTC(2015, 4, 12, 3, 4, 5))).decodeText()).toBe('D:20150512030405Z');
  });
});

describe('reading a file', () => {
  it('reads a stream whose /Length is an indirect object, the Info strings and the page tree', () => {
    const doc = PDFDocument.read(onePage());
    expect(doc.context.warnings).toEqual([]);
    const pages = doc.getPages();
    expect(pages).toHaveLength(1);
    expect(pages[0]!.getHeight()).toBe(100);
    expect(pages[0]!.resources()?.lookupMaybe(PDFName.of('Font'), PDFDict)).toBeInstanceOf(PDFDict);
    const stream = doc.context.lookup(pages[0]!.node.get(PDFName.of('Contents')), PDFRawStream);
    expect(Buffer.from(decodeStream(stream)).toString('latin1')).toBe('BT /F1 12 Tf 10 50 Td (Hello) Tj ET');
    const info = doc.getInfoDict();
    expect((info.lookup(PDFName.of('Title')) as PDFHexString).decodeText()).toBe('Héllo');
    expect((info.lookup(PDFName.of('Author')) as PDFString).decodeText()).toBe('Ann (A.) Author');
    expect((info.lookup(PDFName.of('Keywords')) as PDFString).decodeText()).toBe('\u2022 one; two');
  });

  it('finds a stream\'s end by `endstream` when /Length is wrong or missing', () => {
    for (const length of ['/Length 3', '/Length 9999', '']) {
      const file = makePdf(['<</Type /Catalog /Pages 2 0 R /Extra 3 0 R>>', '<</Type /Pages /Kids [] /Count 0>>', `<<${length}>>\nstream\nsome bytes ) endobj\nendstream`]);
      const doc = PDFDocument.read(file);
      const s = doc.context.lookup(doc.catalog.get(PDFName.of('Extra')), PDFRawStream);
      expect(Buffer.from(s.contents).toString('latin1'), length).toBe('some bytes ) endobj');
    }
  });

  it('follows /Prev: an incremental update replaces an object and adds one', () => {
    const base = onePage();
    const start = base.length;
    const obj7 = '7 0 obj\n<</Title (Updated)>>\nendobj\n';
    const obj8 = '8 0 obj\n(new)\nendobj\n';
    const prev = /startxref\n(\d+)/.exec(base.toString('latin1'))![1];
    const update = `${obj7}${obj8}xref\n7 2\n${String(start).padStart(10, '0')} 00000 n \n${String(start + obj7.length).padStart(10, '0')} 00000 n \ntrailer\n<</Size 9 /Root 1 0 R /Info 7 0 R /Prev ${prev}>>\nstartxref\n${start + obj7.length + obj8.length}\n%%EOF\n`;
    const doc = PDFDocument.read(Buffer.concat([base, Buffer.from(update, 'latin1')]));
    expect(doc.context.warnings).toEqual([]);
    expect((doc.getInfoDict().lookup(PDFName.of('Title')) as PDFString).decodeText()).toBe('Updated');
    expect((doc.context.lookup(PDFRef.of(8)) as PDFString).decodeText()).toBe('new');
    expect(doc.context.lookup(PDFRef.of(6))).toBeInstanceOf(PDFDict); // from the first section
  });

  it('rebuilds a damaged cross-reference table from the objects', () => {
    const good = onePage();
    // Bytes inserted after the header move every object: the table's offsets are all wrong.
    const shifted = Buffer.concat([good.subarray(0, 9), Buffer.from('% padding that moves everything\n', 'latin1'), good.subarray(9)]);
    // No table at all: startxref points nowhere.
    const cut = Buffer.from(good.toString('latin1').replace(/xref[\s\S]*$/, 'trailer\n<</Root 1 0 R /Info 7 0 R>>\n%%EOF\n'), 'latin1');
    for (const file of [shifted, cut]) {
      const doc = PDFDocument.read(file);
      expect(doc.context.warnings.join()).toContain('rebuilt');
      expect(doc.getPages()).toHaveLength(1);
      expect((doc.getInfoDict().lookup(PDFName.of('Author')) as PDFString).decodeText()).toBe('Ann (A.) Author');
      const out = path.join(tmp, 'rebuilt.pdf');
      writeFileSync(out, doc.save());
      expect(qpdf('--check', out).code).toBe(0);
    }
    expect(() => PDFDocument.read(Buffer.from('not a pdf'))).toThrow(/not a PDF/);
    expect(() => PDFDocument.read(Buffer.from('%PDF-1.4\n1 0 obj\n(no catalog)\nendobj\n'))).toThrow(/no document catalog/);
  });

  it('reads cross-reference streams and object streams (a file rewritten by qpdf)', () => {
    const src = path.join(tmp, 'plain.pdf');
    const packed = path.join(tmp, 'packed.pdf');
    writeFileSync(src, onePage());
    expect(qpdf('--object-streams=generate', '--compress-streams=y', src, packed).code).toBe(0);
    const raw = readFileSync(packed).toString('latin1');
    expect(raw).toContain('/ObjStm');
    expect(raw).toContain('/XRef');
    expect(raw).not.toMatch(/^xref$/m);
    const doc = PDFDocument.read(readFileSync(packed));
    expect(doc.context.warnings).toEqual([]);
    expect(doc.catalog.lookup(PDFName.of('Lang'), PDFString).decodeText()).toBe('en-GB');
    expect((doc.getInfoDict().lookup(PDFName.of('Title')) as PDFHexString).decodeText()).toBe('Héllo');
    const page = doc.getPages()[0]!;
    expect(Buffer.from(decodeStream(doc.context.lookup(page.node.get(PDFName.of('Contents')), PDFRawStream))).toString('latin1')).toContain('(Hello) Tj');
    // Written again without them: a classic table, the object and cross-reference streams gone.
    const out = path.join(tmp, 'unpacked.pdf');
    writeFileSync(out, doc.save());
    const written = readFileSync(out).toString('latin1');
    expect(written).not.toContain('/ObjStm');
    expect(written).not.toContain('/XRef');
    expect(qpdf('--check', out).code).toBe(0);
  });
});

describe('writing a file', () => {
  it('writes what pdf-lib and qpdf read back, the same bytes each time, stream bytes untouched', async () => {
    const doc = PDFDocument.read(onePage());
    const info = doc.getInfoDict();
    info.set(PDFName.of('Subject'), PDFHexString.fromText('Russia — Syria (and) Iran \\ 😀'));
    info.set(PDFName.of('Keywords'), PDFString.of('a (b) c\\d\r\n'));
    doc.catalog.set(PDFName.of('Odd#Name (x)'), doc.context.obj({ Nested: [1, 0.25, 'Name', true, null, { Deep: PDFString.of('ok') }] }));
    const xmp = doc.context.register(doc.context.stream(Buffer.from('<x:xmpmeta/>\n', 'utf8'), { Type: 'Metadata', Subtype: 'XML' }));
    doc.catalog.set(PDFName.of('Metadata'), xmp);
    // An object nothing refers to is not written; the /Length object 5 is not either (written direct).
    doc.context.register(doc.context.obj({ Orphan: true }));
    const a = doc.save();
    const b = doc.save();
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
    const text = Buffer.from(a).toString('latin1');
    expect(text).not.toContain('Orphan');
    expect(text).not.toMatch(/^5 0 obj/m);
    const file = path.join(tmp, 'written.pdf');
    writeFileSync(file, a);
    const check = qpdf('--check', file);
    expect(check.out).toContain('No syntax or stream encoding errors found');
    expect(check.code).toBe(0);

    const lib = await PdfLib.load(a, { updateMetadata: false });
    expect(lib.getPageCount()).toBe(1);
    expect(lib.getSubject()).toBe('Russia — Syria (and) Iran \\ 😀');
    expect(lib.getTitle()).toBe('Héllo');
    expect(((lib.context.lookup(lib.context.trailerInfo.Info) as LibDict).lookup(LibName.of('Keywords')) as LibString).decodeText()).toBe('a (b) c\\d\r\n');
    const odd = lib.catalog.lookup(LibName.of('Odd#Name (x)'), LibDict);
    expect(odd.toString()).toContain('/Deep (ok)');
    const meta = lib.context.lookup(lib.catalog.get(LibName.of('Metadata'))) as LibStream;
    expect(Buffer.from(meta.getContents()).toString('utf8')).toBe('<x:xmpmeta/>\n');
    // The content stream's compressed bytes are the very ones read.
    const ours = PDFDocument.read(onePage());
    const before = ours.context.lookup(ours.getPages()[0]!.node.get(PDFName.of('Contents')), PDFRawStream).contents;
    const again = PDFDocument.read(a);
    expect(Buffer.compare(Buffer.from(again.context.lookup(again.getPages()[0]!.node.get(PDFName.of('Contents')), PDFRawStream).contents), Buffer.from(before))).toBe(0);
  });
});

describe('the content-stream reader', () => {
  it('reads numbers as Number() does, and refuses malformed ones', () => {
    const cases = ['0', '1', '-1', '+2', '.5', '-.5', '12.34', '612.0', '3.', '0.000001', '123456789.123456', '1.2345678901', '99999999999999999', '1e5'];
    const ops = parseContent(Buffer.from(cases.map((c) => `${c} w`).join('\n')))!;
    expect(ops.map((o) => (o.operands[0] as { value: number }).value)).toEqual(cases.map(Number));
    expect(ops.every((o) => o.operator === 'w')).toBe(true);
    for (const bad of ['5.3.2 w', '--5 w', '1 ) w']) expect(parseContent(Buffer.from(bad)), bad).toBeUndefined();
  });

  it('reads operators, names, strings, arrays and dictionaries with their byte ranges', () => {
    const src = '/Span <</ActualText <FEFF00AD> /MCID 3>> BDC [(a\\(b\\)) -250 <41>] TJ EMC q 1 0 0 1 10 20 cm /F#201 12 Tf Q';
    const ops = parseContent(Buffer.from(src, 'latin1'))!;
    expect(ops.map((o) => o.operator)).toEqual(['BDC', 'TJ', 'EMC', 'q', 'cm', 'Tf', 'Q']);
    const props = ops[0]!.operands[1]!;
    expect(props.kind === 'dict' && props.entries.get('MCID')).toEqual({ kind: 'number', value: 3 });
    const actual = props.kind === 'dict' ? props.entries.get('ActualText') : undefined;
    expect(actual?.kind === 'string' && src.slice(actual.start, actual.end)).toBe('<FEFF00AD>');
    const tj = ops[1]!.operands[0]!;
    expect(tj.kind === 'array' && tj.items.map((x) => (x.kind === 'string' ? Buffer.from(x.bytes).toString('latin1') : x.kind === 'number' ? x.value : '?'))).toEqual(['a(b)', -250, 'A']);
    expect(src.slice(ops[1]!.start, ops[1]!.end)).toBe('[(a\\(b\\)) -250 <41>] TJ');
    expect(ops[5]!.operands[0]).toEqual({ kind: 'name', value: 'F 1' });
    expect(parseContent(Buffer.from('BI /W 1 ID x EI'))).toBeUndefined();
  });
});

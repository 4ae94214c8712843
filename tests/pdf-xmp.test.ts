/** The XMP packet of the print PDF, as a pure function: well-formed, one entry per author and keyword, escaped. */
import { describe, expect, it } from 'vitest';
import { joinKeywords, xmpPacket, type XmpInfo } from '../src/targets/pdf/xmp.js';
import { parseXmp } from './helpers/pdf.js';

const info: XmpInfo = {
  title: 'Tom & Jerry <in> "Russia"',
  authors: ['Ann Author', 'Boris Writer'],
  description: 'A & B',
  keywords: ['United States', 'R&D; policy', 'Chemical weapons'],
  language: 'en-US',
  identifier: 'urn:uuid:0000',
  series: { name: 'Critical Questions', number: 7 },
  creatorTool: 'briefpress 1.0.0',
  producer: 'briefpress 1.0.0 (Chromium, pdf-lib)',
  epoch: 1431388800,
};

describe('xmpPacket', () => {
  it('is well-formed XML with each author, each keyword, the dates and pdfuaid:part 1', () => {
    const xml = xmpPacket(info);
    expect(xml.startsWith('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>')).toBe(true);
    const d = parseXmp(xml) as Record<string, any>;
    expect(d['dc:title']['rdf:Alt']['rdf:li'][0]['#text']).toBe('Tom & Jerry <in> "Russia"');
    expect(d['dc:title']['rdf:Alt']['rdf:li'][0]['@_xml:lang']).toBe('x-default');
    expect(d['dc:creator']['rdf:Seq']['rdf:li']).toEqual(['Ann Author', 'Boris Writer']);
    expect(d['dc:subject']['rdf:Bag']['rdf:li']).toEqual(['United States', 'R&D; policy', 'Chemical weapons']);
    expect(d['dc:language']['rdf:Bag']['rdf:li']).toEqual(['en-US']);
    expect(d['dc:identifier']).toBe('urn:uuid:0000');
    expect(d['xmp:CreateDate']).toBe('2015-05-12T00:00:00Z');
    expect(d['xmp:ModifyDate']).toBe('2015-05-12T00:00:00Z');
    expect(d['pdf:Producer']).toBe(info.producer);
    expect(d['pdf:Keywords']).toBe('United States; R&D, policy; Chemical weapons');
    expect(d['pdfuaid:part']).toBe('1');
    expect(d['calibre:series']['rdf:value']).toBe('Critical Questions');
    expect(d['calibre:series']['calibreSI:series_index']).toBe('7.00');
    expect(d['prism:number']).toBe('7');
  });

  it('is the same text for the same input', () => {
    expect(xmpPacket(info)).toBe(xmpPacket(structuredClone(info)));
  });

  it('joins keywords with semicolons, a semicolon inside one becoming a comma', () => {
    expect(joinKeywords(['United States', 'a;b', ' ', 'Syria'])).toBe('United States; a,b; Syria');
  });
});

/**
 * A PDF document read lazily: the cross-reference data (classic tables with their /Prev chain,
 * cross-reference streams, object streams; rebuilt by scanning for `n g obj` when damaged) says
 * where each object is, and an object is parsed only when it is looked up. Objects can be changed,
 * added and removed; write.ts saves the result.
 */
import { decodeStream } from './filters.js';
import { Parser, PdfSyntaxError } from './parse.js';
import { PDFArray, PDFBool, PDFDict, PDFName, PDFNull, PDFNumber, PDFObject, PDFRawStream, PDFRef, type Resolver } from './objects.js';
import { writePdf, type WriteOptions } from './write.js';

type Ctor<T> = Function & { prototype: T };

/** Where an object is: at a byte offset, or the index-th object of an object stream. */
type Location = { offset: number } | { stream: number; index: number };

/** A JavaScript value for context.obj(): strings are names (as in pdf-lib). */
export type Literal = PDFObject | string | number | boolean | null | undefined | Literal[] | { [key: string]: Literal };

export interface TrailerInfo {
  Root?: PDFObject;
  Info?: PDFObject;
  ID?: PDFObject;
  Encrypt?: PDFObject;
}

export class PDFContext implements Resolver {
  /** Objects parsed or set, by reference. Deleted objects map to undefined. */
  private readonly objects = new Map<PDFRef, PDFObject | undefined>();
  /** Where objects not yet parsed are (from the cross-reference data). */
  private locations = new Map<PDFRef, Location>();
  private readonly refs = new WeakMap<PDFObject, PDFRef>();
  private readonly objectStreams = new Map<number, { parser: Parser; offsets: number[] } | undefined>();
  private readonly parsing = new Set<PDFRef>();
  private rebuilt = false;
  largestObjectNumber = 0;
  trailerInfo: TrailerInfo = {};
  /** The header's version, e.g. `1.4`. */
  version = '1.7';
  /** Problems met while reading (a rebuilt cross-reference table, objects that could not be parsed). */
  readonly warnings: string[] = [];
  private readonly parser: Parser;

  constructor(readonly bytes: Uint8Array) {
    this.parser = new Parser(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), bytes, this);
  }

  /** The object a reference points to (other objects as they are); undefined for a missing object. */
  lookup(ref: PDFObject | undefined): PDFObject | undefined;
  lookup<T extends PDFObject>(ref: PDFObject | undefined, type: Ctor<T>): T;
  lookup<T extends PDFObject>(ref: PDFObject | undefined, type?: Ctor<T>): PDFObject | undefined {
    const v = ref instanceof PDFRef ? this.resolve(ref) : ref;
    if (type && !(v instanceof type)) throw new Error(`PDF object ${ref}: expected ${type.name}, found ${v?.constructor.name ?? 'nothing'}`);
    return v;
  }

  lookupMaybe<T extends PDFObject>(ref: PDFObject | undefined, type: Ctor<T>): T | undefined {
    const v = ref instanceof PDFRef ? this.resolve(ref) : ref;
    return v instanceof type ? (v as T) : undefined;
  }

  private resolve(ref: PDFRef): PDFObject | undefined {
    if (this.objects.has(ref)) return this.objects.get(ref);
    const at = this.locations.get(ref);
    if (!at || this.parsing.has(ref)) return undefined;
    this.parsing.add(ref);
    try {
      let value = this.parseAt(ref, at);
      if (value === undefined && !this.rebuilt) {
        // The table pointed somewhere else: read it again from the objects themselves.
        this.rebuild(`object ${ref} is not where the cross-reference table says`);
        const again = this.locations.get(ref);
        value = again ? this.parseAt(ref, again) : undefined;
      }
      if (value === undefined) this.warnings.push(`object ${ref} could not be read`);
      this.set(ref, value);
      return value;
    } finally {
      this.parsing.delete(ref);
    }
  }

  private parseAt(ref: PDFRef, at: Location): PDFObject | undefined {
    try {
      if ('offset' in at) {
        this.parser.pos = at.offset;
        const got = this.parser.indirect((r) => this.lookup(r));
        return got.ref.objectNumber === ref.objectNumber ? got.value : undefined;
      }
      const os = this.objectStream(at.stream);
      const offset = os?.offsets[at.index];
      if (!os || offset === undefined) return undefined;
      os.parser.pos = offset;
      return os.parser.value();
    } catch (e) {
      if (e instanceof PdfSyntaxError) return undefined;
      throw e;
    }
  }

  /** An object stream's parser and the offsets of its objects (by index). */
  private objectStream(num: number) {
    if (this.objectStreams.has(num)) return this.objectStreams.get(num);
    let entry: { parser: Parser; offsets: number[] } | undefined;
    const stream = this.lookup(PDFRef.of(num, 0));
    if (stream instanceof PDFRawStream) {
      try {
        const data = decodeStream(stream);
        const n = stream.dict.lookupMaybe(PDFName.of('N'), PDFNumber)?.asNumber() ?? 0;
        const first = stream.dict.lookupMaybe(PDFName.of('First'), PDFNumber)?.asNumber() ?? 0;
        const parser = new Parser(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1'), data, this);
        const offsets: number[] = [];
        for (let i = 0; i < n; i++) {
          const obj = parser.integer();
          const off = parser.integer();
          if (obj === undefined || off === undefined) break;
          offsets.push(first + off);
        }
        entry = { parser, offsets };
      } catch {
        entry = undefined;
      }
    }
    this.objectStreams.set(num, entry);
    return entry;
  }

  private set(ref: PDFRef, value: PDFObject | undefined): void {
    this.objects.set(ref, value);
    if (value) this.refs.set(value, ref);
    if (ref.objectNumber > this.largestObjectNumber) this.largestObjectNumber = ref.objectNumber;
  }

  /** Set (or replace) the object at `ref`. */
  assign(ref: PDFRef, value: PDFObject): void {
    this.set(ref, value);
  }

  /** Add an object; its new reference. */
  register(value: PDFObject): PDFRef {
    const ref = PDFRef.of(this.largestObjectNumber + 1, 0);
    this.set(ref, value);
    return ref;
  }

  delete(ref: PDFRef): boolean {
    const had = this.objects.get(ref) !== undefined || this.locations.has(ref);
    this.objects.set(ref, undefined);
    this.locations.delete(ref);
    return had;
  }

  /** The reference of an indirect object (one looked up, assigned or registered), if it is one. */
  getObjectRef(value: PDFObject): PDFRef | undefined {
    return this.refs.get(value);
  }

  /** A PDF object from a JavaScript value: strings become names, arrays and objects arrays and dictionaries. */
  obj(literal: Literal[]): PDFArray;
  obj(literal: { [key: string]: Literal }): PDFDict;
  obj(literal: Literal): PDFObject;
  obj(literal: Literal): PDFObject {
    if (literal instanceof PDFObject) return literal;
    if (literal === null || literal === undefined) return PDFNull.Null;
    if (typeof literal === 'string') return PDFName.of(literal);
    if (typeof literal === 'number') return PDFNumber.of(literal);
    if (typeof literal === 'boolean') return literal ? PDFBool.True : PDFBool.False;
    if (Array.isArray(literal)) return new PDFArray(literal.map((x) => this.obj(x)), this);
    const map = new Map<PDFName, PDFObject>();
    for (const [k, v] of Object.entries(literal)) if (v !== undefined) map.set(PDFName.of(k), this.obj(v));
    return new PDFDict(map, this);
  }

  /** A stream of `contents` (already encoded as its /Filter says) with the dictionary entries given. */
  stream(contents: Uint8Array, dict: { [key: string]: Literal } = {}): PDFRawStream {
    return new PDFRawStream(this.obj(dict), contents);
  }

  // --- Reading the cross-reference data ---

  /** Read the header, the cross-reference data and the trailer; rebuild them when damaged. */
  readStructure(): void {
    const s = this.parser.s;
    const header = /%PDF-(\d\.\d)/.exec(s.slice(0, 1024));
    if (!header) throw new PdfSyntaxError('not a PDF file (no %PDF- header)', 0);
    this.version = header[1]!;
    try {
      const at = s.lastIndexOf('startxref');
      if (at < 0) throw new PdfSyntaxError('no startxref', s.length);
      this.parser.pos = at + 'startxref'.length;
      const offset = this.parser.integer();
      if (offset === undefined) throw new PdfSyntaxError('startxref without an offset', at);
      this.readSections(offset);
      if (!(this.trailerInfo.Root instanceof PDFRef) || !this.locations.has(this.trailerInfo.Root)) throw new PdfSyntaxError('the trailer has no /Root in the table', at);
      // A cheap sanity check of the table: the catalog is where it says.
      const root = this.locations.get(this.trailerInfo.Root)!;
      if ('offset' in root && !this.startsObject(root.offset, this.trailerInfo.Root.objectNumber)) throw new PdfSyntaxError('the catalog is not where the table says', root.offset);
    } catch (e) {
      if (!(e instanceof PdfSyntaxError)) throw e;
      this.rebuild(e.message);
    }
    if (!(this.lookup(this.trailerInfo.Root) instanceof PDFDict)) throw new PdfSyntaxError('the PDF has no document catalog', 0);
    for (const ref of this.locations.keys()) if (ref.objectNumber > this.largestObjectNumber) this.largestObjectNumber = ref.objectNumber;
  }

  private startsObject(offset: number, num: number): boolean {
    this.parser.pos = offset;
    return this.parser.integer() === num && this.parser.integer() !== undefined && this.parser.keyword('obj');
  }

  /** One cross-reference section (table or stream) and those before it (/Prev), newest entries first. */
  private readSections(first: number): void {
    const seen = new Set<number>();
    const queue = [first];
    let trailerSet = false;
    while (queue.length) {
      const offset = queue.shift()!;
      if (seen.has(offset) || seen.size > 1000) continue;
      seen.add(offset);
      const p = this.parser;
      p.pos = offset;
      let trailer: PDFDict;
      if (p.keyword('xref')) {
        for (;;) {
          const start = p.integer();
          if (start === undefined) break;
          const count = p.integer();
          if (count === undefined) throw new PdfSyntaxError('bad cross-reference subsection', p.pos);
          for (let i = 0; i < count; i++) {
            const off = p.integer();
            const gen = p.integer();
            p.skip();
            const type = p.s[p.pos++];
            if (off === undefined || gen === undefined || (type !== 'n' && type !== 'f')) throw new PdfSyntaxError('bad cross-reference entry', p.pos);
            const ref = PDFRef.of(start + i, gen);
            if (!this.known(start + i) && type === 'n' && off > 0) this.locations.set(ref, { offset: off });
            
          }
        }
        if (!p.keyword('trailer')) throw new PdfSyntaxError('no trailer after the cross-reference table', p.pos);
        const t = p.value();
        if (!(t instanceof PDFDict)) throw new PdfSyntaxError('the trailer is not a dictionary', p.pos);
        trailer = t;
        // A hybrid file's cross-reference stream (/XRefStm) comes before this table's /Prev.
        const stm = trailer.get(PDFName.of('XRefStm'));
        if (stm instanceof PDFNumber) queue.unshift(stm.asNumber());
      } else {
        const { value } = p.indirect((r) => this.lookup(r));
        if (!(value instanceof PDFRawStream) || value.dict.get(PDFName.of('Type')) !== PDFName.of('XRef')) throw new PdfSyntaxError('startxref points at neither a table nor a cross-reference stream', offset);
        this.readXrefStream(value);
        trailer = value.dict;
      }
      if (!trailerSet) {
        this.setTrailer(trailer);
        trailerSet = true;
      }
      const prev = trailer.get(PDFName.of('Prev'));
      if (prev instanceof PDFNumber) queue.push(prev.asNumber());
    }
  }

  /** Object numbers a newer section already defined (or freed): older sections do not override them. */
  private readonly numbers = new Set<number>();
  private known(num: number): boolean {
    if (this.numbers.has(num)) return true;
    this.numbers.add(num);
    return false;
  }

  private readXrefStream(stream: PDFRawStream): void {
    const dict = stream.dict;
    const w = dict.lookupMaybe(PDFName.of('W'), PDFArray)?.asArray().map((x) => (x instanceof PDFNumber ? x.asNumber() : -1));
    if (!w || w.length !== 3 || w.some((x) => x < 0 || x > 8)) throw new PdfSyntaxError('a cross-reference stream without a valid /W', 0);
    const size = dict.lookupMaybe(PDFName.of('Size'), PDFNumber)?.asNumber() ?? 0;
    const index = dict.lookupMaybe(PDFName.of('Index'), PDFArray)?.asArray().map((x) => (x instanceof PDFNumber ? x.asNumber() : 0)) ?? [0, size];
    let data: Uint8Array;
    try {
      data = decodeStream(stream);
    } catch (e) {
      throw new PdfSyntaxError(`the cross-reference stream cannot be decoded: ${(e as Error).message}`, 0);
    }
    const rowLength = w[0]! + w[1]! + w[2]!;
    const field = (at: number, n: number) => {
      let v = 0;
      for (let i = 0; i < n; i++) v = v * 256 + data[at + i]!;
      return v;
    };
    let row = 0;
    for (let k = 0; k + 1 < index.length; k += 2) {
      for (let i = 0; i < index[k + 1]!; i++, row++) {
        const at = row * rowLength;
        if (at + rowLength > data.length) return;
        const type = w[0] === 0 ? 1 : field(at, w[0]!);
        const a = field(at + w[0]!, w[1]!);
        const b = field(at + w[0]! + w[1]!, w[2]!);
        const num = index[k]! + i;
        if (this.known(num)) continue;
        if (type === 1) this.locations.set(PDFRef.of(num, b), { offset: a });
        else if (type === 2) this.locations.set(PDFRef.of(num, 0), { stream: a, index: b });
        
      }
    }
  }

  private setTrailer(trailer: PDFDict): void {
    const get = (k: string) => trailer.get(PDFName.of(k));
    this.trailerInfo = { Root: get('Root'), Info: get('Info'), ID: get('ID'), Encrypt: get('Encrypt') };
  }

  /**
   * Rebuild the cross-reference data from the objects in the file (the last definition of each
   * number wins, as in an updated file), then the objects of the object streams found.
   */
  private rebuild(why: string): void {
    this.rebuilt = true;
    this.warnings.push(`cross-reference table rebuilt: ${why}`);
    const s = this.parser.s;
    const locations = new Map<PDFRef, Location>();
    const byNumber = new Map<number, PDFRef>();
    const re = /(?<![0-9])(\d+)[\0\t\n\f\r ]+(\d+)[\0\t\n\f\r ]+obj(?![^\0\t\n\f\r ()<>[\]{}/%])/g;
    for (let m = re.exec(s); m; m = re.exec(s)) {
      const ref = PDFRef.of(Number(m[1]), Number(m[2]));
      const old = byNumber.get(ref.objectNumber);
      if (old) locations.delete(old);
      byNumber.set(ref.objectNumber, ref);
      locations.set(ref, { offset: m.index });
    }
    this.locations = locations;
    this.numbers.clear();
    // Objects stored in object streams.
    for (const [ref] of [...locations]) {
      const v = this.peek(ref);
      if (!(v instanceof PDFRawStream) || v.dict.get(PDFName.of('Type')) !== PDFName.of('ObjStm')) continue;
      const os = this.objectStream(ref.objectNumber);
      const n = os?.offsets.length ?? 0;
      if (!os) continue;
      os.parser.pos = 0;
      for (let i = 0; i < n; i++) {
        const num = os.parser.integer();
        os.parser.integer();
        if (num !== undefined && !byNumber.has(num)) {
          byNumber.set(num, PDFRef.of(num, 0));
          locations.set(PDFRef.of(num, 0), { stream: ref.objectNumber, index: i });
        }
      }
    }
    // The trailer: the last `trailer` dictionary, or the last cross-reference stream's, or the catalog found.
    let trailer: PDFDict | undefined;
    for (let at = s.lastIndexOf('trailer'); at >= 0 && !trailer; at = s.lastIndexOf('trailer', at - 1)) {
      try {
        this.parser.pos = at + 'trailer'.length;
        const t = this.parser.value();
        if (t instanceof PDFDict && t.get(PDFName.of('Root')) instanceof PDFRef) trailer = t;
      } catch {
        // not a trailer after all
      }
    }
    if (!trailer) {
      for (const ref of [...locations.keys()].sort((a, b) => b.objectNumber - a.objectNumber)) {
        const v = this.peek(ref);
        if (v instanceof PDFRawStream && v.dict.get(PDFName.of('Type')) === PDFName.of('XRef') && v.dict.get(PDFName.of('Root')) instanceof PDFRef) {
          trailer = v.dict;
          break;
        }
      }
    }
    if (trailer) this.setTrailer(trailer);
    if (!(this.peek(this.trailerInfo.Root) instanceof PDFDict)) {
      for (const ref of locations.keys()) {
        const v = this.peek(ref);
        if (v instanceof PDFDict && v.get(PDFName.of('Type')) === PDFName.of('Catalog')) this.trailerInfo.Root = ref;
      }
    }
  }

  /** An object as the (rebuilt) table has it, without keeping it parsed. */
  private peek(ref: PDFObject | undefined): PDFObject | undefined {
    if (!(ref instanceof PDFRef)) return undefined;
    if (this.objects.has(ref)) return this.objects.get(ref);
    const at = this.locations.get(ref);
    return at && 'offset' in at ? this.parseAt(ref, at) : at ? this.lookup(ref) : undefined;
  }
}

export class PDFPage {
  constructor(readonly ref: PDFRef, readonly node: PDFDict) {}

  private inherited<T extends PDFObject>(key: string, type: Ctor<T>): T | undefined {
    const name = PDFName.of(key);
    let node: PDFDict | undefined = this.node;
    for (let depth = 0; node && depth < 64; depth++) {
      const v = node.lookupMaybe(name, type);
      if (v) return v;
      node = node.lookupMaybe(PDFName.of('Parent'), PDFDict);
    }
    return undefined;
  }
  /** The page's resources (inherited from the page tree when the page has none). */
  resources(): PDFDict | undefined {
    return this.inherited('Resources', PDFDict);
  }
  mediaBox(): PDFArray | undefined {
    return this.inherited('MediaBox', PDFArray);
  }
  getSize(): { width: number; height: number } {
    const box = this.mediaBox();
    const n = (box?.asArray() ?? []).map((_, i) => box!.lookupMaybe(i, PDFNumber)?.asNumber() ?? 0);
    return { width: Math.abs((n[2] ?? 612) - (n[0] ?? 0)), height: Math.abs((n[3] ?? 792) - (n[1] ?? 0)) };
  }
  getHeight(): number {
    return this.getSize().height;
  }
}

export class PDFDocument {
  private pages?: PDFPage[];
  private constructor(readonly context: PDFContext) {}

  /** Read a PDF (synchronously; async for pdf-lib's signature). Throws a PdfSyntaxError when it is not one. */
  static async load(bytes: Uint8Array): Promise<PDFDocument> {
    return PDFDocument.read(bytes);
  }

  static read(bytes: Uint8Array): PDFDocument {
    const context = new PDFContext(bytes);
    context.readStructure();
    return new PDFDocument(context);
  }

  get catalog(): PDFDict {
    return this.context.lookup(this.context.trailerInfo.Root, PDFDict);
  }

  /** The document information dictionary, made (and put in the trailer) when there is none. */
  getInfoDict(): PDFDict {
    const info = this.context.lookupMaybe(this.context.trailerInfo.Info, PDFDict);
    if (info) return info;
    const dict = this.context.obj({});
    this.context.trailerInfo.Info = this.context.register(dict);
    return dict;
  }

  /** The pages in order (the page tree walked; a loop or a broken node is skipped). */
  getPages(): PDFPage[] {
    if (this.pages) return this.pages;
    const pages: PDFPage[] = [];
    const seen = new Set<PDFDict>();
    const walk = (ref: PDFObject | undefined, depth: number) => {
      const node = this.context.lookup(ref);
      if (!(node instanceof PDFDict) || seen.has(node) || depth > 64) return;
      seen.add(node);
      const kids = node.lookupMaybe(PDFName.of('Kids'), PDFArray);
      const type = node.get(PDFName.of('Type'));
      if (type === PDFName.of('Pages') || (type !== PDFName.of('Page') && kids)) {
        for (const kid of kids?.asArray() ?? []) walk(kid, depth + 1);
      } else if (ref instanceof PDFRef) pages.push(new PDFPage(ref, node));
    };
    walk(this.catalog.get(PDFName.of('Pages')), 0);
    return (this.pages = pages);
  }

  getPageCount(): number {
    return this.getPages().length;
  }

  /** The document as bytes: every object reachable from the trailer, a fresh cross-reference table. */
  save(options: WriteOptions = {}): Uint8Array {
    return writePdf(this.context, options);
  }
}

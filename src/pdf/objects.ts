/**
 * PDF objects (ISO 32000-1 7.3), the subset of pdf-lib's object API briefpress uses: names and
 * references interned (compare with ===), strings kept as bytes, arrays and dictionaries that look
 * up references through the document they belong to (context.ts).
 */

/** What an array or dictionary resolves references through (the document's context). */
export interface Resolver {
  lookup(ref: PDFObject | undefined): PDFObject | undefined;
}

export abstract class PDFObject {}

export class PDFName extends PDFObject {
  private static readonly interned = new Map<string, PDFName>();
  /** The name's characters after #xx escapes are decoded (one char per byte for names read from a file). */
  private constructor(readonly name: string) {
    super();
  }
  static of(name: string): PDFName {
    let n = PDFName.interned.get(name);
    if (!n) PDFName.interned.set(name, (n = new PDFName(name)));
    return n;
  }
  decodeText(): string {
    return this.name;
  }
  asString(): string {
    return `/${this.name}`;
  }
  override toString(): string {
    return this.asString();
  }
}

export class PDFNumber extends PDFObject {
  private constructor(readonly value: number) {
    super();
  }
  static of(value: number): PDFNumber {
    return new PDFNumber(value);
  }
  asNumber(): number {
    return this.value;
  }
  override toString(): string {
    return String(this.value);
  }
}

export class PDFBool extends PDFObject {
  static readonly True = new PDFBool(true);
  static readonly False = new PDFBool(false);
  private constructor(readonly value: boolean) {
    super();
  }
  asBoolean(): boolean {
    return this.value;
  }
  override toString(): string {
    return String(this.value);
  }
}

export class PDFNull extends PDFObject {
  static readonly Null = new PDFNull();
  private constructor() {
    super();
  }
  override toString(): string {
    return 'null';
  }
}

export class PDFRef extends PDFObject {
  private static readonly interned = new Map<number, PDFRef>();
  private constructor(readonly objectNumber: number, readonly generationNumber: number) {
    super();
  }
  static of(objectNumber: number, generationNumber = 0): PDFRef {
    const key = objectNumber * 65536 + generationNumber;
    let r = PDFRef.interned.get(key);
    if (!r) PDFRef.interned.set(key, (r = new PDFRef(objectNumber, generationNumber)));
    return r;
  }
  override toString(): string {
    return `${this.objectNumber} ${this.generationNumber} R`;
  }
}

// PDFDocEncoding (ISO 32000-1 Annex D.2): Latin-1 but for these codes.
const docEncoding = new Uint16Array(256).map((_, i) => i);
const differs: [number, number][] = [
  [0x16, 0x17], [0x18, 0x2d8], [0x19, 0x2c7], [0x1a, 0x2c6], [0x1b, 0x2d9], [0x1c, 0x2dd], [0x1d, 0x2db], [0x1e, 0x2da], [0x1f, 0x2dc],
  [0x7f, 0xfffd], [0x80, 0x2022], [0x81, 0x2020], [0x82, 0x2021], [0x83, 0x2026], [0x84, 0x2014], [0x85, 0x2013], [0x86, 0x192],
  [0x87, 0x2044], [0x88, 0x2039], [0x89, 0x203a], [0x8a, 0x2212], [0x8b, 0x2030], [0x8c, 0x201e], [0x8d, 0x201c], [0x8e, 0x201d],
  [0x8f, 0x2018], [0x90, 0x2019], [0x91, 0x201a], [0x92, 0x2122], [0x93, 0xfb01], [0x94, 0xfb02], [0x95, 0x141], [0x96, 0x152],
  [0x97, 0x160], [0x98, 0x178], [0x99, 0x17d], [0x9a, 0x131], [0x9b, 0x142], [0x9c, 0x153], [0x9d, 0x161], [0x9e, 0x17e],
  [0x9f, 0xfffd], [0xa0, 0x20ac], [0xad, 0xfffd],
];
for (const [code, unicode] of differs) docEncoding[code] = unicode;
const fromUnicode = new Map<number, number>();
for (let i = 0; i < 256; i++) if (docEncoding[i] !== 0xfffd && !fromUnicode.has(docEncoding[i]!)) fromUnicode.set(docEncoding[i]!, i);

/** Text of a PDF text string (7.9.2.2): UTF-16BE with its byte order mark, UTF-8 with its, or PDFDocEncoding. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    let s = '';
    for (let i = 2; i + 1 < bytes.length; i += 2) s += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
    return s;
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return Buffer.from(bytes.buffer, bytes.byteOffset + 3, bytes.length - 3).toString('utf8');
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(docEncoding[bytes[i]!]!);
  return s;
}

/** UTF-16BE with a byte order mark. */
export function utf16Bytes(text: string): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  out[0] = 0xfe;
  out[1] = 0xff;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 + 2 * i] = c >> 8;
    out[3 + 2 * i] = c & 0xff;
  }
  return out;
}

/** PDFDocEncoding bytes of `text` when every character has one, else UTF-16BE with a byte order mark. */
export function encodeText(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const b = fromUnicode.get(text.charCodeAt(i));
    if (b === undefined) return utf16Bytes(text);
    out[i] = b;
  }
  return out;
}

abstract class PDFStringBase extends PDFObject {
  protected constructor(readonly bytes: Uint8Array) {
    super();
  }
  asBytes(): Uint8Array {
    return this.bytes;
  }
  decodeText(): string {
    return decodeText(this.bytes);
  }
}

/** A literal string `( ... )`. */
export class PDFString extends PDFStringBase {
  constructor(bytes: Uint8Array) {
    super(bytes);
  }
  /** `text` as a text string: PDFDocEncoding when it can be, UTF-16BE otherwise. */
  static of(text: string): PDFString {
    return new PDFString(encodeText(text));
  }
  /** A date string (7.9.4) in UTC, `D:YYYYMMDDHHmmSSZ`. */
  static fromDate(date: Date): PDFString {
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    return PDFString.of(`D:${p(date.getUTCFullYear(), 4)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}Z`);
  }
}

/** A hexadecimal string `< ... >`. */
export class PDFHexString extends PDFStringBase {
  constructor(bytes: Uint8Array) {
    super(bytes);
  }
  /** From hex digits (white space ignored; an odd last digit is followed by 0). */
  static of(hex: string): PDFHexString {
    const digits = hex.replace(/[^0-9a-fA-F]/g, '');
    return new PDFHexString(Uint8Array.from(Buffer.from(digits.length % 2 ? `${digits}0` : digits, 'hex')));
  }
  /** `text` as UTF-16BE with a byte order mark (as pdf-lib writes text). */
  static fromText(text: string): PDFHexString {
    return new PDFHexString(utf16Bytes(text));
  }
}

type Ctor<T> = Function & { prototype: T };

export class PDFArray extends PDFObject {
  constructor(private readonly items: PDFObject[], readonly context: Resolver) {
    super();
  }
  size(): number {
    return this.items.length;
  }
  get(i: number): PDFObject | undefined {
    return this.items[i];
  }
  set(i: number, value: PDFObject): void {
    this.items[i] = value;
  }
  push(value: PDFObject): void {
    this.items.push(value);
  }
  remove(i: number): void {
    this.items.splice(i, 1);
  }
  asArray(): PDFObject[] {
    return this.items;
  }
  /** Item i with its reference resolved; with a type, throws unless it is one. */
  lookup(i: number): PDFObject | undefined;
  lookup<T extends PDFObject>(i: number, type: Ctor<T>): T;
  lookup<T extends PDFObject>(i: number, type?: Ctor<T>): PDFObject | undefined {
    const v = this.context.lookup(this.items[i]);
    if (type && !(v instanceof type)) throw new Error(`PDF array item ${i}: expected ${type.name}, found ${v?.constructor.name ?? 'nothing'}`);
    return v;
  }
  /** Item i resolved, or undefined when it is missing or not of `type`. */
  lookupMaybe<T extends PDFObject>(i: number, type: Ctor<T>): T | undefined {
    const v = this.context.lookup(this.items[i]);
    return v instanceof type ? (v as T) : undefined;
  }
}

export class PDFDict extends PDFObject {
  constructor(readonly dict: Map<PDFName, PDFObject>, readonly context: Resolver) {
    super();
  }
  get(key: PDFName): PDFObject | undefined {
    return this.dict.get(key);
  }
  set(key: PDFName, value: PDFObject): void {
    this.dict.set(key, value);
  }
  has(key: PDFName): boolean {
    return this.dict.has(key);
  }
  delete(key: PDFName): boolean {
    return this.dict.delete(key);
  }
  keys(): PDFName[] {
    return [...this.dict.keys()];
  }
  entries(): [PDFName, PDFObject][] {
    return [...this.dict.entries()];
  }
  /** The value at `key` with its reference resolved; with a type, throws unless it is one. */
  lookup(key: PDFName): PDFObject | undefined;
  lookup<T extends PDFObject>(key: PDFName, type: Ctor<T>): T;
  lookup<T extends PDFObject>(key: PDFName, type?: Ctor<T>): PDFObject | undefined {
    const v = this.context.lookup(this.dict.get(key));
    if (type && !(v instanceof type)) throw new Error(`PDF dictionary ${key}: expected ${type.name}, found ${v?.constructor.name ?? 'nothing'}`);
    return v;
  }
  /** The value resolved, or undefined when it is missing or not of `type`. */
  lookupMaybe<T extends PDFObject>(key: PDFName, type: Ctor<T>): T | undefined {
    const v = this.context.lookup(this.dict.get(key));
    return v instanceof type ? (v as T) : undefined;
  }
}

/** A stream: its dictionary and its bytes as stored (still encoded by its /Filter). */
export class PDFRawStream extends PDFObject {
  constructor(readonly dict: PDFDict, readonly contents: Uint8Array) {
    super();
  }
  getContents(): Uint8Array {
    return this.contents;
  }
  getContentsSize(): number {
    return this.contents.length;
  }
}

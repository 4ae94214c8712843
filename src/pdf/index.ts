/**
 * briefpress's PDF object layer: read a PDF lazily (parse.ts, document.ts), change its objects,
 * write it again (write.ts). The API mirrors the part of pdf-lib's that briefpress used.
 */
export { PDFArray, PDFBool, PDFDict, PDFHexString, PDFName, PDFNull, PDFNumber, PDFObject, PDFRawStream, PDFRef, PDFString, decodeText, encodeText } from './objects.js';
export { PDFContext, PDFDocument, PDFPage, type Literal, type TrailerInfo } from './document.js';
export { decodeStream } from './filters.js';
export { PdfSyntaxError } from './parse.js';
export { formatObject, writePdf, type WriteOptions } from './write.js';

/** Build EPUBs through the library and read them back from their real zip bytes. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { build, type BuildResult } from '../../src/api.js';
import { repoRoot } from './cli.js';

export const epubFixtures = path.join(repoRoot, 'tests/fixtures/epub');
export const sampleManuscript = path.join(repoRoot, 'manuscript');

export async function buildEpubs(input: string, outDir: string, sourceDateEpoch?: number): Promise<BuildResult> {
  const result = await build({ input, outDir, formats: ['epub'], sourceDateEpoch });
  const failed = result.briefs.filter((b) => !b.ok);
  if (failed.length > 0) throw new Error(`EPUB build failed: ${JSON.stringify(failed.map((f) => f.diagnostics))}`);
  return result;
}

export function epubPath(outDir: string, slug: string): string {
  return path.join(outDir, slug, `${slug}.epub`);
}

export interface OpenedEpub {
  bytes: Buffer;
  zip: JSZip;
  names: string[];
  text(name: string): Promise<string>;
  binary(name: string): Promise<Uint8Array>;
}

export async function openEpub(file: string): Promise<OpenedEpub> {
  const bytes = readFileSync(file);
  const zip = await JSZip.loadAsync(bytes);
  const names = Object.keys(zip.files);
  const entry = (name: string) => {
    const f = zip.file(name);
    if (!f) throw new Error(`${path.basename(file)} has no ${name}; it has ${names.join(', ')}`);
    return f;
  };
  return {
    bytes,
    zip,
    names,
    text: (name) => entry(name).async('string'),
    binary: (name) => entry(name).async('uint8array'),
  };
}

/** The first local file header of a zip: its name, compression method and extra field length. */
export function firstZipEntry(bytes: Uint8Array): { signature: number; method: number; name: string; extraLength: number; data: string } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nameLength = view.getUint16(26, true);
  const extraLength = view.getUint16(28, true);
  const size = view.getUint32(18, true);
  const name = Buffer.from(bytes.subarray(30, 30 + nameLength)).toString('latin1');
  const start = 30 + nameLength + extraLength;
  return {
    signature: view.getUint32(0, true),
    method: view.getUint16(8, true),
    name,
    extraLength,
    data: Buffer.from(bytes.subarray(start, start + size)).toString('latin1'),
  };
}

/** Every match of a regular expression's first group. */
export function all(re: RegExp, text: string): string[] {
  return [...text.matchAll(new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`))].map((m) => m[1]!);
}

/**
 * rehype plugin: every image must be a file inside the manuscript folder, of a known type, not empty,
 * with alt text, whose structure holds (raster: src/util/raster.ts) or that is made inert (SVG:
 * src/util/svg.ts). Each becomes an asset carrying the bytes read (sanitized, for SVG), named by
 * their content hash; `src` is rewritten to that name. This is the only place image files are read:
 * targets take `brief.images[].data` and never read the file again.
 */
import { realpathSync } from 'node:fs';
import { readSource } from '../manuscript/source.js';
import path from 'node:path';
import type { Root } from 'hast';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import type { ImageAsset } from '../model/brief.js';
import { sha256 } from '../util/hash.js';
import { sniffImage } from '../util/media.js';
import { rasterProblem } from '../util/raster.js';
import { sanitizeSvg } from '../util/svg.js';
import { report } from './messages.js';

export interface ImageOptions {
  /** Folder of the brief: image paths are relative to it. */
  briefDir: string;
  /** The manuscript folder: no image may come from outside it. */
  root: string;
}

export function collectImages(tree: Root, file: VFile, opts: ImageOptions): ImageAsset[] {
  const assets = new Map<string, ImageAsset>();
  // Every image file read, by the path asked for, with the hash of the bytes read (the build cache's key).
  const reads = (file.data.imageReads ??= []);
  const root = realpathSync(opts.root);
  visit(tree, 'element', (node) => {
    if (node.tagName !== 'img') return;
    const src = String(node.properties.src ?? '').trim();
    const alt = String(node.properties.alt ?? '').trim();
    if (!alt) {
      report(file, node, `Image \`${src}\` has no alt text`, {
        ruleId: 'image-alt',
        hint: 'Describe the image between the brackets: ![A map of eastern Ukraine](map.png).',
      });
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith('/') || src.startsWith('\\')) {
      report(file, node, `Image \`${src.slice(0, 80)}\` is not a file of the brief`, {
        ruleId: 'image-outside',
        hint: 'Put the image beside brief.md and refer to it by a relative path; nothing is fetched from the network.',
      });
      return;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(src.split(/[?#]/)[0]!);
    } catch {
      decoded = src;
    }
    const abs = path.resolve(opts.briefDir, decoded);
    let real: string;
    try {
      real = realpathSync(abs); // what it is (a folder, a FIFO ...) is the reader's to say
    } catch {
      report(file, node, `Image \`${src}\` not found`, {
        ruleId: 'image-missing',
        hint: `Add the file at ${path.relative(process.cwd(), abs) || abs}, or fix the path.`,
      });
      return;
    }
    if (real !== root && !real.startsWith(root + path.sep)) {
      report(file, node, `Image \`${src}\` is outside the manuscript folder`, {
        ruleId: 'image-outside',
        hint: 'Copy the image into the brief folder.',
      });
      return;
    }
    // Through the one reader: a regular file, size-bounded, read once (never blocks on a FIFO).
    const read = readSource(abs, [root], `image \`${src}\``);
    if (!read.ok) {
      report(file, node, read.diagnostic.message, { ruleId: read.diagnostic.ruleId, hint: read.diagnostic.hint });
      return;
    }
    const bytes = read.file.bytes;
    const hash = read.file.hash;
    reads.push({ path: abs, hash });
    const kind = bytes.length > 0 ? sniffImage(bytes) : undefined;
    if (!kind) {
      report(file, node, `Image \`${src}\` is ${bytes.length === 0 ? 'empty' : 'not a PNG, JPEG, GIF, WebP or SVG file'}`, {
        ruleId: 'image-type',
        hint: 'Export the image as PNG, JPEG or SVG.',
      });
      return;
    }
    let data: Uint8Array = bytes;
    if (kind.mediaType === 'image/svg+xml') {
      const clean = sanitizeSvg(bytes);
      if (!clean.ok) {
        report(file, node, `SVG image \`${src}\` ${clean.reason}`, {
          ruleId: 'image-unsafe',
          hint: 'Export it again as plain SVG (no DOCTYPE, UTF-8), or as PNG.',
        });
        return;
      }
      if (clean.removed.length > 0) {
        report(file, node, `SVG image \`${src}\`: removed ${clean.removed.join(', ')}`, {
          ruleId: 'image-unsafe',
          severity: 'warning',
          hint: 'Scripts, event handlers, embedded HTML and references to other files or hosts never reach an edition; export the image as plain SVG to silence this.',
        });
      }
      data = clean.data;
    } else {
      const problem = rasterProblem(bytes, kind.mediaType);
      if (problem) {
        report(file, node, `Image \`${src}\` is damaged: ${problem}`, {
          ruleId: 'image-corrupt',
          hint: 'Open the image in an image editor and export it again.',
        });
        return;
      }
    }
    // The asset is named by the bytes that reach the editions (a sanitized SVG's, not the file's).
    const assetHash = data === bytes ? hash : sha256(data);
    const href = `images/${assetHash.slice(0, 16)}.${kind.ext}`;
    if (!assets.has(assetHash)) assets.set(assetHash, { path: real, href, mediaType: kind.mediaType, hash: assetHash, alt, data });
    node.properties.src = href;
  });
  return [...assets.values()];
}

export default function rehypeImages(opts: ImageOptions) {
  return (tree: Root, file: VFile) => {
    file.data.images = collectImages(tree, file, opts);
  };
}

declare module 'vfile' {
  interface DataMap {
    images: ImageAsset[];
    imageReads: { path: string; hash: string }[];
  }
}

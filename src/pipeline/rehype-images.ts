/**
 * rehype plugin: every image must be a file inside the manuscript folder, of a known type, not empty,
 * with alt text. Each becomes an asset named by its content hash; `src` is rewritten to that name.
 * This is the only place image bytes are looked at: targets trust `brief.images`.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Root } from 'hast';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import type { ImageAsset } from '../model/brief.js';
import { sha256 } from '../util/hash.js';
import { sniffImage } from '../util/media.js';
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
      real = realpathSync(abs);
      if (!statSync(real).isFile()) throw new Error('not a file');
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
    const bytes = readFileSync(real);
    const hash = sha256(bytes);
    reads.push({ path: abs, hash });
    const kind = bytes.length > 0 ? sniffImage(bytes) : undefined;
    if (!kind) {
      report(file, node, `Image \`${src}\` is ${bytes.length === 0 ? 'empty' : 'not a PNG, JPEG, GIF, WebP or SVG file'}`, {
        ruleId: 'image-type',
        hint: 'Export the image as PNG, JPEG or SVG.',
      });
      return;
    }
    const href = `images/${hash.slice(0, 16)}.${kind.ext}`;
    if (!assets.has(hash)) assets.set(hash, { path: real, href, mediaType: kind.mediaType, hash, alt });
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

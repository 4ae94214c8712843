/**
 * The only files the preview server hands out: the built editions (inside the preview's output
 * folder), its own UI files, and PDFium's module and WebAssembly from node_modules. Anything else,
 * and any path that tries to leave those folders, is refused.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../theme/theme.js';
import { isInside } from '../util/paths.js';

/** The UI's files, beside this module: src/preview/ui, or lib/preview/ui (copied there by scripts/compile.mjs). */
export const uiDir = fileURLToPath(new URL('./ui', import.meta.url));

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.pdf': 'application/pdf',
  '.epub': 'application/epub+zip',
  '.xml': 'application/xml',
  '.xhtml': 'application/xhtml+xml',
  '.wasm': 'application/wasm',
  '.opf': 'application/oebps-package+xml',
  '.ncx': 'application/x-dtbncx+xml',
  '.otf': 'font/otf',
  '.ttf': 'font/ttf',
};

export function contentType(file: string): string {
  return types[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type Resolved = { file: string } | { status: 403 | 404 };

/**
 * Map the segments of a request path (already split on `/`, still percent-encoded) to a file inside
 * `root`. Refused with 403: `.`/`..`, encoded slashes or backslashes, NUL, a symlink leading out.
 * 404: hidden files (the build cache, temporary files), folders, anything missing.
 */
export function resolveInside(root: string, segments: string[]): Resolved {
  const parts: string[] = [];
  for (const raw of segments) {
    let s: string;
    try {
      s = decodeURIComponent(raw);
    } catch {
      return { status: 403 };
    }
    if (s === '' || s === '.' || s === '..' || /[\\/\0]/.test(s)) return { status: 403 };
    if (s.startsWith('.')) return { status: 404 };
    parts.push(s);
  }
  if (parts.length === 0) return { status: 404 };
  const file = path.join(root, ...parts);
  if (!isInside(file, root)) return { status: 403 };
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return { status: 404 };
  }
  if (!isInside(real, realpathSync(root))) return { status: 403 };
  if (!statSync(real).isFile()) return { status: 404 };
  return { file: real };
}

/** The UI's own files by name (a flat folder: nothing below it is served). */
export function uiFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(uiDir)) {
    const file = path.join(uiDir, name);
    if (!name.startsWith('.') && statSync(file).isFile()) files.set(name, file);
  }
  return files;
}

const require = createRequire(path.join(packageRoot, 'package.json'));

/**
 * Files from npm the viewer loads, by the name it asks for: PDFium (the build's page previews use
 * the same, src/targets/pdf/previews.ts). A package that is missing is left out.
 */
export function vendorFiles(): Map<string, string> {
  const wanted: [string, string, string][] = [
    ['pdfium.mjs', '@hyzyla/pdfium', 'dist/index.esm.browser.js'],
    ['pdfium.wasm', '@hyzyla/pdfium', 'dist/pdfium.wasm'],
  ];
  const files = new Map<string, string>();
  for (const [name, pkg, rel] of wanted) {
    let file: string;
    try {
      file = require.resolve(`${pkg}/${rel}`);
    } catch {
      continue;
    }
    if (existsSync(file)) files.set(name, file);
  }
  return files;
}

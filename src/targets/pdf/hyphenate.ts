/**
 * Soft hyphens for the print edition: Chromium has no hyphenation dictionaries (FACTS.md), so the
 * body text gets U+00AD at build time from the `hyphen` package's TeX patterns. Only running text
 * (paragraphs and list items) is touched: never headings (they feed the PDF outline), labels, code,
 * link targets or attributes.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Element, ElementContent, Root, RootContent } from 'hast';

export const softHyphen = '\u00ad';

export type Hyphenator = (word: string) => string;

// US English (`en`) by name, the others by a name made at run time: the CLI's CommonJS bundle
// (scripts/bundle.mjs) holds the patterns it can name, and so its code cache does.
const require = createRequire(import.meta.url);
const cache = new Map<string, Hyphenator | undefined>();

/** Elements whose text is hyphenated (with everything inline inside them). */
const textBlocks = new Set(['p', 'li', 'dd', 'td', 'figcaption', 'blockquote']);
/** Elements never hyphenated, wherever they sit. */
const skip = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'code', 'pre', 'kbd', 'samp', 'script', 'style', 'title', 'svg', 'math']);

/**
 * The hyphenator for a BCP 47 language tag (`en`, `en-US`, `ru`, `de-CH` ...), or undefined when the
 * `hyphen` package has no patterns for it. `en` means US English patterns.
 */
export function hyphenatorFor(language: string): Hyphenator | undefined {
  const tag = language.trim().toLowerCase();
  if (cache.has(tag)) return cache.get(tag);
  let found: Hyphenator | undefined;
  if (/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/.test(tag)) {
    const parts = tag.split('-');
    const names: string[] = [];
    for (let i = parts.length; i > 0; i--) names.push(parts.slice(0, i).join('-'));
    if (parts[0] === 'en') names.splice(names.length - 1, 0, 'en-us');
    const dir = packageDir();
    const name = names.find((n) => dir && existsSync(path.join(dir, n, 'index.js')));
    if (name) {
      const mod = (name === 'en-us' ? require('hyphen/en-us') : require(`hyphen/${name}`)) as { hyphenateSync: (text: string, opts?: { minWordLength?: number }) => string };
      // A word hyphenates the same every time: each is looked up once (the package's own call costs more than the look-up, per word).
      const done = new Map<string, string>();
      found = (text: string) => {
        let hyphenated = done.get(text);
        if (hyphenated === undefined) {
          if (done.size >= 100_000) done.clear();
          done.set(text, (hyphenated = mod.hyphenateSync(text, { minWordLength: 6 })));
        }
        return hyphenated;
      };
    }
  }
  cache.set(tag, found);
  return found;
}

function packageDir(): string | undefined {
  try {
    return path.dirname(require.resolve('hyphen/package.json'));
  } catch {
    return undefined;
  }
}

/**
 * Insert soft hyphens into the running text of `tree` (in place; returns it). With no hyphenator
 * (unknown language) the tree is returned untouched.
 */
export function hyphenateTree(tree: Root, language: string): Root {
  const hyphenate = hyphenatorFor(language);
  if (!hyphenate) return tree;
  const walk = (nodes: (RootContent | ElementContent)[], inText: boolean) => {
    for (const node of nodes) {
      if (node.type === 'text') {
        if (inText) node.value = hyphenateText(node.value, hyphenate);
      } else if (node.type === 'element') {
        if (skip.has(node.tagName) || isLabel(node)) continue;
        walk(node.children, inText || textBlocks.has(node.tagName));
      }
    }
  };
  walk(tree.children, false);
  return tree;
}

/** Hyphenate words, leaving URLs, e-mail addresses and words with digits alone. */
export function hyphenateText(text: string, hyphenate: Hyphenator): string {
  return text.replace(/\S+/g, (token) => {
    if (token.includes(softHyphen) || /[\d@/:]|www\./.test(token)) return token;
    return hyphenate(token);
  });
}

/** Q/A labels are not words. */
function isLabel(el: Element): boolean {
  const cls = el.properties.className;
  return Array.isArray(cls) && cls.includes('qa-label');
}

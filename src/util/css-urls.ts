/**
 * Every URL a piece of CSS can make a browser fetch: `url(...)` (quoted or not, escapes decoded, so
 * `\75 rl(` counts), `src("...")`, strings inside `image-set()`, and `@import "..."`. A small
 * tokenizer after CSS Syntax Level 3, enough to find those and nothing more: a regular expression
 * would miss escapes and comments, and a stylesheet must not slip a URL past the check.
 * `@namespace url(...)` names a namespace and fetches nothing: skipped.
 */

export interface CssReference {
  /** The URL with CSS escapes decoded and surrounding spaces trimmed. */
  url: string;
  /** Offset of the token that holds it (`url(`, the string, or `@import`). */
  offset: number;
  /** How it is written. */
  via: 'url' | 'import' | 'src' | 'image-set';
}

type Token =
  | { kind: 'url' | 'string'; value: string; offset: number }
  | { kind: 'function' | 'at' | 'ident'; value: string; offset: number }
  | { kind: 'char'; value: string; offset: number };

const isHex = (c: string) => /^[0-9a-fA-F]$/.test(c);
const isNameChar = (c: string) => /^[A-Za-z0-9_-]$/.test(c) || c.charCodeAt(0) >= 0x80;
const isNameStart = (c: string) => /^[A-Za-z_]$/.test(c) || c.charCodeAt(0) >= 0x80;
const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';

function tokenize(css: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = css.length;

  // A valid escape: a backslash not followed by a newline.
  const escapeAt = (j: number) => css[j] === '\\' && j + 1 < n && css[j + 1] !== '\n' && css[j + 1] !== '\r' && css[j + 1] !== '\f';
  /** Decode the escape at i (which is a backslash); returns the character and moves i past it. */
  const readEscape = (): string => {
    i++; // the backslash
    let hex = '';
    while (hex.length < 6 && i < n && isHex(css[i]!)) hex += css[i++];
    if (hex) {
      if (isSpace(css[i])) i += css[i] === '\r' && css[i + 1] === '\n' ? 2 : 1;
      const cp = parseInt(hex, 16);
      return cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? '\uFFFD' : String.fromCodePoint(cp);
    }
    if (i >= n) return '\uFFFD';
    return css[i++]!;
  };
  const readName = (): string => {
    let s = '';
    while (i < n) {
      if (escapeAt(i)) s += readEscape();
      else if (isNameChar(css[i]!)) s += css[i++];
      else break;
    }
    return s;
  };
  const startsName = (j: number) => {
    const c = css[j];
    if (c === undefined) return false;
    if (isNameStart(c) || escapeAt(j)) return true;
    if (c === '-') return (css[j + 1] !== undefined && (isNameStart(css[j + 1]!) || css[j + 1] === '-')) || escapeAt(j + 1);
    return false;
  };

  while (i < n) {
    const c = css[i]!;
    const start = i;
    if (c === '/' && css[i + 1] === '*') {
      const end = css.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      let s = '';
      while (i < n && css[i] !== c) {
        if (css[i] === '\n') break; // a bad string ends at the line
        if (css[i] === '\\') {
          if (css[i + 1] === '\n') i += 2;
          else s += readEscape();
        } else s += css[i++];
      }
      if (css[i] === c) i++;
      out.push({ kind: 'string', value: s, offset: start });
      continue;
    }
    if (c === '@' && startsName(i + 1)) {
      i++;
      out.push({ kind: 'at', value: readName().toLowerCase(), offset: start });
      continue;
    }
    if (startsName(i)) {
      const name = readName();
      if (css[i] !== '(') {
        out.push({ kind: 'ident', value: name, offset: start });
        continue;
      }
      i++;
      if (name.toLowerCase() === 'url') {
        let j = i;
        while (isSpace(css[j])) j++;
        if (css[j] !== '"' && css[j] !== "'") {
          // An unquoted url token: everything up to `)`, escapes decoded.
          i = j;
          let s = '';
          while (i < n && css[i] !== ')') {
            if (css[i] === '\\') s += escapeAt(i) ? readEscape() : css[i++];
            else s += css[i++];
          }
          if (css[i] === ')') i++;
          out.push({ kind: 'url', value: s.trim(), offset: start });
          continue;
        }
      }
      out.push({ kind: 'function', value: name.toLowerCase(), offset: start });
      continue;
    }
    if (c === '\\' && escapeAt(i)) {
      // An escape outside a name (cannot start one here): consume it as a character.
      out.push({ kind: 'char', value: readEscape(), offset: start });
      continue;
    }
    i++;
    if (!isSpace(c)) out.push({ kind: 'char', value: c, offset: start });
  }
  return out;
}

/** The URLs of a stylesheet (or a `style` attribute's declarations), in order. */
export function cssReferences(css: string): CssReference[] {
  const tokens = tokenize(css);
  const refs: CssReference[] = [];
  // Functions whose string arguments are URLs, innermost last; `depth` counts nested parentheses.
  const stack: { name: string; depth: number }[] = [];
  let depth = 0;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind === 'at' && t.value === 'namespace') {
      // `@namespace prefix? url(...)|"..."`: not a fetch. Skip to the end of the rule.
      while (k + 1 < tokens.length && !(tokens[k + 1]!.kind === 'char' && tokens[k + 1]!.value === ';')) k++;
      continue;
    }
    if (t.kind === 'at' && t.value === 'import') {
      const next = tokens[k + 1];
      if (next && next.kind === 'string') {
        refs.push({ url: next.value.trim(), offset: next.offset, via: 'import' });
        k++;
      }
      continue;
    }
    if (t.kind === 'url') {
      refs.push({ url: t.value, offset: t.offset, via: 'url' });
      continue;
    }
    if (t.kind === 'function') {
      depth++;
      stack.push({ name: t.value, depth });
      continue;
    }
    if (t.kind === 'char' && t.value === '(') depth++;
    if (t.kind === 'char' && t.value === ')') {
      if (stack.length && stack[stack.length - 1]!.depth === depth) stack.pop();
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (t.kind === 'string' && stack.length) {
      const fn = stack[stack.length - 1]!.name;
      if (fn === 'url' || fn === 'src') refs.push({ url: t.value.trim(), offset: t.offset, via: fn === 'url' ? 'url' : 'src' });
      else if (/(^|-)image-set$/.test(fn)) refs.push({ url: t.value.trim(), offset: t.offset, via: 'image-set' });
    }
  }
  return refs;
}

/** Media types a `data:` URL in CSS may carry: images and fonts (inert bytes, nothing fetched). */
const inertData = /^data:\s*(image\/(png|jpeg|gif|webp|avif|svg\+xml)|font\/[a-z0-9.+-]+|application\/(font-woff2?|x-font-woff2?|x-font-ttf|x-font-opentype|font-sfnt|vnd\.ms-opentype))\s*[;,]/i;

/**
 * What is wrong with a URL found in CSS, or undefined when it stays inside its own document or
 * folder: an in-document `#fragment`, an inert `data:` image or font, or a relative path that does
 * not climb out (`..`). Whether a relative path stays inside a given folder is the caller's to check.
 */
export function foreignUrl(url: string): string | undefined {
  const u = url.trim();
  if (u === '' || u.startsWith('#')) return undefined;
  if (/^data:/i.test(u)) return inertData.test(u) ? undefined : 'data: URL that is not an image or a font';
  if (/^[a-z][a-z0-9+.-]*:/i.test(u)) return `${u.slice(0, u.indexOf(':') + 1).toLowerCase()} URL`;
  if (u.startsWith('//') || u.startsWith('\\\\')) return 'another host';
  if (u.startsWith('/') || u.startsWith('\\')) return 'absolute path';
  // Control characters or backslashes make browsers and file systems disagree about the path.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\\]/.test(u)) return 'path with control characters or backslashes';
  return undefined;
}

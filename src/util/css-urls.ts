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

// Character classes by code unit: the tokenizer runs over every theme stylesheet at each build,
// in V8's interpreter (a short build turns its optimizing compiler off), where a regular
// expression and a one-character string per character cost ~11 ms for the 24 kB of the default
// theme's stylesheets. Read by charCodeAt, names and strings sliced in one piece: ~1 ms.
const isHexCode = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const isNameStartCode = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c >= 0x80;
const isNameCode = (c: number) => isNameStartCode(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d;
const isSpaceCode = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c;

function tokenize(css: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = css.length;
  const code = (j: number) => (j < n ? css.charCodeAt(j) : -1);

  // A valid escape: a backslash not followed by a newline.
  const escapeAt = (j: number) => code(j) === 0x5c && j + 1 < n && code(j + 1) !== 0x0a && code(j + 1) !== 0x0d && code(j + 1) !== 0x0c;
  /** Decode the escape at i (which is a backslash); returns the character and moves i past it. */
  const readEscape = (): string => {
    i++; // the backslash
    const from = i;
    while (i - from < 6 && i < n && isHexCode(code(i))) i++;
    if (i > from) {
      const cp = parseInt(css.slice(from, i), 16);
      if (isSpaceCode(code(i))) i += code(i) === 0x0d && code(i + 1) === 0x0a ? 2 : 1;
      return cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? '\uFFFD' : String.fromCodePoint(cp);
    }
    if (i >= n) return '\uFFFD';
    return css[i++]!;
  };
  const readName = (): string => {
    let s = '';
    let from = i;
    while (i < n) {
      const c = code(i);
      if (isNameCode(c)) i++;
      else if (escapeAt(i)) {
        s += css.slice(from, i) + readEscape();
        from = i;
      } else break;
    }
    return s + css.slice(from, i);
  };
  const startsName = (j: number) => {
    const c = code(j);
    if (c < 0) return false;
    if (isNameStartCode(c) || escapeAt(j)) return true;
    if (c === 0x2d) return (j + 1 < n && (isNameStartCode(code(j + 1)) || code(j + 1) === 0x2d)) || escapeAt(j + 1);
    return false;
  };

  while (i < n) {
    const cc = code(i);
    if (isSpaceCode(cc)) {
      i++;
      continue;
    }
    const c = css[i]!;
    const start = i;
    if (cc === 0x2f && code(i + 1) === 0x2a) {
      const end = css.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (cc === 0x22 || cc === 0x27) {
      i++;
      let s = '';
      let from = i;
      while (i < n && code(i) !== cc) {
        const d = code(i);
        if (d === 0x0a) break; // a bad string ends at the line
        if (d === 0x5c) {
          s += css.slice(from, i);
          if (code(i + 1) === 0x0a) i += 2;
          else s += readEscape();
          from = i;
        } else i++;
      }
      s += css.slice(from, i);
      if (code(i) === cc) i++;
      out.push({ kind: 'string', value: s, offset: start });
      continue;
    }
    if (cc === 0x40 && startsName(i + 1)) {
      i++;
      out.push({ kind: 'at', value: readName().toLowerCase(), offset: start });
      continue;
    }
    if (startsName(i)) {
      const name = readName();
      if (code(i) !== 0x28) {
        out.push({ kind: 'ident', value: name, offset: start });
        continue;
      }
      i++;
      if (name.toLowerCase() === 'url') {
        let j = i;
        while (isSpaceCode(code(j))) j++;
        if (code(j) !== 0x22 && code(j) !== 0x27) {
          // An unquoted url token: everything up to `)`, escapes decoded.
          i = j;
          let s = '';
          let from = i;
          while (i < n && code(i) !== 0x29) {
            if (code(i) === 0x5c) {
              s += css.slice(from, i) + (escapeAt(i) ? readEscape() : css[i++]);
              from = i;
            } else i++;
          }
          s += css.slice(from, i);
          if (code(i) === 0x29) i++;
          out.push({ kind: 'url', value: s.trim(), offset: start });
          continue;
        }
      }
      out.push({ kind: 'function', value: name.toLowerCase(), offset: start });
      continue;
    }
    if (cc === 0x5c && escapeAt(i)) {
      // An escape outside a name (cannot start one here): consume it as a character.
      out.push({ kind: 'char', value: readEscape(), offset: start });
      continue;
    }
    i++;
    out.push({ kind: 'char', value: c, offset: start });
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

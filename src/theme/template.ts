/**
 * A tiny logic-less template language for theme files (a subset of Mustache):
 *   {{name}}      value, HTML-escaped          {{{name}}}  value, raw (already-safe HTML)
 *   {{#name}}..{{/name}}  section: repeated for each item of a list, shown once for a truthy value
 *   {{^name}}..{{/name}}  inverted section: shown when the value is falsy or an empty list
 *   {{a.b}}       dotted lookup;  {{.}} the current item
 * Templates are theme files; code never holds an HTML shell (STYLE.md 4).
 */
export type View = Record<string, unknown>;

export function renderTemplate(template: string, view: View, name = 'template'): string {
  return renderSection(template, [view], name);
}

const tagRe = /\{\{(\{?)([#^/]?)\s*([\w.]+)\s*\}?\}\}/g;

function renderSection(tpl: string, stack: unknown[], name: string): string {
  let out = '';
  let last = 0;
  tagRe.lastIndex = 0;
  for (let m = tagRe.exec(tpl); m; m = tagRe.exec(tpl)) {
    const [whole, triple, sigil, key] = m as unknown as [string, string, string, string];
    out += tpl.slice(last, m.index);
    last = m.index + whole.length;
    if (sigil === '#' || sigil === '^') {
      const close = findClose(tpl, key, last, name);
      const inner = tpl.slice(last, close.start);
      const value = lookup(stack, key);
      const truthy = Array.isArray(value) ? value.length > 0 : Boolean(value);
      if (sigil === '^') {
        if (!truthy) out += renderSection(inner, stack, name);
      } else if (Array.isArray(value)) {
        for (const item of value) out += renderSection(inner, [...stack, item], name);
      } else if (truthy) {
        out += renderSection(inner, typeof value === 'object' ? [...stack, value] : stack, name);
      }
      last = close.end;
      tagRe.lastIndex = last;
    } else if (sigil === '/') {
      throw new Error(`${name}: unexpected {{/${key}}}`);
    } else {
      const value = lookup(stack, key);
      const text = value === undefined || value === null ? '' : String(value);
      out += triple ? text : escapeHtml(text);
    }
  }
  return out + tpl.slice(last);
}

function findClose(tpl: string, key: string, from: number, name: string): { start: number; end: number } {
  const re = new RegExp(`\\{\\{([#^/])\\s*${key.replace(/\./g, '\\.')}\\s*\\}\\}`, 'g');
  re.lastIndex = from;
  let depth = 1;
  for (let m = re.exec(tpl); m; m = re.exec(tpl)) {
    depth += m[1] === '/' ? -1 : 1;
    if (depth === 0) return { start: m.index, end: m.index + m[0].length };
  }
  throw new Error(`${name}: {{#${key}}} is never closed`);
}

function lookup(stack: unknown[], key: string): unknown {
  if (key === '.') return stack[stack.length - 1];
  const [head, ...rest] = key.split('.');
  for (let i = stack.length - 1; i >= 0; i--) {
    const ctx = stack[i];
    if (ctx && typeof ctx === 'object' && head! in (ctx as object)) {
      let v: unknown = (ctx as Record<string, unknown>)[head!];
      for (const r of rest) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[r] : undefined;
      return v;
    }
  }
  return undefined;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

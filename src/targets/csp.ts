/**
 * The Content-Security-Policy of an edition's pages: no script of any kind, nothing from another
 * origin, only the page's own stylesheets, fonts and images. The web edition carries it in a
 * `<meta http-equiv>` (the theme's page.html writes it; any other page gets it added), and the
 * preview server sends it as a header with every built file it serves (SVG images included).
 */
import type { Element, Root } from 'hast';
import { h } from 'hastscript';
import { visit } from 'unist-util-visit';

/** For a page of an edition. `inlineStyle`: the print variant has a `<style>` for its running footer. */
export function editionCsp(opts: { inlineStyle?: boolean } = {}): string {
  return [
    "default-src 'none'",
    "script-src 'none'",
    "object-src 'none'",
    `style-src 'self'${opts.inlineStyle ? " 'unsafe-inline'" : ''}`,
    "font-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * The page (a hast tree) with the policy in its head. A page carrying exactly this policy (the
 * stock page.html) is left as it is; any other page gets it added first in its `<head>`: a theme's
 * own policy, if it has one, then applies as well (browsers enforce every policy a page carries),
 * so it can only narrow what an edition may do, never let script in.
 */
export function withCsp(tree: Root, csp: string): Root {
  let head: Element | undefined;
  let has = false;
  visit(tree, 'element', (node) => {
    if (node.tagName === 'head') head ??= node;
    if (node.tagName === 'meta' && String(node.properties.httpEquiv ?? '').toLowerCase() === 'content-security-policy' && node.properties.content === csp) has = true;
  });
  if (has) return tree;
  const meta = h('meta', { httpEquiv: 'Content-Security-Policy', content: csp });
  // A parsed page always has a <head> (the HTML parser makes one).
  if (head) head.children.unshift({ type: 'text', value: '\n' }, meta);
  else tree.children.unshift(meta);
  return tree;
}

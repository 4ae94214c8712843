/**
 * The Content-Security-Policy of an edition's pages: no script of any kind, nothing from another
 * origin, only the page's own stylesheets, fonts and images. The web edition carries it in a
 * `<meta http-equiv>` (the theme's page.html writes it; any other page gets it added), and the
 * preview server sends it as a header with every built file it serves (SVG images included).
 */

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

const metaTags = /<meta\s[^>]*http-equiv\s*=\s*["']?content-security-policy["']?[^>]*>/gi;

/**
 * The page with the policy in its head. A page carrying exactly this policy (the stock page.html)
 * is left as it is; any other page gets it added after `<head>`: a theme's own policy, if it has
 * one, then applies as well (browsers enforce every policy a page carries), so it can only narrow
 * what an edition may do, never let script in.
 */
export function withCsp(html: string, csp: string): string {
  for (const tag of html.match(metaTags) ?? []) {
    const content = /\scontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag);
    if (content && decode(content[1] ?? content[2] ?? '') === csp) return html;
  }
  const meta = `<meta http-equiv="Content-Security-Policy" content="${csp.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">`;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) return `${html.slice(0, head.index + head[0].length)}\n${meta}\n${html.slice(head.index + head[0].length)}`;
  return `${meta}\n${html}`;
}

function decode(s: string): string {
  return s.replace(/&(#39|#x27|apos|quot|lt|gt|amp);/g, (_m, e: string) => ({ '#39': "'", '#x27': "'", apos: "'", quot: '"', lt: '<', gt: '>', amp: '&' })[e]!);
}

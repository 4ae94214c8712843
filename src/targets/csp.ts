/**
 * The Content-Security-Policy of an edition's pages: no script of any kind, nothing from another
 * origin, only the page's own stylesheets, fonts and images. The web edition carries it in a
 * `<meta http-equiv>` (the theme's page.html writes it; one without it gets it added), and the
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

const metaTag = /<meta\s+http-equiv\s*=\s*["']?content-security-policy["']?/i;

/** The page with the policy in its head: the theme's own meta tag, or one added after `<head>`. */
export function withCsp(html: string, csp: string): string {
  if (metaTag.test(html)) return html;
  const meta = `<meta http-equiv="Content-Security-Policy" content="${csp.replace(/"/g, '&quot;')}">`;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) return `${html.slice(0, head.index + head[0].length)}\n${meta}\n${html.slice(head.index + head[0].length)}`;
  return meta + '\n' + html;
}

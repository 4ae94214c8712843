/**
 * rehype plugin: only http(s), mailto and in-page links survive; anything else (javascript:, file:,
 * data:) is an error. Relative links cannot resolve in every edition: a warning.
 */
import type { Root } from 'hast';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { report } from './messages.js';

const allowed = /^(https?:|mailto:|#)/i;

export function checkLinks(tree: Root, file: VFile): void {
  visit(tree, 'element', (node) => {
    if (node.tagName !== 'a' || typeof node.properties.href !== 'string') return;
    const href = node.properties.href.trim();
    if (allowed.test(href)) return;
    if (/^[a-z][a-z0-9+.-]*:/i.test(href)) {
      report(file, node, `Link to \`${href.slice(0, 60)}\` uses a scheme that is not allowed`, {
        ruleId: 'link-scheme',
        hint: 'Link to an http(s) or mailto: address.',
      });
      delete node.properties.href;
    } else {
      report(file, node, `Relative link \`${href.slice(0, 60)}\` will not resolve in the EPUB or PDF`, {
        ruleId: 'link-scheme',
        severity: 'warning',
        hint: 'Use an absolute https:// address.',
      });
    }
  });
}

export default function rehypeLinks() {
  return checkLinks;
}

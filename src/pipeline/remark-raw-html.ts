/**
 * remark plugin: when the series does not allow raw HTML, warn about every raw HTML node
 * (remark-rehype drops them) so the editor knows text went missing.
 */
import type { Root } from 'mdast';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { report } from './messages.js';

export function checkRawHtml(tree: Root, file: VFile): void {
  visit(tree, 'html', (node) => {
    if (/^<!--[\s\S]*-->$/.test(node.value.trim())) return; // comments are fine and dropped
    report(file, node, 'Raw HTML is not allowed in this series and was left out', {
      ruleId: 'raw-html',
      severity: 'warning',
      hint: 'Write it in Markdown, or set `rawHtml: true` in series.yaml (it is then sanitized).',
    });
  });
}

export default function remarkRawHtml() {
  return checkRawHtml;
}

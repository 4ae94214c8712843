/**
 * remark plugin: the title comes from front matter, so the body starts at `##`; levels may not skip.
 */
import type { Root } from 'mdast';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { report } from './messages.js';

export function checkHeadings(tree: Root, file: VFile): void {
  let previous = 1;
  visit(tree, 'heading', (node) => {
    if (node.depth === 1) {
      report(file, node, 'A `#` heading in the body: the title comes from the front matter', {
        ruleId: 'heading-level',
        hint: 'Use `##` for a question or section, or move the text to `title:`.',
      });
    } else if (node.depth > previous + 1) {
      report(file, node, `Heading level ${node.depth} skips level ${previous + 1}`, {
        ruleId: 'heading-level',
        severity: 'warning',
        hint: `Use ${'#'.repeat(previous + 1)} here.`,
      });
    }
    previous = node.depth;
  });
}

export default function remarkHeadings() {
  return checkHeadings;
}

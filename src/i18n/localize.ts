/**
 * The words the pipeline leaves in a brief's trees (the Q/A labels, the note backlinks' labels),
 * put in the brief's language at render time: the model stays free of any theme's or series'
 * messages, and every edition asks the same catalogue.
 */
import type { Root } from 'hast';
import { visit } from 'unist-util-visit';
import type { Messages } from './messages.js';

/** A copy of `tree` with its Q/A labels and backlink labels from `msgs`. */
export function localizeTree(tree: Root, msgs: Pick<Messages, 'lang' | 'asked' | 'text'>): Root {
  const out = structuredClone(tree);
  const foreign = msgs.lang !== msgs.asked ? msgs.lang : undefined;
  visit(out, 'element', (node) => {
    const cls = node.properties.className;
    const classes = Array.isArray(cls) ? cls.map(String) : [];
    if (node.tagName === 'span' && classes.includes('qa-label')) {
      const n = Number(/\d+/.exec(node.children.map((c) => (c.type === 'text' ? c.value : '')).join(''))?.[0]);
      if (Number.isFinite(n)) {
        node.children = [{ type: 'text', value: msgs.text(classes.includes('qa-label-q') ? 'question' : 'answer', { n }) }];
        if (foreign) node.properties.lang = foreign;
      }
    }
    if (node.tagName === 'a' && 'dataFootnoteBackref' in node.properties) {
      // remark-rehype numbers them "Back to reference N" (processor.ts): keep the number, change the words.
      const n = Number(/\d+/.exec(String(node.properties.ariaLabel ?? ''))?.[0]);
      if (Number.isFinite(n)) node.properties.ariaLabel = msgs.text('backlink', { n });
      if (foreign) node.properties.lang = foreign; // its label's language
    }
  });
  return out;
}

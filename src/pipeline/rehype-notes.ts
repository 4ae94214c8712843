/**
 * rehype plugin: take the footnotes section that remark-rehype appends and move its list out of the
 * body, into `file.data.notes`, so every edition can lay notes out as endnotes in its own way.
 */
import type { Element, Root } from 'hast';
import type { VFile } from 'vfile';

export function splitNotes(tree: Root): Root {
  const notes: Root = { type: 'root', children: [] };
  tree.children = tree.children.filter((child) => {
    if (child.type === 'element' && child.tagName === 'section' && 'dataFootnotes' in child.properties) {
      const list = child.children.find((c): c is Element => c.type === 'element' && c.tagName === 'ol');
      if (list) notes.children.push(list);
      return false;
    }
    return true;
  });
  return notes;
}

export default function rehypeNotes() {
  return (tree: Root, file: VFile) => {
    file.data.notes = splitNotes(tree);
  };
}

declare module 'vfile' {
  interface DataMap {
    notes: Root;
  }
}

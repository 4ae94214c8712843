/**
 * In-page links (`#id`) must point at an element of the brief: a dead one is dead in every edition
 * (and makes the EPUB invalid). Checked over all parts together, since notes and questions are
 * split out of the body after parsing.
 */
import type { Root } from 'hast';
import { visit } from 'unist-util-visit';
import type { Diagnostic } from '../util/diagnostics.js';

export function checkFragments(parts: Root[], file: string): Diagnostic[] {
  const ids = new Set<string>();
  for (const tree of parts) {
    visit(tree, 'element', (node) => {
      if (typeof node.properties.id === 'string') ids.add(node.properties.id);
    });
  }
  const out: Diagnostic[] = [];
  for (const tree of parts) {
    visit(tree, 'element', (node) => {
      const href = node.tagName === 'a' ? node.properties.href : undefined;
      if (typeof href !== 'string' || !href.startsWith('#')) return;
      let id = href.slice(1);
      try {
        id = decodeURIComponent(id);
      } catch {
        // keep it as written
      }
      if (ids.has(id)) return;
      out.push({
        file,
        line: node.position?.start.line ?? 0,
        column: node.position?.start.column ?? 0,
        severity: 'error',
        message: `Link to \`${href}\` points to nothing in the brief`,
        ruleId: 'link-fragment',
        hint: 'Link to a question (`#q1`, `#q2` ...) or remove the link.',
      });
    });
  }
  return out;
}

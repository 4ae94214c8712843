/**
 * The Markdown syntax briefpress reads: CommonMark (remark-parse) with YAML front matter and GFM
 * (tables, footnotes, strikethrough, autolink literals, task lists). The parsing halves only:
 * remark-gfm and remark-frontmatter also register their to-Markdown extensions, and with them
 * load mdast-util-to-markdown (50 modules, ~60 ms of a build's start) that briefpress never runs:
 * it parses Markdown, never writes it. The same micromark extensions and mdast builders as those
 * two plugins, in the same order, so the same mdast.
 */
import type { Extension as FromMarkdownExtension } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { gfmAutolinkLiteralFromMarkdown } from 'mdast-util-gfm-autolink-literal';
import { gfmFootnoteFromMarkdown } from 'mdast-util-gfm-footnote';
import { gfmStrikethroughFromMarkdown } from 'mdast-util-gfm-strikethrough';
import { frontmatter } from 'micromark-extension-frontmatter';
import { gfm } from 'micromark-extension-gfm';
import type { Processor } from 'unified';

/** remark-frontmatter's parsing half (`yaml`). */
export function frontmatterSyntax(this: Processor): void {
  const data = this.data();
  (data.micromarkExtensions ??= []).push(frontmatter('yaml'));
  (data.fromMarkdownExtensions ??= []).push(frontmatterFromMarkdown('yaml'));
}

/** remark-gfm's parsing half (its mdast-util-gfm's gfmFromMarkdown(), list for list). */
export function gfmSyntax(this: Processor): void {
  const data = this.data();
  (data.micromarkExtensions ??= []).push(gfm());
  (data.fromMarkdownExtensions ??= []).push([
    gfmAutolinkLiteralFromMarkdown(),
    gfmFootnoteFromMarkdown(),
    gfmStrikethroughFromMarkdown(),
    gfmTableFromMarkdown(),
    gfmTaskListItemFromMarkdown(),
  ]);
}

// mdast-util-gfm-table and mdast-util-gfm-task-list-item import mdast-util-to-markdown at their top
// (for their to-Markdown halves): their from-Markdown halves (MIT, mdast-util-gfm-table 2.0.1 and
// mdast-util-gfm-task-list-item 2.0.1, by Titus Wormser) are here, as they are there, minus the
// development-only assertions (devlop's are no-ops in production).

type Handle = FromMarkdownExtension['enter'] extends infer E ? (E extends Record<string, infer H> ? H : never) : never;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Token = Parameters<Handle>[0] & { _align?: any[] };
type TableData = { inTable?: boolean };

function gfmTableFromMarkdown(): FromMarkdownExtension {
  return {
    enter: { table: enterTable, tableData: enterCell, tableHeader: enterCell, tableRow: enterRow },
    exit: { codeText: exitCodeText, table: exitTable, tableData: exitNode, tableHeader: exitNode, tableRow: exitNode },
  };
}

const enterTable: Handle = function (token) {
  const align = (token as Token)._align!;
  // Trailing `position: undefined` keeps the node's shape stable (as in mdast-util-gfm-table).
  this.enter({ type: 'table', align: align.map((d) => (d === 'none' ? null : d)), children: [], position: undefined }, token);
  (this.data as TableData).inTable = true;
};

const exitTable: Handle = function (token) {
  this.exit(token);
  (this.data as TableData).inTable = undefined;
};

const enterRow: Handle = function (token) {
  this.enter({ type: 'tableRow', children: [], position: undefined }, token);
};

const exitNode: Handle = function (token) {
  this.exit(token);
};

const enterCell: Handle = function (token) {
  this.enter({ type: 'tableCell', children: [], position: undefined }, token);
};

/** Unescapes escaped pipes in code in a table: pipes work, backslashes don't (but can't escape pipes). */
const exitCodeText: Handle = function (token) {
  let value = this.resume();
  if ((this.data as TableData).inTable) value = value.replace(/\\([\\|])/g, ($0, $1: string) => ($1 === '|' ? $1 : $0));
  const node = this.stack[this.stack.length - 1]!;
  (node as { value: string }).value = value;
  this.exit(token);
};

function gfmTaskListItemFromMarkdown(): FromMarkdownExtension {
  return { exit: { taskListCheckValueChecked: exitCheck, taskListCheckValueUnchecked: exitCheck, paragraph: exitParagraphWithTaskListItem } };
}

const exitCheck: Handle = function (token) {
  // Always in a paragraph, in a list item.
  const node = this.stack[this.stack.length - 2] as { checked?: boolean };
  node.checked = (token.type as string) === 'taskListCheckValueChecked';
};

/** Exits a paragraph, removing the whitespace after a check. */
const exitParagraphWithTaskListItem: Handle = function (token) {
  const parent = this.stack[this.stack.length - 2];
  if (parent && parent.type === 'listItem' && typeof parent.checked === 'boolean') {
    const node = this.stack[this.stack.length - 1]!;
    const head = 'children' in node ? node.children[0] : undefined;
    if (head && head.type === 'text') {
      const siblings = parent.children;
      let index = -1;
      let firstParagraph;
      while (++index < siblings.length) {
        const sibling = siblings[index]!;
        if (sibling.type === 'paragraph') {
          firstParagraph = sibling;
          break;
        }
      }
      if (firstParagraph === node) {
        // Must start with a space or a tab.
        head.value = head.value.slice(1);
        if (head.value.length === 0) (node as { children: unknown[] }).children.shift();
        else if (node.position && head.position && typeof head.position.start.offset === 'number') {
          head.position.start.column++;
          head.position.start.offset++;
          node.position.start = { ...head.position.start };
        }
      }
    }
  }
  this.exit(token);
};

/**
 * rehype plugin for Q&A briefs: each `h2` opens a question. The question and its answer are wrapped
 * in `<section class="qa" id="qN">`; the heading gets the label "QN" and the first paragraph "AN".
 * The labels are text (not CSS counters) so that the PDF, the EPUB and screen readers all see them.
 */
import type { Element, ElementContent, Root, RootContent } from 'hast';
import { toString } from 'hast-util-to-string';
import type { VFile } from 'vfile';
import type { Question } from '../model/brief.js';
import { report } from './messages.js';

export function numberQuestions(tree: Root): Question[] {
  const questions: Question[] = [];
  const out: RootContent[] = [];
  let current: Element | undefined;
  let answered = false;
  for (const child of tree.children) {
    if (child.type === 'element' && child.tagName === 'h2') {
      const number = questions.length + 1;
      const id = `q${number}`;
      questions.push({ number, id, text: toString(child).trim() });
      child.properties = { ...child.properties, id: `${id}-title`, className: ['qa-question'] };
      child.children.unshift(label(`Q${number}`, 'qa-label-q'), { type: 'text', value: ' ' });
      const section: Element = {
        type: 'element',
        tagName: 'section',
        properties: { className: ['qa'], id, ariaLabelledBy: [`${id}-title`] },
        children: [child],
      };
      current = section;
      answered = false;
      out.push(section);
      continue;
    }
    if (!current) {
      out.push(child);
      continue;
    }
    if (!answered && child.type === 'element') {
      const a = label(`A${questions.length}`, 'qa-label-a');
      if (child.tagName === 'p') {
        child.properties = { ...child.properties, className: ['qa-answer'] };
        child.children.unshift(a, { type: 'text', value: ' ' });
      } else {
        // The answer opens with a list, quote or table: the label stands on its own line before it.
        current.children.push({ type: 'element', tagName: 'p', properties: { className: ['qa-answer', 'qa-answer-label'] }, children: [a] });
      }
      answered = true;
    }
    current.children.push(child as ElementContent);
  }
  tree.children = out;
  return questions;
}

function label(text: string, cls: string): Element {
  return { type: 'element', tagName: 'span', properties: { className: ['qa-label', cls] }, children: [{ type: 'text', value: text }] };
}

export default function rehypeQuestions() {
  return (tree: Root, file: VFile) => {
    file.data.questions = numberQuestions(tree);
    // Without a question the brief prints as plain text, unlike the rest of its series: say so.
    if (file.data.questions.length === 0) {
      const first = tree.children.find((c) => c.position);
      const place = first?.position ? { type: 'text', value: '', position: { start: first.position.start, end: first.position.start } } : undefined;
      report(file, place, 'The brief has no question: in a Q&A series each question is a `##` heading, numbered Q1, Q2 ...', {
        ruleId: 'no-questions',
        severity: 'warning',
        hint: 'Start each question with `## ` (or set `format: article` in series.yaml for briefs without questions).',
      });
    }
  };
}

declare module 'vfile' {
  interface DataMap {
    questions: Question[];
  }
}

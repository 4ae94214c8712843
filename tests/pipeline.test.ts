/** Unit tests of the brief plugins, each on a small tree. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHtml } from 'hast-util-to-html';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { parseMarkdown, toHast } from '../src/pipeline/processor.js';
import { numberQuestions } from '../src/pipeline/rehype-questions.js';
import { splitNotes } from '../src/pipeline/rehype-notes.js';
import { toDiagnostics } from '../src/pipeline/messages.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'bp-pipe-'));
// A whole 1x1 PNG (images are checked through their structure: a header alone is refused).
const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360485df61f00037f020b65bf19eb0000000049454e44ae426082', 'hex');
writeFileSync(path.join(dir, 'dot.png'), png);

async function run(md: string, opts: { qa?: boolean; rawHtml?: boolean } = {}) {
  const file = new VFile({ path: path.join(dir, 'brief.md'), value: md });
  const tree = await toHast(parseMarkdown(file), file, {
    briefDir: dir,
    root: dir,
    rawHtml: opts.rawHtml ?? false,
    qa: opts.qa ?? true,
    kind: 'body',
  });
  return { tree, file, html: toHtml(tree), messages: toDiagnostics(file, 'brief.md') };
}

describe('rehype-questions', () => {
  it('numbers each ## heading as a question and labels the first paragraph of its answer', async () => {
    const { html, file } = await run('Intro.\n\n## Why?\n\nBecause.\n\nMore.\n\n## How?\n\n- a list first\n\nThen text.\n');
    expect(file.data.questions).toEqual([
      { number: 1, id: 'q1', text: 'Why?' },
      { number: 2, id: 'q2', text: 'How?' },
    ]);
    expect(html).toContain('<section class="qa" id="q1" aria-labelledby="q1-title"><h2 id="q1-title" class="qa-question"><span class="qa-label qa-label-q">Q1</span> Why?</h2>');
    expect(html).toContain('<p class="qa-answer"><span class="qa-label qa-label-a">A1</span> Because.</p>');
    expect(html).toContain('<p>More.</p>');
    // an answer that opens with a list gets its label on a line of its own before the list
    expect(html).toContain('<p class="qa-answer qa-answer-label"><span class="qa-label qa-label-a">A2</span></p><ul>');
    expect(html).toContain('<p>Then text.</p>');
    // text before the first question stays outside any section
    expect(html.startsWith('<p>Intro.</p>')).toBe(true);
  });

  it('leaves headings alone in article format', async () => {
    const { html, file } = await run('## Background\n\nText.\n', { qa: false });
    expect(file.data.questions).toBeUndefined();
    expect(html).toBe('<h2>Background</h2>\n<p>Text.</p>');
  });

  it('warns (no-questions) about a Q&A brief without a question, at its first line; not in article format', async () => {
    const { messages, html } = await run('\n\nJust an essay.\n\n- a list\n\nMore.\n');
    expect(messages).toEqual([expect.objectContaining({ line: 3, column: 1, severity: 'warning', ruleId: 'no-questions' })]);
    expect(html).toContain('<p>Just an essay.</p>');
    expect((await run('Just an essay.\n', { qa: false })).messages).toEqual([]);
    expect((await run('## One?\n\nYes.\n')).messages).toEqual([]);
  });

  it('numberQuestions returns nothing for a tree without h2', () => {
    expect(numberQuestions({ type: 'root', children: [] })).toEqual([]);
  });
});

describe('rehype-notes', () => {
  it('moves footnotes out of the body into notes', async () => {
    const { tree, file, html } = await run('## Q?\n\nA claim.[^1]\n\n[^1]: The source.\n');
    expect(html).not.toContain('data-footnotes');
    expect(html).toContain('href="#fn-1"');
    const notes = toHtml(file.data.notes!);
    expect(notes).toContain('The source.');
    expect(notes).toContain('id="fn-1"');
    expect(splitNotes(tree).children).toEqual([]); // already split
  });
});

describe('rehype-images', () => {
  it('names a vetted image by its content hash', async () => {
    const { html, file, messages } = await run('## Q?\n\n![A dot](dot.png)\n');
    expect(messages).toEqual([]);
    const [img] = file.data.images!;
    expect(img!.mediaType).toBe('image/png');
    expect(img!.href).toMatch(/^images\/[0-9a-f]{16}\.png$/);
    expect(html).toContain(`src="${img!.href}"`);
  });

  it('rejects images without alt text, missing files and remote or absolute sources', async () => {
    const { messages } = await run('![](dot.png)\n\n![x](nope.png)\n\n![y](http://example.com/a.png)\n\n![z](/etc/hostname)\n', { qa: false });
    expect(messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`)).toEqual([
      '1:1 image-alt',
      '3:1 image-missing',
      '5:1 image-outside',
      '7:1 image-outside',
    ]);
  });
});

describe('links and raw HTML', () => {
  it('drops javascript: links with an error, keeps http and mailto', async () => {
    const { html, messages } = await run('[a](https://x.org) [b](mailto:a@b.org) [c](javascript:alert(1))\n', { qa: false });
    expect(html).toContain('href="https://x.org"');
    expect(html).toContain('href="mailto:a@b.org"');
    expect(html).not.toContain('javascript');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ ruleId: 'link-scheme', severity: 'error', line: 1, column: 40 });
  });

  it('warns about raw HTML when the series does not allow it, and drops it', async () => {
    const { html, messages } = await run('Text <b>bold</b>\n\n<script>alert(1)</script>\n', { qa: false });
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>');
    expect(messages.every((m) => m.ruleId === 'raw-html' && m.severity === 'warning')).toBe(true);
    expect(messages.length).toBeGreaterThan(0);
  });

  it('sanitizes raw HTML when the series allows it', async () => {
    const { html } = await run('Text <b>bold</b> <a href="javascript:x()">x</a>\n\n<iframe src="file:///etc/passwd"></iframe>\n\n<script>alert(1)</script>\n', { rawHtml: true });
    expect(html).toContain('<b>bold</b>');
    expect(html).not.toMatch(/<iframe|<script|javascript:/);
  });

  it('flags a # heading in the body and skipped levels', async () => {
    const { messages } = await run('# Title\n\n## Q\n\n#### Deep\n');
    expect(messages.map((m) => `${m.line} ${m.severity} ${m.ruleId}`)).toEqual(['1 error heading-level', '5 warning heading-level']);
  });
});

describe('GFM', () => {
  it('renders tables, strikethrough and autolinks', async () => {
    const { html } = await run('| a | b |\n|---|--:|\n| 1 | 2 |\n\n~~old~~ www.example.org\n', { qa: false });
    expect(html).toContain('<table>');
    expect(html).toContain('<del>old</del>');
    expect(html).toContain('href="http://www.example.org"');
  });
});

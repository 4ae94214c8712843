/**
 * Issue #15, where a page break marker goes (src/targets/pagelist.ts), on small trees: between words,
 * never inside a word, a link or a heading; the page list; nothing when the page is not found.
 */
import type { Element, Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { describe, expect, it } from 'vitest';
import type { Brief } from '../src/model/brief.js';
import { markPages, pageListNav, pageListEntries } from '../src/targets/pagelist.js';
import { toXhtml } from '../src/targets/serialize.js';

const t = (value: string) => ({ type: 'text' as const, value });
const el = (tagName: string, children: Element['children'], properties: Element['properties'] = {}): Element => ({ type: 'element', tagName, properties, children });
const root = (...children: Root['children']): Root => ({ type: 'root', children });

function brief(body: Root): Brief {
  return { slug: 's', body, notes: root(), authors: [], disclaimer: root(el('p', [t('Disclaimer text here.')])), copyright: root(el('p', [t('© 2024 Example.')])) } as unknown as Brief;
}

const pages = (...starts: string[]) => ({ source: 's.pdf', pages: [{ page: 1, label: '1', words: ['Title'] }, ...starts.map((s, i) => ({ page: i + 2, label: String(i + 2), words: s.split(' ') }))] });
const marked = (body: Root, ...starts: string[]) => {
  const m = markPages(brief(body), pages(...starts), 'web')!;
  return { m, html: toHtml(m.brief.body).replace(/<span id="page-(\d+)"[^>]*><\/span>/g, '|$1|') };
};

describe('page break markers', () => {
  it('go between two words of a paragraph', () => {
    const { html, m } = marked(root(el('p', [t('Alpha beta gamma delta epsilon zeta eta theta.')])), 'gamma delta epsilon zeta');
    expect(html).toBe('<p>Alpha beta |2|gamma delta epsilon zeta eta theta.</p>');
    expect(m.pages.map((p) => [p.label, p.part])).toEqual([['1', undefined], ['2', 'body']]);
  });

  it('never inside a word: a page that starts with the end of a hyphenated word gets the marker before the word', () => {
    const { html } = marked(root(el('p', [t('The Secretary of State met the minister in Sochi.')])), 'retary of State met the');
    expect(html).toBe('<p>The |2|Secretary of State met the minister in Sochi.</p>');
  });

  it('never inside a link: before it', () => {
    const { html } = marked(root(el('p', [t('Read the '), el('a', [t('winter assessment of the operator')], { href: 'https://example.org' }), t(' before the cold.')])), 'assessment of the operator before the cold');
    expect(html).toBe('<p>Read the |2|<a href="https://example.org">winter assessment of the operator</a> before the cold.</p>');
  });

  it('never inside a heading: before it', () => {
    const { html } = marked(root(el('p', [t('End of an answer.')]), el('h2', [el('span', [t('Q2')], { className: ['qa-label'] }), t(' What comes next?')]), el('p', [t('An answer.')])), 'Q2 What comes next? An answer.');
    expect(html).toBe('<p>End of an answer.</p>|2|<h2><span class="qa-label">Q2</span> What comes next?</h2><p>An answer.</p>');
  });

  it('out of an inline element it would open, and across text nodes of one word', () => {
    const { html } = marked(root(el('p', [t('Relations between the '), el('em', [t('U.S.')]), t('-Russian partners worsened in 2014.')])), 'U.S.-Russian partners worsened in');
    expect(html).toBe('<p>Relations between the |2|<em>U.S.</em>-Russian partners worsened in 2014.</p>');
  });

  it('a list item\'s number (drawn by the list) is not looked for', () => {
    const { html } = marked(root(el('ol', [el('li', [t('First note of several words.')]), el('li', [t('Second note of several words.')])])), '2. Second note of several');
    expect(html).toBe('<ol><li>First note of several words.</li><li>|2|Second note of several words.</li></ol>');
  });

  it('a page that starts with the template\'s author block (heading, name, title, affiliation: 9+ words) gets its marker at the bio', () => {
    const b = brief(root(el('p', [t('The body of the brief, long enough to be found.')])));
    (b as unknown as { authors: unknown[] }).authors = [{ id: 'a', name: 'Sample Author', bio: root(el('p', [t('Sample Author is a senior fellow at Your Organization.')])) }];
    const m = markPages(b, pages('ABOUT THE AUTHOR Sample Author Senior Fellow, Europe, Russia and Eurasia Program Your Organization Sample Author is a senior fellow at Your Organization.'), 'epub')!;
    expect(m.missing).toEqual([]);
    expect(m.pages.map((p) => [p.label, p.part, p.author])).toEqual([['1', undefined, undefined], ['2', 'bio', 0]]);
    expect(toHtml(m.brief.authors[0]!.bio)).toMatch(/^<p><span id="page-2"[^>]*><\/span>Sample Author is/);
  });

  it('a page whose start is not in the text gets none, and a repeated phrase is not mistaken for it', () => {
    const { m, html } = marked(root(el('p', [t('Storage is too small. Storage is too small to carry a week.')])), 'Nothing like this appears anywhere in it');
    expect(m.missing).toEqual([2]);
    expect(html).not.toContain('|2|');
  });

  it('the page list as data and as a nav', () => {
    const { m } = marked(root(el('p', [t('Alpha beta gamma delta epsilon zeta eta theta.')])), 'gamma delta epsilon zeta');
    const entries = pageListEntries(m, (p) => (p.part ? 'brief.xhtml' : 'brief.xhtml'));
    expect(entries).toEqual([{ label: '1', href: 'brief.xhtml#page-1' }, { label: '2', href: 'brief.xhtml#page-2' }]);
    const nav = toXhtml(pageListNav(entries, 'Pages')!);
    expect(nav).toMatch(/<nav [^>]*epub:type="page-list" role="doc-pagelist"/);
    expect(nav).toContain('<li><a href="brief.xhtml#page-2">2</a></li>');
    expect(pageListNav([], 'Pages')).toBeUndefined();
  });
});

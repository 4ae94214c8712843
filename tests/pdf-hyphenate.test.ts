/** Soft hyphens for the print edition: body text only, by the brief's language. */
import type { Root } from 'hast';
import { h } from 'hastscript';
import { toString } from 'hast-util-to-string';
import { describe, expect, it } from 'vitest';
import { hyphenateText, hyphenateTree, hyphenatorFor, softHyphen } from '../src/targets/pdf/hyphenate.js';
import { cleanText } from '../src/targets/pdf/metadata.js';

const root = (...children: Root['children']): Root => ({ type: 'root', children });

describe('hyphenateTree', () => {
  it('inserts soft hyphens into paragraphs and list items', () => {
    const tree = hyphenateTree(root(h('p', 'A certain king had a beautiful garden'), h('ul', [h('li', 'international cooperation')])), 'en');
    expect(toString(tree.children[0] as never)).toBe('A cer\u00adtain king had a beau\u00adti\u00adful gar\u00adden');
    expect(toString(tree.children[1] as never)).toContain('in\u00adter\u00adna\u00adtion\u00adal');
  });

  it('reaches inline elements inside a paragraph, but not code, labels or attributes', () => {
    const tree = hyphenateTree(
      root(h('p', [h('span.qa-label.qa-label-a', 'Administration'), ' ', h('a', { href: 'https://example.com/international' }, 'international'), ' ', h('code', 'internationalization'), ' ', h('em', 'beautiful')])),
      'en',
    );
    const p = tree.children[0] as import('hast').Element;
    expect(toString(p)).toBe('Administration in\u00adter\u00adna\u00adtion\u00adal internationalization beau\u00adti\u00adful');
    const a = p.children.find((c) => c.type === 'element' && c.tagName === 'a') as import('hast').Element;
    expect(a.properties.href).toBe('https://example.com/international');
  });

  it('never touches headings or text outside paragraphs and lists', () => {
    const tree = hyphenateTree(root(h('h1', 'Beautiful international'), h('h2', [h('span', 'Q1'), ' Why is Secretary Kerry going?']), h('div', 'international')), 'en');
    expect(toString(tree)).not.toContain(softHyphen);
  });

  it('leaves URLs, e-mail addresses and numbers alone', () => {
    const hy = hyphenatorFor('en')!;
    expect(hyphenateText('see https://example.com/international or press@example.org in 2015-05-12', hy)).toBe('see https://example.com/international or press@example.org in 2015-05-12');
  });

  it('picks the patterns by language, and does nothing for an unknown one', () => {
    expect(toString(hyphenateTree(root(h('p', 'Ein gewisser König hatte einen wunderschönen Garten')), 'de-DE'))).toContain('wun\u00adder\u00adschö\u00adnen');
    expect(toString(hyphenateTree(root(h('p', 'Государственный департамент')), 'ru'))).toContain(softHyphen);
    expect(toString(hyphenateTree(root(h('p', 'colour organisation')), 'en-GB'))).toContain(softHyphen);
    for (const lang of ['xx', 'tlh', '../../etc', 'en/../../x', '']) {
      expect(hyphenatorFor(lang), lang).toBeUndefined();
      expect(toString(hyphenateTree(root(h('p', 'international beautiful')), lang))).toBe('international beautiful');
    }
  });

  it('is idempotent: hyphenating twice adds nothing', () => {
    const once = hyphenateTree(root(h('p', 'international beautiful')), 'en');
    const twice = hyphenateTree(structuredClone(once), 'en');
    expect(toString(twice)).toBe(toString(once));
  });
});

describe('metadata text', () => {
  it('drops soft hyphens and control characters', () => {
    expect(cleanText('Sec\u00adre\u00adtary\nKerry\u0007 ')).toBe('Secretary Kerry');
  });
});

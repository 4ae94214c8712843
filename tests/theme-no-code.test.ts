/**
 * No theme file runs code (issue #13 item 2). A series' own theme plants what used to run, or would
 * run if anything evaluated it: EPUB templates in EJS (`epub/content.opf.ejs` ... each writing a
 * file through `require('fs')`), EJS and Mustache-looking text and a `<script>` in the labels, the
 * stylesheets and the HTML templates. Through the real CLI, every edition builds, no file is
 * written, the EPUB carries the planted words only as escaped text, and the printed PDF shows that
 * no script ran. Also: a page template that puts a part of the brief where HTML cannot go is a
 * positioned error, not a silently missing part.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, type CliResult } from './helpers/cli.js';
import { openEpub, sampleManuscript, type OpenedEpub } from './helpers/epub.js';
import { pdftext } from './helpers/pdf.js';

let tmp: string;
let ms: string;
let out: string;
let built: CliResult;
let book: OpenedEpub;
const stock = (file: string) => readFileSync(path.join(repoRoot, 'templates/csis', file), 'utf8');
/** Files the planted code would write if it ever ran. */
const planted = (name: string) => path.join(tmp, 'ran', name);
const writes = (name: string) => `require('fs').writeFileSync(${JSON.stringify(planted(name))}, 'ran')`;
/** The same without `require` (which EJS's functions do not see): this one would succeed if it ran. */
const writesSurely = (name: string) => `process.getBuiltinModule('fs').writeFileSync(${JSON.stringify(planted(name))}, 'ran')`;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'bp-theme-code-'));
  mkdirSync(path.join(tmp, 'ran'));
  ms = path.join(tmp, 'manuscript');
  cpSync(sampleManuscript, ms, { recursive: true });
  const theme = path.join(ms, 'theme', 'csis');
  mkdirSync(path.join(theme, 'epub'), { recursive: true });
  // What briefpress used to hand to epub-gen-memory, which ran it as JavaScript.
  for (const name of ['content.opf', 'toc.ncx', 'toc.xhtml', 'chapter.xhtml']) {
    writeFileSync(
      path.join(theme, 'epub', `${name}.ejs`),
      `<% ${writesSurely(`${name}.ejs`)} %><% ${writes(`${name}.ejs-require`)} %><%= process.exit(7) %>{{#x}}<script>${writes(`${name}-script`)}</script>{{/x}}\n`,
    );
  }
  // Words are data: printed as text, whatever they look like.
  writeFileSync(
    path.join(theme, 'epub', 'labels.yaml'),
    stock('epub/labels.yaml').replace('  contents: Contents\n', `  contents: "<% ${writes('labels').replace(/"/g, '\\"')} %> {{title}} <script>x()</script> Contents"\n`),
  );
  writeFileSync(path.join(theme, 'epub.css'), `/* <% ${writes('epub.css')} %> {{{x}}} */\n${stock('epub.css')}`);
  writeFileSync(
    path.join(theme, 'page.html'),
    stock('page.html').replace('</body>', `<script>document.body.textContent = 'SCRIPT RAN'; ${writes('page-script')}</script>\n<p>{{! a comment }} <% ${writes('page.html')} %></p>\n</body>`),
  );
  writeFileSync(path.join(theme, 'cover.html'), stock('cover.html').replace('</body>', `<script>document.body.textContent = 'SCRIPT RAN'</script><% ${writes('cover.html')} %></body>`));
  out = path.join(tmp, 'out');
  built = runCli(['build', ms, '--out', out, '--format', 'html,epub,pdf']);
}, 300_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('a theme whose files hold EJS, Mustache-looking text and scripts', () => {
  it('builds every edition and runs nothing: no planted file is written, nothing exits the build', async () => {
    expect(readdirSync(path.join(tmp, 'ran'))).toEqual([]);
    expect(built.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    expect(built.code).toBe(0);
    for (const f of ['index.html', 'kerry-in-russia.epub', 'kerry-in-russia.pdf', 'cover.png']) expect(existsSync(path.join(out, 'kerry-in-russia', f)), f).toBe(true);
    book = await openEpub(path.join(out, 'kerry-in-russia', 'kerry-in-russia.epub'));
  });

  it("writes the EPUB's package, NCX and documents from briefpress's code: no planted template is used", async () => {
    for (const name of book.names.filter((n) => /\.(opf|ncx|xhtml)$/.test(n))) {
      const text = await book.text(name);
      // The labels' words are in the nav, escaped (below); no template of the theme is anywhere.
      expect(text, name).not.toContain('<%');
      expect(text, name).not.toContain('process.exit');
      expect(text, name).not.toContain('{{#x}}');
      expect(text, name).not.toMatch(/<script/i);
    }
    expect(await book.text('OEBPS/content.opf')).toContain('<dc:title id="title">John Kerry in Russia</dc:title>');
  });

  it("prints the theme's words as text, escaped, never as markup or template", async () => {
    const nav = await book.text('OEBPS/toc.xhtml');
    expect(nav).toContain('<h1 id="toc-title">&#x3C;% require(');
    expect(nav).toContain('%> {{title}} &#x3C;script>x()&#x3C;/script> Contents</h1>');
  });

  it('keeps the stylesheet as it is (CSS, not a template)', async () => {
    expect(await book.text('OEBPS/style.css')).toContain(`/* <% ${writes('epub.css')} %> {{{x}}} */`);
  });

  it("prints the page with its script not run (the PDF's text is the brief's)", () => {
    const text = pdftext(path.join(out, 'kerry-in-russia', 'kerry-in-russia.pdf'));
    expect(text).toContain('John Kerry in Russia');
    expect(text).not.toContain('SCRIPT RAN');
  });
});

describe('a page template that puts a part of the brief where HTML cannot go', () => {
  it('stops the build naming page.html and the part, with rule theme-template', () => {
    const copy = path.join(tmp, 'misplaced');
    cpSync(sampleManuscript, copy, { recursive: true });
    const theme = path.join(copy, 'theme', 'csis');
    mkdirSync(theme, { recursive: true });
    writeFileSync(path.join(theme, 'page.html'), stock('page.html').replace('<title>{{title}}</title>', '<title>{{{body}}}</title>'));
    const r = runCli(['build', copy, '--out', path.join(tmp, 'out-misplaced'), '--format', 'html']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/theme\/csis\/page\.html  error  page\.html puts the brief's body where HTML cannot go \(.+\)  theme-template/);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    expect(existsSync(path.join(tmp, 'out-misplaced', 'kerry-in-russia', 'index.html'))).toBe(false);
  });
});

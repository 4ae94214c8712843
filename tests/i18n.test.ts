/**
 * Briefs in Arabic, Chinese and Russian (tests/fixtures/i18n) built through the real CLI: the words
 * the editions add come from the message catalogue of the brief's language, every font is the
 * theme's (embedded, no Type 3), Arabic is laid out right to left while the English boilerplate keeps
 * its own direction, and a missing script font or a character no font has is a positioned error.
 *
 * The Chinese font (@fontsource/noto-sans-sc) is large, so a series' project installs it, not
 * briefpress: the test makes such a project in a temp folder (`node_modules/@fontsource/noto-sans-sc`,
 * a symlink to the copy installed as briefpress' devDependency, which exists only to feed this).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Element, Root, RootContent } from 'hast';
import { fromParse5 } from 'hast-util-from-parse5';
import { parse as parseHtml } from 'parse5';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogueDir, messageKeys, messagesFor } from '../src/i18n/messages.js';
import { repoRoot, runCli } from './helpers/cli.js';
import { pdffonts, run } from './helpers/pdf.js';
import { runEpubcheck } from './helpers/validators.js';
import { openEpub } from './helpers/epub.js';

const fixture = path.join(repoRoot, 'tests/fixtures/i18n');
const slugs = { ar: 'suez-shipping-ar', zh: 'yangtze-water-zh', ru: 'arctic-route-ru' } as const;
/** The families the csis theme names, its script fonts' included (theme.yaml). */
const themeFonts = ['SourceSerif4', 'SourceSans3', 'NotoNaskhArabic', 'NotoSansSC'];

/** A series' project: the fixture as `manuscript/`, with the Chinese font in its own node_modules. */
function makeProject(withChineseFont = true): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'briefpress-i18n-'));
  cpSync(fixture, path.join(dir, 'manuscript'), { recursive: true });
  if (withChineseFont) {
    mkdirSync(path.join(dir, 'node_modules/@fontsource'), { recursive: true });
    symlinkSync(path.join(repoRoot, 'node_modules/@fontsource/noto-sans-sc'), path.join(dir, 'node_modules/@fontsource/noto-sans-sc'));
  }
  return dir;
}

/** Words (runs of letters) of a text. */
function words(text: string): string[] {
  return text.match(/\p{L}+/gu) ?? [];
}

/** Text of an HTML document, without <head>, scripts, styles and lang="en" subtrees; and the English subtrees' text. */
function htmlText(html: string): { own: string; english: string } {
  const tree = fromParse5(parseHtml(html)) as Root;
  let own = '';
  let english = '';
  const walk = (node: Root | RootContent, inEnglish: boolean): void => {
    if (node.type === 'text') {
      if (inEnglish) english += ` ${node.value}`;
      else own += ` ${node.value}`;
      return;
    }
    if (node.type !== 'element' && node.type !== 'root') return;
    if (node.type === 'element') {
      const el = node as Element;
      if (['head', 'script', 'style', 'template'].includes(el.tagName)) return;
      const lang = el.properties.lang;
      if (typeof lang === 'string') inEnglish = /^en(-|$)/i.test(lang);
      // words in attributes a reader hears (alt, aria-label, title)
      for (const k of ['alt', 'ariaLabel', 'title'] as const) {
        const v = el.properties[k];
        if (typeof v === 'string') {
          if (inEnglish) english += ` ${v}`;
          else own += ` ${v}`;
        }
      }
    }
    for (const c of node.children) walk(c, inEnglish);
  };
  walk(tree, false);
  return { own, english };
}

/** The English catalogue's words that the language's own catalogue does not use too (EPUB, PDF, JSON ...). */
function englishOnlyWords(lang: string): Set<string> {
  const catalogueWords = (l: string) => new Set(words(Object.values(messagesFor(l).view).join(' ').replace(/\{\w+\}/g, ' ')).map((w) => w.toLowerCase()));
  const own = catalogueWords(lang);
  return new Set([...catalogueWords('en')].filter((w) => !own.has(w)));
}

describe('message catalogues', () => {
  it('every catalogue has exactly the message keys, and every key a value', () => {
    const files = readdirSync(catalogueDir()).filter((f) => f.endsWith('.yaml'));
    expect(files.map((f) => f.replace(/\.yaml$/, '')).sort()).toEqual(expect.arrayContaining(['ar', 'de', 'en', 'es', 'fr', 'ru', 'zh']));
    for (const f of files) {
      const c = parse(readFileSync(path.join(catalogueDir(), f), 'utf8')) as Record<string, unknown>;
      expect(Object.keys(c).sort(), f).toEqual([...messageKeys].sort());
      for (const [k, v] of Object.entries(c)) expect(typeof v === 'string' ? v.length : Object.keys(v as object).length, `${f} ${k}`).toBeGreaterThan(0);
    }
  });

  it('falls back to English (marked) for a language with no catalogue, and takes theme then series overrides', () => {
    const it = messagesFor('it');
    expect(it.lang).toBe('en');
    expect(it.langAttr).toBe(' lang="en"');
    expect(it.text('notes')).toBe('Notes');
    const ar = messagesFor('ar-EG', { ar: { notes: 'الحواشي' } }, { ar: { aboutOne: 'عن الكاتب' } });
    expect(ar.lang).toBe('ar-EG');
    expect(ar.langAttr).toBe('');
    expect([ar.text('notes'), ar.text('aboutOne'), ar.text('question', { n: 2 })]).toEqual(['الحواشي', 'عن الكاتب', 'س2']);
    // Traditional Chinese does not get the simplified catalogue.
    expect(messagesFor('zh-TW').lang).toBe('en');
    expect(messagesFor('zh-CN').text('notes')).toBe('注释');
  });

  it('picks plural forms with Intl.PluralRules', () => {
    const ru = messagesFor('ru');
    expect([1, 3, 5, 21].map((n) => ru.text('briefCount', { n }))).toEqual(['1 выпуск', '3 выпуска', '5 выпусков', '21 выпуск']);
    expect(messagesFor('en').text('briefCount', { n: 1 })).toBe('1 brief');
  });
});

describe('briefs in Arabic, Chinese and Russian', () => {
  let project: string;
  let out: string;
  let built: ReturnType<typeof runCli>;

  beforeAll(() => {
    project = makeProject();
    out = path.join(project, 'dist');
    built = runCli(['build', path.join(project, 'manuscript'), '--out', out, '--no-previews']);
  }, 300_000);
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('build', () => {
    expect(built.code, built.stderr).toBe(0);
    for (const slug of Object.values(slugs)) {
      for (const f of ['index.html', `${slug}.epub`, `${slug}.pdf`]) expect(readdirSync(path.join(out, slug))).toContain(f);
    }
  });

  it('print with the theme fonts only (its script fonts included), all embedded, no Type 3', () => {
    for (const [lang, slug] of Object.entries(slugs)) {
      const fonts = pdffonts(path.join(out, slug, `${slug}.pdf`));
      expect(fonts.length, slug).toBeGreaterThan(0);
      for (const f of fonts) {
        expect(f.type, `${slug}: ${f.name}`).not.toMatch(/Type 3/);
        expect(f.emb, `${slug}: ${f.name}`).toBe(true);
        const name = f.name.replace(/^[A-Z]{6}\+/, '');
        expect(themeFonts.some((t) => name.startsWith(t)), `${slug}: ${f.name}`).toBe(true);
      }
      // The script font really is in use where the language needs it.
      if (lang === 'ar') expect(fonts.some((f) => f.name.includes('NotoNaskhArabic'))).toBe(true);
      if (lang === 'zh') expect(fonts.some((f) => f.name.includes('NotoSansSC'))).toBe(true);
    }
  });

  it('web pages and PDFs carry no English word outside lang="en"', () => {
    for (const [lang, slug] of Object.entries(slugs)) {
      const english = englishOnlyWords(lang);
      const html = htmlText(readFileSync(path.join(out, slug, 'index.html'), 'utf8'));
      const stray = words(html.own).filter((w) => english.has(w.toLowerCase()));
      expect(stray, `${slug} web page`).toEqual([]);
      // The PDF's text has no lang: its English words must all be words of the page's lang="en" parts.
      const allowed = new Set(words(html.english).map((w) => w.toLowerCase()));
      const pdfWords = words(run('pdftotext', ['-enc', 'UTF-8', path.join(out, slug, `${slug}.pdf`), '-']));
      // (one-letter words: the letter-spaced series band, "C R I T I C A L")
      const strayPdf = pdfWords.filter((w) => w.length > 1 && english.has(w.toLowerCase()) && !allowed.has(w.toLowerCase()));
      expect(strayPdf, `${slug} PDF`).toEqual([]);
      // and the words the edition adds are there, in the language
      const m = messagesFor(lang);
      expect(html.own).toContain(m.text('question', { n: 1 }));
      expect(html.own).toContain(m.text('notes'));
      expect(html.own).toContain(m.text('aboutOne'));
      expect(html.own).toContain(m.text('backlink', { n: 1 }));
    }
  });

  it('lays the Arabic web page out right to left, its English boilerplate left to right', () => {
    const html = readFileSync(path.join(out, slugs.ar, 'index.html'), 'utf8');
    expect(html).toMatch(/<html lang="ar" dir="rtl">/);
    expect(html).toMatch(/<footer class="colophon" lang="en" dir="ltr">/);
    const zh = readFileSync(path.join(out, slugs.zh, 'index.html'), 'utf8');
    expect(zh).toMatch(/<html lang="zh" dir="ltr">/);
  });

  it('prints Arabic page 1 right to left: its Arabic lines end at the right margin, short ones start well inside', () => {
    const xml = run('pdftotext', ['-bbox-layout', '-f', '1', '-l', '1', path.join(out, slugs.ar, `${slugs.ar}.pdf`), '-']);
    const pageWidth = Number(/<page width="([\d.]+)"/.exec(xml)![1]);
    const lines = [...xml.matchAll(/<line xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([\s\S]*?)<\/line>/g)].map((m) => ({
      xMin: Number(m[1]),
      xMax: Number(m[2]),
      text: [...m[3]!.matchAll(/>([^<]*)<\/word>/g)].map((w) => w[1]).join(' '),
    }));
    const arabic = lines.filter((l) => /\p{Script=Arabic}{3}/u.test(l.text));
    expect(arabic.length).toBeGreaterThan(8);
    const right = Math.max(...arabic.map((l) => l.xMax));
    expect(right).toBeGreaterThan(pageWidth * 0.8);
    const left = Math.min(...lines.map((l) => l.xMin));
    // Every Arabic line hangs from the right: nearer the right edge than the left one; most touch it ...
    const leftish = arabic.filter((l) => right - l.xMax > l.xMin - left + 3);
    expect(leftish.map((l) => l.text), 'Arabic lines set from the left').toEqual([]);
    expect(arabic.filter((l) => right - l.xMax <= 3).length).toBeGreaterThan(5);
    // ... and the short ones (headings, a paragraph's last line) leave the left side empty.
    expect(arabic.filter((l) => l.xMin > left + 100).length).toBeGreaterThan(3);
    // The English boilerplate is flush left.
    const english = lines.filter((l) => /Center for Strategic|All rights reserved/.test(l.text) && !/\p{Script=Arabic}/u.test(l.text));
    expect(english.length).toBeGreaterThan(0);
    for (const l of english.filter((e) => /All rights reserved/.test(e.text))) expect(l.xMin - left).toBeLessThan(3);
  });

  it('swaps the Arabic running footer: series and title on the right, the page count on the left', () => {
    const file = path.join(out, slugs.ar, `${slugs.ar}.pdf`);
    const xml = run('pdftotext', ['-bbox', '-f', '2', '-l', '2', file, '-']);
    const height = Number(/<page width="[\d.]+" height="([\d.]+)"/.exec(xml)![1]);
    const width = Number(/<page width="([\d.]+)"/.exec(xml)![1]);
    const foot = [...xml.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)]
      .map((m) => ({ xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), text: m[4]! }))
      .filter((w) => w.yMin > height - 60);
    expect(foot.find((w) => w.text === 'Critical')!.xMin).toBeGreaterThan(width / 2);
    // "الصفحة 2 من 2": Arabic words and the digits, all on the left half
    const count = foot.filter((w) => w.xMax < width / 2);
    expect(count.filter((w) => w.text === '2').length).toBe(2);
    expect(count.some((w) => /\p{Script=Arabic}/u.test(w.text))).toBe(true);
  });

  it('lays the Arabic EPUB and catalog entry out right to left, with the words in Arabic', async () => {
    const epub = await openEpub(path.join(out, slugs.ar, `${slugs.ar}.epub`));
    const doc = (name: string) => epub.text(epub.names.find((n) => n.endsWith(name))!);
    const brief = await doc('brief.xhtml');
    expect(brief).toMatch(/<html [^>]*lang="ar"[^>]*dir="rtl"/);
    expect(brief).toContain('<span class="qa-label qa-label-q">س1</span>');
    expect(await doc('toc.xhtml')).toMatch(/<html [^>]*dir="rtl"[\s\S]*المحتويات/);
    expect(await doc('colophon.xhtml')).toMatch(/<div class="disclaimer" xml:lang="en" lang="en" dir="ltr">/);
    expect(await doc('notes.xhtml')).toContain('aria-label="العودة إلى موضع الإحالة 1"');
    const catalog = readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(catalog).toMatch(/<h2 class="catalog-item-title" dir="rtl"><a href="suez-shipping-ar\/index.html" hreflang="ar" lang="ar">/);
    expect(catalog).toContain('3 briefs');
  });

  it('makes an Arabic EPUB that epubcheck passes with 0 errors and 0 warnings', async () => {
    const r = await runEpubcheck(path.join(out, slugs.ar, `${slugs.ar}.epub`));
    expect({ fatals: r.fatals, errors: r.errors, warnings: r.warnings }, r.output).toEqual({ fatals: 0, errors: 0, warnings: 0 });
  }, 120_000);
});

describe('fonts a brief lacks', () => {
  let project: string;
  beforeAll(() => {
    project = makeProject(false);
    rmSync(path.join(project, 'manuscript/briefs'), { recursive: true });
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  const brief = (slug: string, language: string, body: string) => {
    const dir = path.join(project, 'manuscript/briefs', slug);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'brief.md'),
      `---\ntitle: ${slug}\nauthors: [chen-wei]\ndate: 2024-01-02\nlanguage: ${language}\nsummary: Una breve nota di prova.\n---\n\n## ${body}\n\n${body}\n`,
    );
  };

  it('a language whose font package is not installed: a positioned error naming the npm install command', () => {
    rmSync(path.join(project, 'manuscript/briefs'), { recursive: true, force: true });
    brief('taiwan-grid', 'zh-TW', '臺灣的電網為什麼需要改革？');
    const r = runCli(['build', path.join(project, 'manuscript'), '--out', path.join(project, 'dist'), '--no-previews']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/briefs\/taiwan-grid\/brief\.md:5:11 +error +No font of the theme covers zh-TW text: the font package @fontsource\/noto-sans-tc is not installed +font-missing/);
    expect(r.stderr).toContain('npm install @fontsource/noto-sans-tc');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(path.join(project, 'dist/taiwan-grid'))).toBe(false);
  }, 120_000);

  it('a language with no catalogue: the words are English, marked lang="en"', () => {
    rmSync(path.join(project, 'manuscript/briefs'), { recursive: true, force: true });
    brief('energia-italiana', 'it', 'Perché il prezzo del gas è salito?[^1]\n\n[^1]: Dati del 2022.');
    // A series overrides a message (over the catalogue's and the theme's) ...
    const seriesFile = path.join(project, 'manuscript/series.yaml');
    const series = readFileSync(seriesFile, 'utf8');
    writeFileSync(seriesFile, `${series}messages:\n  en:\n    aboutOne: About the writer\n`);
    const r = runCli(['build', path.join(project, 'manuscript'), '--out', path.join(project, 'dist'), '--format', 'html']);
    // ... and a misspelt key is an error at its place.
    writeFileSync(seriesFile, `${series}messages:\n  en:\n    notez: Endnotes\n`);
    const bad = runCli(['build', path.join(project, 'manuscript'), '--out', path.join(project, 'dist'), '--format', 'html']);
    writeFileSync(seriesFile, series);
    expect(r.code, r.stderr).toBe(0);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/series\.yaml:\d+:5 +error +Unknown field `notez` +series-schema/);
    const html = readFileSync(path.join(project, 'dist/energia-italiana/index.html'), 'utf8');
    expect(html).toContain('<h2 id="about-title" lang="en">About the writer</h2>');
    expect(html).toMatch(/<html lang="it" dir="ltr">/);
    expect(html).toContain('<h2 id="notes-title" lang="en">Notes</h2>');
    expect(html).toContain('<span class="qa-label qa-label-q" lang="en">Q1</span>');
    expect(html).toContain('<a class="skip-link" href="#content" lang="en">Skip to content</a>');
    expect(html).toMatch(/<time datetime="2024-01-02">2 gennaio 2024<\/time>/); // dates: Intl knows Italian
    // every word of the English catalogue counts here (the Italian brief shares none of them)
    const english = new Set(words(Object.values(messagesFor('en').view).join(' ').replace(/\{\w+\}/g, ' ')).map((w) => w.toLowerCase()));
    expect(english.has('notes')).toBe(true);
    expect(words(htmlText(html).own).filter((w) => english.has(w.toLowerCase()))).toEqual([]);
  }, 120_000);

  it('a character no font of the theme has: a positioned error naming it', () => {
    rmSync(path.join(project, 'manuscript/briefs'), { recursive: true, force: true });
    brief('hebrew-word', 'ru', 'Что значит слово שלום?');
    const r = runCli(['build', path.join(project, 'manuscript'), '--out', path.join(project, 'dist'), '--no-previews']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/briefs\/hebrew-word\/brief\.md:9:21 +error +No font of the theme has the character U\+05E9 “ש” .* font-coverage/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});

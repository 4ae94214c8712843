/**
 * The editorial lint of `check` (src/check/editorial.ts): each rule's slips and look-alikes, and a
 * series of ten briefs written for it (tests/fixtures/lint-series) with planted slips of every kind
 * and clean look-alikes: every slip in expected.txt is reported, nothing else.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { check } from '../src/api.js';
import { lintEditorial } from '../src/check/editorial.js';
import { rules } from '../src/check/rules.js';
import { repoRoot, runCli } from './helpers/cli.js';

const fixture = path.join(repoRoot, 'tests/fixtures/lint-series');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bp-lint-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const lint = (text: string, options = {}) => lintEditorial(text, 'b.md', options).map((d) => `${d.line}:${d.column} ${d.ruleId} ${d.message}`);
const doc = (body: string, front = 'title: T\nauthors: [a]\ndate: 2024-01-01\nsummary: S.') => `---\n${front}\n---\n\n${body}\n`;

describe('editorial rules', () => {
  it('acronym-expansion: letters that do not fit the words spelled out, small words skipped', () => {
    expect(lint('The Organization of American States (OSA) met. The World Health Organization (WTO) too.')).toEqual([
      '1:38 acronym-expansion “OSA” does not fit “Organization of American States” (OAS)',
      '1:79 acronym-expansion “WTO” does not fit “World Health Organization” (WHO)',
    ]);
    // fits: small words, hyphenated parts, lower-case expansions, plurals; a parenthesis that is no acronym
    expect(
      lint(
        'The Organization of American States (OAS), the Organization for Security and Co-operation in Europe (OSCE), weapons of mass destruction (WMD), non-governmental organizations (NGOs), the Islamic State of Iraq and al-Sham (ISIS) and the Islamic State (ISIS) met (in this case, twice) with the Minsk (II) group.',
      ),
    ).toEqual([]);
  });

  it('acronym-expansion: an acronym used in one spelling and spelled out in another', () => {
    expect(lint('The North Atlantic Treaty Organization met in Vilnius. The NTAO summit ended.')).toEqual([
      '1:60 acronym-expansion “NTAO” is spelled “NATO” where the brief writes out “North Atlantic Treaty Organization”',
    ]);
    expect(lint('The North Atlantic Treaty Organization met in Vilnius. The NATO summit ended. The ATO is a place.')).toEqual([]);
  });

  it('acronym-expansion: first use, when the series asks for it, with the series’ exceptions', () => {
    const text = 'The IAEA and the OSCE met. The Organization for Security and Co-operation in Europe (OSCE) hosted. NATO (North Atlantic Treaty Organization) came. The EU and the U.S. too.';
    expect(lint(text)).toEqual([]);
    expect(lint(text, { expandAcronyms: true, acronyms: ['EU', 'U.S.'] })).toEqual([
      '1:5 acronym-expansion “IAEA” is never spelled out',
      '1:18 acronym-expansion “OSCE” is used before it is spelled out (“Organization for Security and Co-operation in Europe”)',
    ]);
  });

  it('acronym-expansion: first use inside possessives and compounds; an expansion it cannot judge still counts', () => {
    const opts = { expandAcronyms: true, acronyms: [] };
    expect(lint('NATO’s summit and the EU-Ukraine deal. The North Atlantic Treaty Organization (NATO) met.', opts)).toEqual([
      '1:1 acronym-expansion “NATO” is used before it is spelled out (“North Atlantic Treaty Organization”)',
      '1:23 acronym-expansion “EU” is never spelled out',
    ]);
    expect(lint('The Treaty on the Non-Proliferation of Nuclear Weapons (NPT) holds. The NPT’s review comes.', opts)).toEqual([]);
  });

  it('quote-style: straight quotes in a brief with curly ones, title included; primes and code left alone', () => {
    const text = doc('## Why "now"?\n\nPutin’s “offer” was 5\'10" tall, `it\'s` code. It didn\'t matter.', 'title: Russia\'s Move\nauthors: [a]\ndate: 2024-01-01\nsummary: S.');
    expect(lint(text)).toEqual([
      '2:14 quote-style Straight apostrophe in “Russia\'s” where the brief uses curly ones',
      '8:8 quote-style Straight quote in “"now” where the brief uses curly ones',
      '8:12 quote-style Straight quote in “now"” where the brief uses curly ones',
      '10:53 quote-style Straight apostrophe in “didn\'t” where the brief uses curly ones',
    ]);
    // one style throughout is not a slip
    expect(lint(doc('## Why "now"?\n\nPutin\'s "offer" stood.'))).toEqual([]);
    expect(lint(doc('## Why “now”?\n\nPutin’s “offer” stood.'))).toEqual([]);
  });

  it('repeated-words: phrases said twice, in the body and the front matter; correct doublings left alone', () => {
    const text = doc('Not covered by the by the Geneva agreement. The the end.\n\nОн был в в Москве.', 'title: T\nauthors:\n  - id: a\n    bio: >-\n      Directs the the program.\ndate: 2024-01-01\nsummary: He had had enough; that that was all.');
    expect(lint(text)).toEqual([
      '6:15 repeated-words Repeated words “the the”',
      '11:13 repeated-words Repeated words “by the by the”',
      '11:45 repeated-words Repeated words “The the”',
      '13:8 repeated-words Repeated words “в в”',
    ]);
    expect(lint('He had had enough. She said that that was fine. The theory.')).toEqual([]);
  });

  it('term-variant and number-style: one term or percentage written two ways', () => {
    expect(lint('Bashar al-Assad met al-Assad’s men; Al Assad left. The U.S. and the US and U.S.-Russian talks. Minsk-II and Minsk II. Up 5 percent, then 7%.')).toEqual([
      '1:37 term-variant “Al Assad” is also spelled “al-Assad” in this brief',
      '1:69 term-variant “US” is also spelled “U.S.” in this brief',
      '1:109 term-variant “Minsk II” is also spelled “Minsk-II” in this brief',
      '1:138 number-style “7%” where the brief writes “N percent”',
    ]);
    // Title Case in a title or heading is not another spelling
    expect(lint(doc('## What Do Non-Resident Fellows Do?\n\nA non-resident fellow writes.', 'title: The Non-Resident Fellow\nauthors: [a]\ndate: 2024-01-01\nsummary: S.'))).toEqual([]);
    expect(lint(doc('## What do fellows do?\n\nA Non-Resident fellow writes; a non-resident fellow reads; non-resident fellows teach.'))).toEqual(['10:3 term-variant “Non-Resident” is also spelled “non-resident” in this brief']);
    // a sentence's capital is not another spelling
    expect(lint('Anti-American voices grew. The anti-American mood spread, and anti-American slogans too.')).toEqual([]);
    // "us" the pronoun, "USA", a sentence-final "U.S.", consistent terms
    expect(lint('They told us the U.S. will act. The USA agrees with the U.S. Exports fell 5% and 7%. The anti-American mood grew.')).toEqual([]);
  });

  it('unbalanced, doubled-space, doubled-punctuation; enumerations, ellipses, hard breaks and code left alone', () => {
    expect(lint('The deal (signed in 2015 was never ratified. He called it “a trap and left.\n\nThe  ceasefire,, etc.. continues .')).toEqual([
      '1:10 unbalanced “(” is never closed',
      '1:59 unbalanced ““” is never closed',
      '3:4 doubled-space Doubled space',
      '3:15 doubled-punctuation Doubled punctuation “ceasefire,,”',
      '3:21 doubled-punctuation Doubled punctuation “etc..”',
      '3:33 doubled-punctuation Space before “.”',
    ]);
    expect(lint('He said "no and left. A 12" pipe and a "quoted" word.\n\n"A quotation\n\n"over two paragraphs."')).toEqual(['1:9 unbalanced “"” is never closed']);
    expect(lint('Conditions: a) a ceasefire, b) talks. Well... the U.S., e.g., agreed (for good (we hope)).  \nA hard break.\n\n“One paragraph.\n\n“And the next.”\n\n```\na  b,, c ..\n```\n\nSee `a  b`.')).toEqual([]);
  });

  it('series-spelling: a name spelled two ways; plurals and different names are not variants', () => {
    expect(lint('Foreign Minister Sergey Lavrov spoke. Later Sergey Lavrov and then Sergei Lavrov left.')).toEqual([
      '1:68 series-spelling “Sergei Lavrov” is spelled “Sergey Lavrov” in this brief',
    ]);
    expect(lint('Both North Korea and South Korea came. The Prime Minister and two Prime Ministers met. Deputy Minister and Defense Minister.')).toEqual([]);
    expect(lint('The North Korea talks and North Korean troops; the Iran Deal and the Iraq Deal; Saudi Arabia and Saudi Arabian oil.')).toEqual([]);
  });

  it('reads a paragraph too long for the natural-language converter from the Markdown tree, at the right place', () => {
    const long = Array.from({ length: 40000 }, (_, i) => `w${i}-v${i}`).join(' ');
    expect(lint(`## Heading\n\n${long} and the the end.`)).toEqual([`3:${long.length + 6} repeated-words Repeated words “the the”`]);
  });

  it('silences a finding by front matter `lint: {ignore}` (a rule, or a rule and its words) and by a comment', () => {
    const front = (ignore: string) => `title: T\nauthors: [a]\ndate: 2024-01-01\nsummary: S.\nlint:\n  ignore: [${ignore}]`;
    const body = 'The  end, the the end.\n\n<!-- lint ignore repeated-words -->\nThe the start.';
    expect(lint(doc(body, front('')))).toHaveLength(2);
    expect(lint(doc(body, front('doubled-space')))).toEqual(['10:11 repeated-words Repeated words “the the”']);
    expect(lint(doc(body, front('"repeated-words: the the"')))).toEqual(['10:4 doubled-space Doubled space']);
    expect(lint(doc(body, front('"repeated-words: a b"')))).toHaveLength(2);
  });
});

describe('the ten-brief test series', () => {
  const relative = (d: { file: string; line: number; column: number; ruleId: string; message: string }) =>
    `${path.relative(path.join(fixture, 'briefs'), path.resolve(d.file))}:${d.line}:${d.column}  ${d.ruleId}  ${d.message.replaceAll('tests/fixtures/lint-series/briefs/', '')}`;

  it('reports every planted slip and no look-alike', async () => {
    const r = await check({ input: fixture, editions: false });
    expect(r.briefs).toHaveLength(10);
    expect(r.ok).toBe(true);
    const expected = readFileSync(path.join(fixture, 'expected.txt'), 'utf8').trim().split('\n');
    expect(r.diagnostics.map(relative)).toEqual(expected);
    // every editorial rule has a planted slip
    const found = new Set(r.diagnostics.map((d) => d.ruleId));
    for (const id of ['acronym-expansion', 'quote-style', 'repeated-words', 'term-variant', 'number-style', 'unbalanced', 'doubled-space', 'doubled-punctuation', 'series-spelling']) {
      expect(found).toContain(id);
      expect(Object.keys(rules)).toContain(id);
    }
  });

  it('--fix makes the quotes curly and the doubled spaces single, reports each change, and touches nothing else', () => {
    const copy = path.join(tmp, 'series');
    cpSync(fixture, copy, { recursive: true });
    const file = (slug: string) => path.join(copy, 'briefs', slug, 'brief.md');
    const before = { gamble: readFileSync(file('03-gamble'), 'utf8'), spacing: readFileSync(file('06-spacing'), 'utf8'), quiet: readFileSync(file('10-quiet'), 'utf8') };
    const r = runCli(['check', copy, '--no-editions', '--fix']);
    expect(r.code).toBe(0);
    const fixed = r.stderr.split('\n').filter((l) => l.includes('  info  Fixed: '));
    expect(fixed).toHaveLength(5);
    expect(fixed[0]).toMatch(/03-gamble\/brief\.md:2:14  info  Fixed: Straight apostrophe in “Russia's” .* \(now “’”\)  quote-style$/);
    expect(fixed[4]).toMatch(/06-spacing\/brief\.md:11:4  info  Fixed: Doubled space .*doubled-space$/);
    expect(readFileSync(file('03-gamble'), 'utf8')).toBe(
      before.gamble.replace("Russia's", 'Russia’s').replace('"grain deal"', '“grain deal”').replace("didn't", 'didn’t'),
    );
    // primes and code kept their straight marks
    expect(readFileSync(file('03-gamble'), 'utf8')).toContain('5\'10" tall at the bow, armed with 12" charges');
    expect(readFileSync(file('03-gamble'), 'utf8')).toContain("`'sevastopol'`");
    expect(readFileSync(file('06-spacing'), 'utf8')).toBe(before.spacing.replace('The  ceasefire', 'The ceasefire'));
    // a brief with straight quotes throughout, and a silenced doubled space, are left alone
    expect(readFileSync(file('10-quiet'), 'utf8')).toBe(before.quiet);
    // the slips --fix does not touch are still reported; the fixed ones are gone
    const again = runCli(['check', copy, '--no-editions', '--json']);
    const ds = JSON.parse(again.stdout).diagnostics as { ruleId: string }[];
    expect(ds.filter((d) => d.ruleId === 'quote-style' || d.ruleId === 'doubled-space')).toEqual([]);
    expect(ds).toHaveLength(25 - 5);
  });

  it('--fix keeps a BOM, and leaves a file that is not clean UTF-8 as it is', () => {
    const copy = path.join(tmp, 'bytes');
    cpSync(fixture, copy, { recursive: true });
    const gamble = path.join(copy, 'briefs', '03-gamble', 'brief.md');
    const spacing = path.join(copy, 'briefs', '06-spacing', 'brief.md');
    const text = readFileSync(gamble, 'utf8');
    writeFileSync(gamble, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    const broken = Buffer.concat([Buffer.from(readFileSync(spacing, 'utf8').replace('Talks resume', 'Talks \u00e9 resume')).subarray(0, -1), Buffer.from([0xff, 0x0a])]);
    writeFileSync(spacing, broken);
    const r = runCli(['check', copy, '--no-editions', '--fix']);
    expect(r.code).toBe(0);
    expect(readFileSync(gamble).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(readFileSync(gamble, 'utf8')).toContain('Russia’s Gamble');
    expect(readFileSync(spacing)).toEqual(broken);
    expect(r.stderr).toMatch(/06-spacing\/brief\.md  warning  Not fixed: it is not clean UTF-8/);
  });

  it('check --rules lists the catalogue', () => {
    const r = runCli(['check', '--rules']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^acronym-expansion +An acronym whose letters/m);
    expect(r.stdout.trim().split('\n')).toHaveLength(Object.keys(rules).length);
  });
});

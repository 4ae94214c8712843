/**
 * Past one machine (issue #17): `build --shard I/N` into separate output folders, the folders copied
 * into one, `briefpress catalog` merges them: the result is byte for byte what one build writes, cache
 * included. Through the real CLI, all editions.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSeries, syntheticBrief } from '../scripts/synthetic-series.js';
import { parseShard, shardOf } from '../src/build/shard.js';
import { runCli } from './helpers/cli.js';

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Every file under a folder, relative, sorted. */
function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = path.join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

describe('shards', () => {
  let root: string;
  let base: string;
  const slugs = Array.from({ length: 5 }, (_, i) => syntheticBrief(i).slug);
  beforeAll(() => {
    root = makeSeries(5);
    base = path.dirname(root);
    made.push(base);
  });

  it('are stable by slug: adding briefs moves no brief to another shard', () => {
    for (const n of [2, 3, 7, 64]) {
      const before = slugs.map((s) => shardOf(s, n));
      const more = [...slugs, 'a-new-brief', 'another-one'];
      expect(more.slice(0, slugs.length).map((s) => shardOf(s, n))).toEqual(before);
      for (const s of before) expect(s >= 1 && s <= n).toBe(true);
    }
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/3', '4/3', '1/0', 'x', '1/3/4', '', '-1/2', '1.5/3']) expect(parseShard(bad)).toBeUndefined();
  });

  it('3 shards merged are byte for byte one build', () => {
    // The synthetic slugs spread over all 3 shards (else this test would not test a merge).
    expect(new Set(slugs.map((s) => shardOf(s, 3))).size).toBe(3);
    const merged = path.join(base, 'merged');
    mkdirSync(merged);
    for (const i of [1, 2, 3]) {
      const out = path.join(base, `shard-${i}`);
      const r = runCli(['build', root, '--shard', `${i}/3`, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      const mine = slugs.filter((s) => shardOf(s, 3) === i);
      // Only this shard's briefs and its manifest: no catalog, no build cache.
      expect(readdirSync(out).sort()).toEqual([`.briefpress-shard-${i}-of-3.json`, ...mine].sort());
      cpSync(out, merged, { recursive: true });
    }
    const cat = runCli(['catalog', root, '--out', merged]);
    expect(cat.code, cat.stderr).toBe(0);
    expect(cat.stderr).toMatch(/catalog: .*index\.html, .*opds\.xml, .*catalog\.json/);

    const single = path.join(base, 'single');
    const one = runCli(['build', root, '--out', single]);
    expect(one.code, one.stderr).toBe(0);

    const list = files(single);
    expect(list).toContain('.briefpress-cache.json');
    expect(list).toContain('opds.xml');
    expect(files(merged)).toEqual(list);
    const differ = list.filter((f) => !readFileSync(path.join(single, f)).equals(readFileSync(path.join(merged, f))));
    expect(differ).toEqual([]);

    // Merged again with nothing new: nothing to do, nothing changes.
    const again = runCli(['build', root, '--catalog-only', '--out', merged]);
    expect(again.code, again.stderr).toBe(0);
    expect(files(merged)).toEqual(list);
  });

  it('a shard missing from the merge fails its briefs, and the catalog lists the others', () => {
    const out = path.join(base, 'partial');
    const r = runCli(['build', root, '--shard', '1/3', '--out', out, '--format', 'html']);
    expect(r.code, r.stderr).toBe(0);
    const cat = runCli(['catalog', root, '--out', out, '--format', 'html']);
    expect(cat.code).toBe(1);
    const missing = slugs.filter((s) => shardOf(s, 3) !== 1);
    for (const s of missing) expect(cat.stderr).toContain(`briefs/${s}/brief.md`);
    expect(cat.stderr).toContain('shard-missing');
    expect(cat.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const opds = readFileSync(path.join(out, 'opds.xml'), 'utf8');
    for (const s of slugs) expect(opds.includes(`${s}/index.html`)).toBe(!missing.includes(s));
  });

  it('a bad shard spec is bad usage: exit 2, a message, nothing written', () => {
    const out = path.join(base, 'bad');
    for (const spec of ['0/3', '4/3', 'two/3', '1/0']) {
      const r = runCli(['build', root, '--shard', spec, '--out', out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--shard takes I/N`);
      expect(r.stderr).toContain(`(got \`${spec}\`)`);
    }
    const both = runCli(['build', root, '--shard', '1/2', '--catalog-only', '--out', out]);
    expect(both.code).toBe(2);
    const brief = runCli(['build', path.join(root, 'briefs', slugs[0]!), '--shard', '1/2', '--out', out]);
    expect(brief.code).toBe(2);
    expect(brief.stderr).toMatch(/whole series/);
    expect(existsSync(out)).toBe(false);
  });
});

/**
 * The CLI runs its bundle only while every file the bundle holds is as it was when it was made
 * (src/cli/start.ts): a patched or updated dependency is what runs (issue #12), whatever the
 * install's file times. On a made-up package: lib/ with a bundle's inputs.json, node_modules beside.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleMismatch, type BundleInput } from '../src/cli/start.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'bp-start-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A package folder `<dir>/project/node_modules/briefpress` whose bundle holds its api.js and two dependencies. */
function makeInstall(dir: string, layout: 'hoisted' | 'nested') {
  const project = path.join(dir, 'project');
  const pkg = path.join(project, 'node_modules', 'briefpress');
  const lib = path.join(pkg, 'lib');
  const deps = layout === 'hoisted' ? path.join(project, 'node_modules') : path.join(pkg, 'node_modules');
  const files: Record<string, string> = {
    [path.join(lib, 'api.js')]: 'export const api = 1;\n',
    [path.join(deps, 'yaml', 'package.json')]: '{"name":"yaml","version":"2.8.1"}\n',
    [path.join(deps, 'yaml', 'dist', 'index.js')]: 'exports.parse = () => 1;\n',
    [path.join(deps, '@scope', 'dep', 'package.json')]: '{"name":"@scope/dep","version":"1.0.0"}\n',
    [path.join(deps, '@scope', 'dep', 'index.js')]: 'export default 2;\n',
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  const entry = (name: string, file: string): BundleInput => ({
    file: name,
    size: statSync(file).size,
    mtimeMs: statSync(file).mtimeMs,
    sha1: createHash('sha1').update(readFileSync(file)).digest('hex'),
  });
  const inputs = [
    entry('lib:api.js', path.join(lib, 'api.js')),
    entry('npm:yaml/dist/index.js', path.join(deps, 'yaml', 'dist', 'index.js')),
    entry('npm:@scope/dep/index.js', path.join(deps, '@scope', 'dep', 'index.js')),
  ];
  mkdirSync(path.join(lib, 'cli', 'bundle'), { recursive: true });
  writeFileSync(path.join(lib, 'cli', 'bundle', 'inputs.json'), JSON.stringify(inputs));
  return { lib, yaml: path.join(deps, 'yaml', 'dist', 'index.js'), scoped: path.join(deps, '@scope', 'dep', 'index.js') };
}

describe('the CLI bundle is used only while it holds what Node would load', () => {
  it('runs the bundle when every file is as it was, hoisted or nested, and after a fresh install that only changed the file times', () => {
    for (const layout of ['hoisted', 'nested'] as const) {
      const { lib, yaml, scoped } = makeInstall(path.join(tmp, layout), layout);
      expect(bundleMismatch(lib)).toBeUndefined();
      // A fresh install of the same versions: other times, the same bytes.
      utimesSync(yaml, new Date(499162500000), new Date(499162500000));
      utimesSync(scoped, new Date(), new Date(Date.now() + 5000));
      expect(bundleMismatch(lib)).toBeUndefined();
    }
  });

  it('runs the modules when a dependency was patched (even to the same size), updated, removed or is not installed', () => {
    const { lib, yaml, scoped } = makeInstall(path.join(tmp, 'patched'), 'hoisted');
    // patch-package style: the same size, other bytes, a new time
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('=> 1', '=> 7'));
    expect(bundleMismatch(lib)).toBe('yaml/dist/index.js changed');
    writeFileSync(yaml, 'exports.parse = () => 1;\n');
    expect(bundleMismatch(lib)).toBeUndefined();
    // an update: another size
    writeFileSync(scoped, 'export default 3; // 1.0.1\n');
    expect(bundleMismatch(lib)).toBe('@scope/dep/index.js changed');
    rmSync(scoped);
    expect(bundleMismatch(lib)).toBe('@scope/dep/index.js is missing');
    rmSync(path.dirname(scoped), { recursive: true });
    expect(bundleMismatch(lib)).toBe('@scope/dep/index.js is not installed');
  });

  it('runs the modules when briefpress’ own compiled module changed, or there is no bundle', () => {
    const { lib } = makeInstall(path.join(tmp, 'own'), 'hoisted');
    writeFileSync(path.join(lib, 'api.js'), 'export const api = 2;\n');
    expect(bundleMismatch(lib)).toBe('api.js changed');
    rmSync(path.join(lib, 'cli', 'bundle'), { recursive: true });
    expect(bundleMismatch(lib)).toBe('no bundle');
  });

  it('checks what only the CommonJS file holds (inputs-cjs.json) apart: a patch there leaves the ES bundle usable', () => {
    const { lib, yaml } = makeInstall(path.join(tmp, 'cjs-only'), 'hoisted');
    // As if yaml were in main.cjs only.
    const inputs = JSON.parse(readFileSync(path.join(lib, 'cli', 'bundle', 'inputs.json'), 'utf8')) as BundleInput[];
    writeFileSync(path.join(lib, 'cli', 'bundle', 'inputs.json'), JSON.stringify(inputs.filter((i) => i.file !== 'npm:yaml/dist/index.js')));
    writeFileSync(path.join(lib, 'cli', 'bundle', 'inputs-cjs.json'), JSON.stringify(inputs.filter((i) => i.file === 'npm:yaml/dist/index.js')));
    expect(bundleMismatch(lib, 'inputs-cjs.json')).toBeUndefined();
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('=> 1', '=> 7'));
    expect(bundleMismatch(lib, 'inputs-cjs.json')).toBe('yaml/dist/index.js changed');
    expect(bundleMismatch(lib)).toBeUndefined();
  });
});

describe('the CLI ends once its output is written', () => {
  /**
   * A child that writes `bytes` to stdout and as BRIEFPRESS_TRACE's report to stderr, then ends by
   * exitWhenWritten (src/cli/start.ts); both pipes are read only after 300 ms, when the child is
   * past its exit: what it wrote beyond what the pipe holds (a socket pair's few hundred kB) must have waited for the reader.
   */
  async function childOutput(bytes: number): Promise<{ out: number; err: number; code: number | null }> {
    const { spawn } = await import('node:child_process');
    const script = [
      `const { exitWhenWritten } = await import(${JSON.stringify(new URL('../src/cli/start.ts', import.meta.url).href)});`,
      `globalThis[Symbol.for('briefpress.trace.report')] = () => process.stderr.write('t'.repeat(${bytes}));`,
      `process.stdout.write('o'.repeat(${bytes}));`,
      'await exitWhenWritten(3);',
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pause();
    child.stderr.pause();
    await new Promise((r) => setTimeout(r, 300));
    let out = 0;
    let err = 0;
    child.stdout.on('data', (b: Buffer) => (out += b.length));
    child.stderr.on('data', (b: Buffer) => (err += b.length));
    child.stdout.resume();
    child.stderr.resume();
    const code = await new Promise<number | null>((r) => child.on('close', r));
    return { out, err, code };
  }

  it('writes all of a large output and the trace report (more than a pipe or socket holds) before it exits, with its exit code', async () => {
    expect(await childOutput(2_000_000)).toEqual({ out: 2_000_000, err: 2_000_000, code: 3 });
  });
});

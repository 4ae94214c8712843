/**
 * briefpress as users get it: the tarball `npm pack` makes, installed (runtime dependencies only)
 * into a fresh project. The library is imported from plain Node (no loader) and builds the sample;
 * a strict TypeScript consumer type-checks against the .d.ts only; the installed CLI runs with a
 * read-only node_modules and writes nothing there; a patched dependency is what the CLI runs.
 * One pack and one install (npm's offline cache is used when it has the packages), shared by the tests.
 */
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { repoRoot } from './helpers/cli.js';

// Packing and installing on a busy machine: generous bounds.
vi.setConfig({ testTimeout: 400_000, hookTimeout: 600_000 });

const slug = 'kerry-in-russia';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bp-package-'));
const project = path.join(tmp, 'project');
const nm = path.join(project, 'node_modules');
const installed = path.join(nm, 'briefpress');
const cliBin = path.join(nm, '.bin', 'briefpress');
let tarball = '';
let mounted = false;

function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}) {
  const r = spawnSync(cmd, args, { cwd: project, encoding: 'utf8', timeout: 400_000, ...opts, env: { ...process.env, NO_COLOR: '1', PUPPETEER_SKIP_DOWNLOAD: '1', ...opts.env } });
  return { code: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** Every file under `dir` with its size and modification time, one line each. */
function listing(dir: string): string {
  const lines: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const s = statSync(p, { throwIfNoEntry: false });
        lines.push(`${path.relative(dir, p)} ${s?.size} ${s?.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return lines.sort().join('\n');
}

function unmount() {
  if (!mounted) return;
  let ok = false;
  for (let i = 0; i < 10 && !ok; i++) {
    ok = spawnSync('umount', [nm]).status === 0;
    if (!ok) spawnSync('sleep', ['0.5']);
  }
  if (!ok) spawnSync('umount', ['-l', nm]);
  mounted = false;
}

beforeAll(() => {
  // lib/ compiled from the sources as they are (a no-op when it is current), then packed as npm publishes it.
  const compiled = run(process.execPath, [path.join(repoRoot, 'scripts', 'compile.mjs')], { cwd: repoRoot });
  expect(compiled.code, compiled.stderr).toBe(0);
  const packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: repoRoot });
  expect(packed.code, packed.stderr).toBe(0);
  const info = JSON.parse(packed.stdout)[0] as { filename: string; size: number; files: { path: string }[] };
  tarball = path.join(tmp, info.filename);
  const files = info.files.map((f) => f.path);
  expect(files).toContain('lib/api.js');
  expect(files).toContain('lib/api.d.ts');
  expect(files).toContain('lib/cli/cli.js');
  expect(files).toContain('lib/preview/ui/index.html');
  expect(files).toContain('templates/csis/theme.yaml');
  expect(files.filter((f) => f.startsWith('src/') || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  mkdirSync(project);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
  const t0 = performance.now();
  const inst = run('npm', ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball]);
  expect(inst.code, inst.stderr).toBe(0);
  const du = run('du', ['-sh', nm]).stdout.split('\t')[0];
  const packages = run('npm', ['ls', '--all', '--parseable', '--omit=dev']).stdout.split('\n').filter(Boolean).length - 1;
  console.log(`package: tarball ${(info.size / 1024).toFixed(0)} kB; runtime install ${du}, ${packages} packages, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
});

afterAll(() => {
  unmount();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('is compiled JavaScript with types; its dependencies hold no TypeScript runtime or build tool', () => {
    const pkg = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8'));
    expect(pkg.exports['.']).toEqual({ types: './lib/api.d.ts', import: './lib/api.js' });
    for (const dev of ['tsx', 'esbuild', 'typescript', 'vitest', 'pdfjs-dist', 'epubjs']) {
      expect(pkg.dependencies[dev], dev).toBeUndefined();
      expect(existsSync(path.join(nm, dev)), `${dev} installed`).toBe(false);
    }
    expect(existsSync(path.join(installed, 'src'))).toBe(false);
  });

  it('imports from plain Node (no loader) and builds the sample into three editions', () => {
    cpSync(path.join(repoRoot, 'manuscript'), path.join(project, 'manuscript'), { recursive: true });
    const script = `import('briefpress').then(async (m) => {
      const r = await m.build({ input: 'manuscript', outDir: 'out' });
      console.log(JSON.stringify({ ok: r.ok, version: m.version, briefs: r.briefs.map((b) => b.slug) }));
    })`;
    const r = run(process.execPath, ['--input-type=module', '-e', script]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(result).toMatchObject({ ok: true, briefs: [slug] });
    for (const f of ['index.html', `${slug}.epub`, `${slug}.pdf`]) expect(statSync(path.join(project, 'out', slug, f)).size, f).toBeGreaterThan(1000);
    expect(existsSync(path.join(project, 'out', 'opds.xml'))).toBe(true);
  });

  it('type-checks a strict consumer from the .d.ts alone (skipLibCheck off)', () => {
    writeFileSync(
      path.join(project, 'consumer.ts'),
      `import { build, check, formatDiagnostic, type BuildOptions, type BuildResult, type Diagnostic } from 'briefpress';
const options: BuildOptions = { input: 'manuscript', outDir: 'out', formats: ['html'] };
const result: BuildResult = await build(options);
const messages: Diagnostic[] = result.briefs.flatMap((b) => b.diagnostics);
const report = await check({ input: 'manuscript', outDir: 'out' });
export const lines: string[] = [...messages, ...report.diagnostics].map((d) => formatDiagnostic(d));
`,
    );
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: false, noEmit: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, types: [] },
        files: ['consumer.ts'],
      }),
    );
    const tsc = createRequire(path.join(repoRoot, 'package.json')).resolve('typescript/bin/tsc');
    const r = run(process.execPath, [tsc, '-p', 'tsconfig.json', '--listFiles']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const read = r.stdout.split('\n').filter((l) => l.includes(`${path.sep}briefpress${path.sep}`));
    expect(read.length).toBeGreaterThan(0);
    expect(read.filter((f) => !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('runs the installed CLI with node_modules read-only, and writes nothing there', () => {
    const before = listing(nm);
    // A read-only bind mount of node_modules over itself (as root, chmod would not stop a write).
    expect(spawnSync('mount', ['--bind', nm, nm]).status, 'this test needs root to mount').toBe(0);
    mounted = true;
    try {
      expect(spawnSync('mount', ['-o', 'remount,bind,ro', nm]).status).toBe(0);
      expect(() => writeFileSync(path.join(nm, 'probe'), 'x')).toThrow(/EROFS/);
      const v = run(cliBin, ['--version']);
      expect(v.code, v.stderr).toBe(0);
      expect(v.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version);
      const b = run(cliBin, ['build', 'manuscript', '--out', 'out-ro', '--format', 'html,epub']);
      expect(b.code, b.stderr).toBe(0);
      expect(existsSync(path.join(project, 'out-ro', slug, `${slug}.epub`))).toBe(true);
    } finally {
      unmount();
    }
    expect(listing(nm)).toBe(before);
  });

  it('runs a patched dependency as it is on disk (no cached copy of the dependencies)', () => {
    const yaml = createRequire(path.join(installed, 'package.json')).resolve('yaml');
    expect(yaml.startsWith(nm)).toBe(true);
    // The CLI runs its bundle only while the files it holds are the ones installed (src/cli/start.ts):
    // the install may have newer versions within the ranges than the repository's lock file, and then
    // the file named differs from the one bundled (this repository's).
    const before = run(cliBin, ['--version'], { env: { BRIEFPRESS_TRACE: '1' } });
    expect(before.code, before.stderr).toBe(0);
    const which = /running the (bundle|modules \((.+) (changed|is missing|is not installed)\))/.exec(before.stderr);
    expect(which, before.stderr).not.toBeNull();
    if (which![2]) {
      const bundled = path.join(repoRoot, 'node_modules', which![2]);
      const mine = path.join(nm, which![2]);
      expect(existsSync(mine) && readFileSync(mine).equals(readFileSync(bundled)), `${which![2]} is the same as bundled`).toBe(false);
    }
    appendFileSync(yaml, `\n;console.error('patched yaml in use');\n`);
    const r = run(cliBin, ['build', 'manuscript', '--out', 'out-patched', '--format', 'html'], { env: { BRIEFPRESS_TRACE: '1' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('patched yaml in use');
    expect(r.stderr).toMatch(/running the modules \(.+ (changed|is missing|is not installed)\)/);
  });

  it('serves the preview from the installed package: its UI files and PDFium ship with it', async () => {
    const child = spawn(cliBin, ['preview', 'manuscript', '--port', '0', '--no-open'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let log = '';
    child.stderr.on('data', (d) => (log += d));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
          if (m) resolve(m[0]);
        });
        child.on('exit', (code) => reject(new Error(`preview exited with ${code}:\n${log}`)));
      });
      for (const p of ['', 'ui/preview.js', 'ui/pdf-view.js', 'ui/epub-view.js', 'ui/preview.css', 'vendor/pdfium.mjs', 'vendor/pdfium.wasm']) {
        const r = await fetch(url + p);
        expect(r.status, p).toBe(200);
      }
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    }
  });
});

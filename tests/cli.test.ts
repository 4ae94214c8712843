/** The command line's contract: usage, exit codes, and no stack trace for the user's mistakes. */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDir } from '../src/util/write.js';
import { bin, repoRoot, runCli } from './helpers/cli.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'bp-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const noTrace = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);

describe('briefpress CLI', () => {
  it('prints usage with --help and the version with --version', () => {
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage:\n\s+briefpress build/);
    const v = runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('runs the compiled lib/ only while it is current, else the sources through tsx, and writes nothing at run time', () => {
    // A copy of the package (its own src/ and lib/, the same node_modules), so the real ones are not touched.
    const pkg = path.join(tmp, 'pkg');
    for (const f of ['src', 'scripts', 'manuscript', 'templates', 'package.json', 'tsconfig.json', 'tsconfig.build.json']) cpSync(path.join(repoRoot, f), path.join(pkg, f), { recursive: true });
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(pkg, 'node_modules'));
    const bin = path.join(pkg, 'src', 'cli', 'bin.js');
    const run = (env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8', env: { ...process.env, ...env } });
    // Files under node_modules newer than the copy (vitest's own cache aside).
    const listing = () =>
      spawnSync('find', [path.join(repoRoot, 'node_modules'), '-newer', path.join(pkg, 'package.json'), '-not', '-path', '*/node_modules/.vite*'], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter(Boolean)
        .join('\n');
    // No lib/: the sources.
    const fromSource = run();
    expect(fromSource.status).toBe(0);
    expect(fromSource.stdout).toMatch(/Usage:/);
    const compiled = spawnSync(process.execPath, [path.join(pkg, 'scripts', 'compile.mjs')], { encoding: 'utf8' });
    expect(compiled.status, compiled.stderr).toBe(0);
    expect(existsSync(path.join(pkg, 'lib', 'cli', 'main.js'))).toBe(true);
    expect(existsSync(path.join(pkg, 'lib', 'api.d.ts'))).toBe(true);
    expect(existsSync(path.join(pkg, 'lib', 'preview', 'ui', 'index.html'))).toBe(true);
    // lib/ is current: it is what runs, from its bundle's CommonJS file with the code cache a build
    // of the sample made (scripts/bundle.mjs).
    expect(compiled.stderr).toMatch(/code cache made \(\d+\.\d MB, from a build of the sample: html,epub(,pdf)?\)/);
    const fromCache = run({ BRIEFPRESS_TRACE: '1' });
    expect(fromCache.status, fromCache.stderr).toBe(0);
    expect(fromCache.stderr).toContain('running the bundle (main.cjs, its code cache used)');
    expect(fromCache.stdout).toBe(fromSource.stdout);
    // Stack traces name main.cjs where it is (V8 keeps the name a cache was made under: it is made in lib/ itself).
    const startJs = pathToFileURL(path.join(pkg, 'lib', 'cli', 'start.js')).href;
    const stack = spawnSync(process.execPath, ['--input-type=module', '-e', `const { runCachedBundle } = await import(${JSON.stringify(startJs)}); const r = runCachedBundle(${JSON.stringify(path.join(pkg, 'lib', 'cli', 'bundle'))}); try { await r.main(null); } catch (e) { console.log(r.cache, e.stack); }`], { encoding: 'utf8' });
    expect(stack.stdout).toMatch(/^used TypeError/);
    expect(stack.stdout).toContain(`at Object.main (${path.join(pkg, 'lib', 'cli', 'bundle', 'main.cjs')}:`);
    // Other V8 flags: V8 refuses the cache and compiles the file as it would without one.
    const otherFlags = spawnSync(process.execPath, ['--max-semi-space-size=64', bin, '--help'], { encoding: 'utf8', env: { ...process.env, BRIEFPRESS_TRACE: '1' } });
    expect(otherFlags.status, otherFlags.stderr).toBe(0);
    expect(otherFlags.stderr).toContain('running the bundle (main.cjs, its code cache refused)');
    expect(otherFlags.stdout).toBe(fromSource.stdout);
    // A damaged cache is never given to V8 (it would not refuse it: the process would die), nor one
    // left from other bytes of main.cjs of the same length: the ES bundle runs.
    const cjs = path.join(pkg, 'lib', 'cli', 'bundle', 'main.cjs');
    const cache = readFileSync(`${cjs}.cache`);
    const damaged = Buffer.from(cache);
    for (let i = 0; i < 64; i++) damaged[(cache.length >> 1) + i] = 0x5a ^ cache[(cache.length >> 1) + i]!;
    writeFileSync(`${cjs}.cache`, damaged);
    const fromDamaged = run({ BRIEFPRESS_TRACE: '1' });
    expect(fromDamaged.status, fromDamaged.stderr).toBe(0);
    expect(fromDamaged.stderr).toContain('running the bundle;');
    expect(fromDamaged.stdout).toBe(fromSource.stdout);
    writeFileSync(`${cjs}.cache`, cache);
    expect(run({ BRIEFPRESS_TRACE: '1' }).stderr).toContain('its code cache used');
    const source = readFileSync(cjs, 'latin1');
    const edited = source.replace('__bpBundleUrl', '__bpBundleUrX');
    expect(edited.length).toBe(source.length);
    writeFileSync(cjs, edited, 'latin1');
    const fromEdited = run({ BRIEFPRESS_TRACE: '1' });
    expect(fromEdited.status, fromEdited.stderr).toBe(0);
    expect(fromEdited.stderr).toContain('running the bundle;');
    // The ES bundle (a marker put into it shows).
    const main = path.join(pkg, 'lib', 'cli', 'bundle', 'main.js');
    writeFileSync(main, `${readFileSync(main, 'utf8')}\nconsole.error('from lib');\n`);
    const fromLib = run({ BRIEFPRESS_TRACE: '1' });
    expect(fromLib.status).toBe(0);
    expect(fromLib.stderr).toContain('from lib');
    expect(fromLib.stderr).toContain('running the bundle');
    expect(fromLib.stdout).toBe(fromSource.stdout);
    // One file the bundle holds is not as it was: the compiled modules run, one by one.
    const api = path.join(pkg, 'lib', 'api.js');
    writeFileSync(api, `${readFileSync(api, 'utf8')}\nconsole.error('from the modules');\n`);
    const fromModules = run({ BRIEFPRESS_TRACE: '1' });
    expect(fromModules.status).toBe(0);
    expect(fromModules.stderr).not.toContain('from lib');
    expect(fromModules.stderr).toContain('running the modules (api.js changed)');
    expect(fromModules.stdout).toBe(fromSource.stdout);
    // A source changes: lib/ is stale and never runs.
    writeFileSync(path.join(pkg, 'src', 'cli', 'report.ts'), readFileSync(path.join(pkg, 'src', 'cli', 'report.ts'), 'utf8') + '\n// changed\n');
    const stale = run();
    expect(stale.status).toBe(0);
    expect(stale.stderr).not.toContain('from lib');
    expect(stale.stdout).toBe(fromSource.stdout);
    // Nothing under node_modules was written by these runs (no cache, no bundle).
    expect(listing()).toBe('');
  });

  it('makes the same files from its bundle with the code cache as from the sources, byte for byte', () => {
    const env = { SOURCE_DATE_EPOCH: '1700000000', BRIEFPRESS_TRACE: '1' };
    const viaBundle = runCli(['build', 'manuscript', '--out', path.join(tmp, 'same-bundle')], { env });
    expect(viaBundle.code, viaBundle.stderr).toBe(0);
    // lib/ is compiled by the tests' setup (scripts/setup.sh --test), with its code cache.
    expect(viaBundle.stderr).toContain('running the bundle (main.cjs, its code cache used)');
    const viaSource = runCli(['build', 'manuscript', '--out', path.join(tmp, 'same-source')], { env: { ...env, BRIEFPRESS_FROM_SOURCE: '1' } });
    expect(viaSource.code, viaSource.stderr).toBe(0);
    expect(viaSource.stderr).not.toContain('running the bundle');
    const files = (dir: string): string[] =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && e.name !== '.briefpress-cache.json') // it records the tool's hash
        .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
        .sort();
    const made = files(path.join(tmp, 'same-bundle'));
    expect(made).toEqual(files(path.join(tmp, 'same-source')));
    expect(made.filter((f) => /\.(pdf|epub|png|html)$/.test(f)).length).toBeGreaterThan(5);
    for (const f of made) expect(readFileSync(path.join(tmp, 'same-bundle', f)).equals(readFileSync(path.join(tmp, 'same-source', f))), f).toBe(true);
  });

  it('build --json prints a report on stdout: each brief, its files and time, the totals', () => {
    const out = path.join(tmp, 'json');
    const r = runCli(['build', 'manuscript', '--out', out, '--format', 'html', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ ok: true, built: 1, unchanged: 0, failed: 0 });
    expect(report.briefs[0]).toMatchObject({ slug: 'kerry-in-russia', number: 1, ok: true, unchanged: false });
    expect(report.briefs[0].files).toContain(path.join(out, 'kerry-in-russia', 'index.html')); // outside the working folder: absolute
    expect(report.series.some((f: string) => f.endsWith('opds.xml'))).toBe(true);
    expect(report.peakRssKb).toBeGreaterThan(10_000);
    expect(r.stderr).not.toContain('Building'); // no progress lines
    const again = JSON.parse(runCli(['build', 'manuscript', '--out', out, '--format', 'html', '--json']).stdout);
    expect(again).toMatchObject({ built: 0, unchanged: 1 });
  });

  it('exits 2 on an unknown command, option or format', () => {
    for (const args of [['frobnicate'], ['build', '--colour'], ['build', 'manuscript', '--format', 'docx'], ['build', '--jobs', 'many']]) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      noTrace(r.stderr);
    }
  });

  it('exits 3 with a hint when the output folder cannot be written, and does not hang', () => {
    const file = path.join(tmp, 'a-file');
    writeFileSync(file, 'x');
    const r = runCli(['build', path.join(repoRoot, 'manuscript'), '--out', file, '--format', 'html']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot write .*a-file.*\(ENOTDIR\)\n\s+hint: /);
    noTrace(r.stderr);
  });

  it('exits 1 for a folder that is not a manuscript', () => {
    const r = runCli(['build', tmp, '--format', 'html']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/series\.yaml/);
    noTrace(r.stderr);
  });

  it('makeDir fails at once where recursive mkdir would spin (/proc)', () => {
    expect(() => makeDir('/proc/briefpress-nope/x')).toThrow(/ENOENT/);
    const d = path.join(tmp, 'a/b/c');
    makeDir(d);
    makeDir(d); // idempotent
  });

  it('help [command] and <command> --help print that command\'s usage and options only', () => {
    const general = runCli(['help']);
    expect(general.code).toBe(0);
    for (const c of ['init', 'build', 'new', 'preview', 'check', 'help']) expect(general.stdout).toMatch(new RegExp(`^  ${c} +\\S`, 'm'));
    expect(general.stdout).toBe(runCli(['--help']).stdout);
    const build = runCli(['help', 'build']);
    expect(build.code).toBe(0);
    expect(build.stdout).toBe(runCli(['build', '--help']).stdout);
    expect(build.stdout).toBe(runCli(['build', '-h']).stdout);
    expect(build.stdout).toMatch(/^Usage: briefpress build /);
    const opts = (text: string) => [...text.split('\nOptions:\n')[1]!.split('\n\n')[0]!.matchAll(/^ {2}(?:-\w, )?\s*--([\w-]+)/gm)].map((m) => m[1]).sort();
    expect(opts(build.stdout)).toEqual(['catalog-only', 'force', 'format', 'help', 'jobs', 'json', 'no-previews', 'out', 'quiet', 'shard']);
    expect(opts(runCli(['check', '--help']).stdout)).toEqual(['fix', 'help', 'json', 'no-editions', 'out', 'quiet', 'rules']);
    expect(opts(runCli(['help', 'init']).stdout)).toEqual(['help', 'json', 'publisher', 'quiet', 'series', 'theme']);
    expect(opts(runCli(['help', 'preview']).stdout)).toEqual(['help', 'jobs', 'no-open', 'port', 'quiet']);
    expect(opts(runCli(['new', '--help']).stdout)).toEqual(['author', 'date', 'help', 'json', 'quiet', 'title']);
    const unknown = runCli(['help', 'frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command `frobnicate`');
  });

  it('refuses an option of another command with exit 2, naming the commands that take it', () => {
    const cases: [string[], RegExp][] = [
      [['build', '--fix'], /^briefpress build: `--fix` is not an option of `build`: only `check` takes it\n {2}hint: Run `briefpress help build`/],
      [['check', 'manuscript', '--force'], /`--force` is not an option of `check`: only `build` takes it/],
      [['new', 'x', '-o', 'out'], /`-o` is not an option of `new`: `build`, `catalog`, `check` take it/],
      [['preview', '--json'], /`--json` is not an option of `preview`: `build`, `catalog`, `new`, `init`, `check` take it/],
      [['--format', 'html'], /^briefpress: `--format` needs a command: `build` and `catalog` take it/],
      [['build', '--colour'], /^briefpress build: unknown option `--colour`/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      noTrace(r.stderr);
    }
  });

  it('--json prints exactly one JSON document on stdout whatever happens, with the exit code and its reason', async () => {
    const doc = (r: { code: number | null; stdout: string }, reason: string) => {
      const d = JSON.parse(r.stdout); // one document: JSON.parse refuses two
      expect(d, r.stdout).toMatchObject({ ok: r.code === 0, exitCode: r.code, reason });
      expect(Array.isArray(d.diagnostics)).toBe(true);
      return d;
    };
    // bad usage (an unknown option, an option of another command, an unknown command)
    for (const args of [['build', '--colour', '--json'], ['preview', '--json'], ['frobnicate', '--json'], ['build', '--jobs', '99', '--json']]) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(doc(r, 'bad-usage').message).toBeTruthy();
    }
    // a folder that is not a manuscript: its diagnostics
    const notSeries = runCli(['build', tmp, '--json']);
    expect(notSeries.code).toBe(1);
    expect(doc(notSeries, 'manuscript-errors').diagnostics[0]).toMatchObject({ ruleId: 'series-missing', severity: 'error' });
    // no Chromium
    const noChromium = runCli(['build', 'manuscript', '--out', path.join(tmp, 'nochromium'), '--format', 'pdf', '--json'], { env: { PUPPETEER_EXECUTABLE_PATH: '/nonexistent/chromium' } });
    expect(noChromium.code).toBe(3);
    expect(doc(noChromium, 'environment')).toMatchObject({ command: 'build', message: expect.stringContaining('/nonexistent/chromium'), hint: expect.any(String) });
    // a bug
    const bug = runCli(['check', 'manuscript', '--json'], { env: { BRIEFPRESS_TEST_INTERNAL_ERROR: '1' } });
    expect(bug.code).toBe(70);
    expect(doc(bug, 'internal-error').message).toContain('simulated bug');
    expect(bug.stderr).toContain('internal error');
    const escaped = runCli(['build', 'manuscript', '--json'], { env: { BRIEFPRESS_TEST_INTERNAL_ERROR: 'async' } });
    expect(escaped.code).toBe(70);
    expect(doc(escaped, 'internal-error').message).toContain('simulated bug in a callback');
    // --help and --version with --json: a document too
    expect(JSON.parse(runCli(['build', '--help', '--json']).stdout).help).toMatch(/^Usage: briefpress build/);
    expect(JSON.parse(runCli(['--version', '--json']).stdout).version).toMatch(/^\d+\.\d+\.\d+$/);
    // check --rules --json
    expect(Object.keys(JSON.parse(runCli(['check', '--rules', '--json']).stdout).rules)).toContain('init-not-empty');
    // a signal: the build stops, and says so in its document
    const child = spawn(process.execPath, [bin, 'build', 'manuscript', '--out', path.join(tmp, 'signal'), '--format', 'html', '--force', '--json'], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', BRIEFPRESS_TEST_PAUSE_AFTER_READ: '8000' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b));
    const paused = new Promise<void>((resolve) =>
      child.stderr.on('data', (b: Buffer) => {
        stderr += b;
        if (stderr.includes('test pause after reading')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await paused;
    child.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(130);
    expect(doc({ code, stdout }, 'signal')).toMatchObject({ signal: 'SIGINT', command: 'build' });
  });

  it('--quiet prints only problems', () => {
    const out = path.join(tmp, 'quiet');
    expect(runCli(['build', 'manuscript', '--out', out, '--format', 'html']).code).toBe(0);
    const unchanged = runCli(['build', 'manuscript', '--out', out, '--format', 'html', '--quiet']);
    expect(unchanged).toMatchObject({ code: 0, stdout: '', stderr: '' });
    // check: the sample brief's planted slips (warnings) are problems; no progress, no summary
    const check = runCli(['check', 'manuscript', '--no-editions', '-q']);
    expect(check.code).toBe(0);
    expect(check.stderr).toMatch(/ {2}warning {2}/);
    expect(check.stderr).not.toMatch(/checking|brief checked|  info  /);
    // a failure still says so
    const failed = runCli(['build', tmp, '-q']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/series-missing/);
  });

  it('--force rebuilds every brief and records them in the cache: the next build reuses them', () => {
    const out = path.join(tmp, 'force');
    const run = (...extra: string[]) => JSON.parse(runCli(['build', 'manuscript', '--out', out, '--format', 'html', '--json', ...extra]).stdout);
    expect(run('--force')).toMatchObject({ ok: true, built: 1 });
    expect(existsSync(path.join(out, '.briefpress-cache.json'))).toBe(true);
    expect(run()).toMatchObject({ ok: true, built: 0, unchanged: 1 });
    expect(run('--force')).toMatchObject({ ok: true, built: 1 });
    expect(run()).toMatchObject({ ok: true, built: 0, unchanged: 1 });
  });

  it('removes the output of briefs gone from the manuscript: only the files briefpress wrote, never a folder it did not make', () => {
    const ms = path.join(tmp, 'gone-ms');
    const out = path.join(tmp, 'gone-out');
    cpSync(path.join(repoRoot, 'manuscript'), ms, { recursive: true });
    for (const slug of ['second', 'third']) {
      cpSync(path.join(ms, 'briefs', 'kerry-in-russia'), path.join(ms, 'briefs', slug), { recursive: true });
      const f = path.join(ms, 'briefs', slug, 'brief.md');
      writeFileSync(f, readFileSync(f, 'utf8').replace('title: John Kerry in Russia', `title: The ${slug} brief`));
    }
    expect(runCli(['build', ms, '--out', out, '--format', 'html']).code).toBe(0);
    writeFileSync(path.join(out, 'third', 'my-notes.txt'), 'mine'); // a user's file in a brief's folder
    makeDir(path.join(out, 'unrelated'));
    writeFileSync(path.join(out, 'unrelated', 'index.html'), 'mine'); // a folder briefpress did not make
    makeDir(path.join(out, 'kerry-in-russia-old'));
    rmSync(path.join(ms, 'briefs', 'second'), { recursive: true });
    rmSync(path.join(ms, 'briefs', 'third'), { recursive: true });
    // A cache that names a brief whose folder is a symlink to a user's folder: nothing is followed.
    const elsewhere = path.join(tmp, 'gone-elsewhere');
    makeDir(elsewhere);
    writeFileSync(path.join(elsewhere, 'index.html'), 'mine');
    symlinkSync(elsewhere, path.join(out, 'fourth'));
    const cacheFile = path.join(out, '.briefpress-cache.json');
    const cache = JSON.parse(readFileSync(cacheFile, 'utf8'));
    cache.briefs.fourth = { key: '', sources: [], outputs: ['fourth/index.html'] };
    writeFileSync(cacheFile, JSON.stringify(cache));
    // One brief's build leaves them (its catalog is not rewritten either) ...
    expect(runCli(['build', path.join(ms, 'briefs', 'kerry-in-russia'), '--out', out, '--format', 'html']).code).toBe(0);
    expect(existsSync(path.join(out, 'second', 'index.html'))).toBe(true);
    // ... the next whole-series build removes them.
    const r = runCli(['build', ms, '--out', out, '--format', 'html', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.removed.map((x: { slug: string }) => x.slug).sort()).toEqual(['second', 'third']);
    expect(report.removed.find((x: { slug: string }) => x.slug === 'third').kept).toEqual(['my-notes.txt']);
    expect(r.stderr).toMatch(/− second: no longer in the manuscript, its output removed \(\d+ files\)/);
    expect(r.stderr).toMatch(/third\/ kept: it holds files briefpress did not write \(my-notes\.txt\)/);
    expect(existsSync(path.join(out, 'second'))).toBe(false);
    expect(readdirSync(path.join(out, 'third'))).toEqual(['my-notes.txt']);
    expect(readFileSync(path.join(out, 'unrelated', 'index.html'), 'utf8')).toBe('mine');
    expect(existsSync(path.join(out, 'kerry-in-russia-old'))).toBe(true);
    expect(readFileSync(path.join(elsewhere, 'index.html'), 'utf8')).toBe('mine');
    expect(existsSync(path.join(out, 'kerry-in-russia', 'index.html'))).toBe(true);
    const catalog = readFileSync(path.join(out, 'catalog.json'), 'utf8');
    expect(catalog).not.toContain('"third"');
    // Said once: the cache forgot them.
    const again = runCli(['build', ms, '--out', out, '--format', 'html', '--json']);
    expect(JSON.parse(again.stdout).removed).toEqual([]);
  });
});


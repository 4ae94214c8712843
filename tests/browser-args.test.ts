/**
 * src/browser/args.ts writes out Puppeteer's default Chromium arguments (so Chromium can be spawned
 * before Puppeteer loads): they must stay what puppeteer.defaultArgs() gives, or the PDFs could change.
 */
import puppeteer from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { defaultLaunchArgs } from '../src/browser/args.js';
import { chromiumArgs } from '../src/browser/pool.js';

describe('Chromium launch arguments', () => {
  const cases: [string, string[], NodeJS.ProcessEnv][] = [
    ['/tmp/briefpress-chromium-x', [...chromiumArgs], {}],
    ['/tmp/briefpress-chromium-x', [...chromiumArgs, '--no-sandbox'], {}],
    ['/tmp/p', [], {}],
    ['/tmp/p', ['about:blank'], {}],
  ];
  it.each(cases)('are puppeteer.defaultArgs() for %s %j', (dir, extra) => {
    expect(defaultLaunchArgs(dir, extra, {})).toEqual(puppeteer.defaultArgs({ headless: true, userDataDir: dir, args: [...extra] }));
  });
  it('follow the environment Puppeteer reads', () => {
    const saved = { ...process.env };
    try {
      for (const env of [{ PUPPETEER_DANGEROUS_NO_SANDBOX: 'true' }, { PUPPETEER_TEST_EXPERIMENTAL_CHROME_FEATURES: 'true' }]) {
        Object.assign(process.env, env);
        expect(defaultLaunchArgs('/tmp/p', [...chromiumArgs], env)).toEqual(puppeteer.defaultArgs({ headless: true, userDataDir: '/tmp/p', args: [...chromiumArgs] }));
        for (const k of Object.keys(env)) delete process.env[k];
      }
    } finally {
      process.env = saved;
    }
  });
});

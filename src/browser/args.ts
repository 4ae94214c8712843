/**
 * The command line of the Chromium a build starts: what `puppeteer.launch({ headless: true, pipe: true })`
 * would run (puppeteer-core's ChromeLauncher.defaultArgs, features flags merged as it merges them), written
 * out here so that Chromium is spawned before Puppeteer's Node entry is even loaded: Chromium boots
 * while Node loads the driver (~0.1-0.3 s of CPU less on the critical path of a one-brief build).
 * tests/browser-args.test.ts compares this list with Puppeteer's own for every case we use, so an
 * upgrade that changes Puppeteer's defaults fails a test instead of silently changing the PDFs.
 */
import path from 'node:path';

export function defaultLaunchArgs(userDataDir: string, extra: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const experimental = env.PUPPETEER_TEST_EXPERIMENTAL_CHROME_FEATURES === 'true';
  // Features flags among `extra` are merged into Puppeteer's own two lists (as defaultArgs() does),
  // not passed twice: Chromium would read only the last of each.
  const features = (flag: string) => extra.filter((a) => a.startsWith(`${flag}=`)).map((a) => a.slice(flag.length + 1).trim()).filter(Boolean);
  const disabledFeatures = ['Translate', 'AcceptCHFrame', 'MediaRouter', 'OptimizationHints', 'WebUIReloadButton', ...(experimental ? [] : ['ProcessPerSiteUpToMainFrameThreshold', 'IsolateSandboxedIframes']), ...features('--disable-features')];
  const enabledFeatures = ['PdfOopif', ...features('--enable-features')];
  if (extra.some((a) => /^--(en|dis)able-features(?!=)/.test(a))) throw new Error('defaultLaunchArgs: write features flags as --enable-features=A,B');
  extra = extra.filter((a) => !a.startsWith('--disable-features=') && !a.startsWith('--enable-features='));
  const args = [
    '--allow-pre-commit-input',
    '--disable-background-networking',
    '--disable-background-timer-throttling',
    '--disable-backgrounding-occluded-windows',
    '--disable-breakpad',
    '--disable-client-side-phishing-detection',
    '--disable-component-extensions-with-background-pages',
    '--disable-crash-reporter',
    '--disable-default-apps',
    '--disable-dev-shm-usage',
    '--disable-hang-monitor',
    '--disable-infobars',
    '--disable-ipc-flooding-protection',
    '--disable-popup-blocking',
    '--disable-prompt-on-repost',
    '--disable-renderer-backgrounding',
    '--disable-search-engine-choice-screen',
    '--disable-sync',
    '--enable-automation',
    '--export-tagged-pdf',
    '--force-color-profile=srgb',
    '--generate-pdf-document-outline',
    '--metrics-recording-only',
    '--no-first-run',
    '--password-store=basic',
    '--use-mock-keychain',
    `--disable-features=${disabledFeatures.join(',')}`,
    `--enable-features=${enabledFeatures.join(',')}`,
  ];
  if (env.PUPPETEER_DANGEROUS_NO_SANDBOX === 'true' && !extra.includes('--no-sandbox')) args.push('--no-sandbox');
  args.push(`--user-data-dir=${path.posix.isAbsolute(userDataDir) || path.win32.isAbsolute(userDataDir) ? userDataDir : path.resolve(userDataDir)}`);
  args.push('--headless=new', '--hide-scrollbars', '--mute-audio');
  args.push('--disable-extensions');
  if (extra.every((a) => a.startsWith('-'))) args.push('about:blank');
  args.push(...extra);
  return args;
}

#!/usr/bin/env node
// The CLI in this repository (tests/helpers, `npm run build`). It runs the compiled CLI in lib/ (its bundle
// while current: src/cli/start.ts) when
// lib/ was compiled from the sources as they are now (lib/.stamp: scripts/fingerprint.mjs), else the
// sources through tsx (a devDependency). Nothing is written at run time: `npm run compile` (or
// scripts/setup.sh, run by `npm run build` and `npm test`) makes lib/. The installed package runs
// lib/cli/cli.js directly.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { libIsCurrent, root } from '../../scripts/fingerprint.mjs';

let main;
let start;
if (!process.env.BRIEFPRESS_FROM_SOURCE && libIsCurrent()) {
  start = await import(pathToFileURL(path.join(root, 'lib', 'cli', 'start.js')).href);
  main = await start.loadMain();
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('./main.ts'));
  start = await import('./start.ts');
}
await start.exitWhenWritten(await main(process.argv.slice(2)));

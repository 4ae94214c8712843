#!/usr/bin/env node
// The installed package's `briefpress` command (package.json "bin": lib/cli/cli.js, compiled).
// In this repository, src/cli/bin.js runs it (or the sources, when lib/ is not current).
import { exitWhenWritten, loadMain } from './start.js';

// The CLI's bundle when it holds what the modules would load, else the modules (./start.ts).
const main = await loadMain();
await exitWhenWritten(await main(process.argv.slice(2)));

#!/usr/bin/env node
// The installed package's `briefpress` command (package.json "bin": lib/cli/cli.js, compiled).
// In this repository, src/cli/bin.js runs it (or the sources, when lib/ is not current).
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));

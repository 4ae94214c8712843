#!/usr/bin/env node
// briefpress is written in TypeScript and run from source through tsx (no compile step to forget).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));

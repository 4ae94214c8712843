/**
 * One measured build for scripts/bench.ts, in its own process: prints {ms, maxRssKb, built, cached, ok}
 * as JSON on stdout. `ms` is the build() call alone; the parent also times the whole process.
 */
import { build } from '../src/api.js';

const [input, outDir, formats, jobs] = process.argv.slice(2);
const r = await build({ input, outDir, formats: formats!.split(','), jobs: Number(jobs ?? 2) });
process.stdout.write(
  JSON.stringify({
    ms: r.ms,
    maxRssKb: process.resourceUsage().maxRSS,
    built: r.briefs.filter((b) => b.ok && !b.cached).length,
    cached: r.briefs.filter((b) => b.cached).length,
    ok: r.ok,
  }) + '\n',
);

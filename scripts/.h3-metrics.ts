import { build } from '/work/wt-h3/src/api.ts';
import { launchPool } from '/work/wt-h3/src/browser/pool.ts';
import { makeSeries } from '/work/wt-h3/scripts/synthetic-series.ts';
import path from 'node:path';
process.env.BRIEFPRESS_RECYCLE_PAGES = '1000000';
const root = makeSeries(80);
const pool = await launchPool(2);
let done = 0;
const report = async () => {
  for (const p of await pool.browser.pages()) {
    const cdp = await p.createCDPSession(); await cdp.send("HeapProfiler.collectGarbage"); await cdp.detach();
    const m = await p.metrics();
    console.log(done, p.url().slice(0, 50).padEnd(50), 'docs', m.Documents, 'nodes', m.Nodes, 'heap MB', (m.JSHeapUsedSize! / 1e6).toFixed(1), 'total', (m.JSHeapTotalSize! / 1e6).toFixed(1), 'listeners', m.JSEventListeners, 'frames', m.Frames);
  }
};
await build({ input: root, outDir: path.join(path.dirname(root), 'out'), pool, onEvent: (e) => { if (e.type === 'brief-done') done++; } , concurrency: 4});
await report();
const root2 = makeSeries(200);
await build({ input: root2, outDir: path.join(path.dirname(root2), 'out'), pool, onEvent: (e) => { if (e.type === 'brief-done') done++; } });
await report();
await pool.close();

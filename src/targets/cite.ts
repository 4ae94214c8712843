/**
 * The citation files of a brief (issue #15), beside its editions: `<slug>.bib` (BibTeX), `<slug>.ris`
 * (RIS) and `<slug>.csl.json` (CSL JSON), all written from one CSL record (src/targets/cite/record.ts,
 * the writers in src/targets/cite/formats.ts). The catalog gathers them into `citations.bib` / `citations.ris`.
 */
import path from 'node:path';
import type { Brief } from '../model/brief.js';
import { writeFilesAtomic, type WrittenFile } from '../util/write.js';
import { citation } from './cite/record.js';
import type { BuildContext, Target } from './types.js';

export const citeFiles = (slug: string) => ({ bib: `${slug}.bib`, ris: `${slug}.ris`, cslJson: `${slug}.csl.json` });

export const citeTarget: Target = {
  name: 'cite',
  async build(brief: Brief, ctx: BuildContext): Promise<WrittenFile[]> {
    const dir = path.join(ctx.outDir, brief.slug);
    const c = citation(brief, ctx.theme);
    const f = citeFiles(brief.slug);
    return writeFilesAtomic([
      { path: path.join(dir, f.bib), data: c.bibtex },
      { path: path.join(dir, f.ris), data: c.ris },
      { path: path.join(dir, f.cslJson), data: c.cslJson },
    ]);
  },
};

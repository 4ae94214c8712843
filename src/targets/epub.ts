/**
 * The EPUB 3 edition: `<outDir>/<slug>/<slug>.epub` and the cover image beside it.
 * The work is in ./epub/ (documents, metadata, packaging); the cover in ./cover.ts.
 */
import path from 'node:path';
import type { Brief } from '../model/brief.js';
import { writeFilesAtomic, type WrittenFile } from '../util/write.js';
import { makeEpub } from './epub/book.js';
import { markPages } from './pagelist.js';
import { coverFor } from './cover.js';
import { citeBlockText } from './cite/block.js';
import { citation } from './cite/record.js';
import type { BuildContext, Target } from './types.js';
import { traced } from '../util/trace.js';

export const epubTarget: Target = {
  name: 'epub',
  async build(brief: Brief, ctx: BuildContext): Promise<WrittenFile[]> {
    const dir = path.join(ctx.outDir, brief.slug);
    // Issue #15: the print's page breaks and page list, once the PDF is printed (src/targets/pagelist.ts);
    // the cover is drawn meanwhile (makeEpub gets the same one: coverFor keeps it per build).
    if (ctx.pages) coverFor(brief, ctx).catch(() => undefined);
    const marked = markPages(brief, await ctx.pages?.promise, 'epub', citeBlockText(citation(brief, ctx.theme).text));
    const book = await traced('epub', () => makeEpub(marked?.brief ?? brief, ctx, marked), brief.slug);
    return writeFilesAtomic([
      { path: path.join(dir, `cover.${book.cover.ext}`), data: book.cover.data },
      { path: path.join(dir, `${brief.slug}.epub`), data: book.data },
    ]);
  },
};

/**
 * The EPUB 3 edition: `<outDir>/<slug>/<slug>.epub` and the cover image beside it.
 * The work is in ./epub/ (documents, metadata, packaging); the cover in ./cover.ts.
 */
import path from 'node:path';
import type { Brief } from '../model/brief.js';
import { writeAtomic, type WrittenFile } from '../util/write.js';
import { makeEpub } from './epub/book.js';
import type { BuildContext, Target } from './types.js';

export const epubTarget: Target = {
  name: 'epub',
  async build(brief: Brief, ctx: BuildContext): Promise<WrittenFile[]> {
    const dir = path.join(ctx.outDir, brief.slug);
    const book = await makeEpub(brief, ctx);
    return [writeAtomic(path.join(dir, `cover.${book.cover.ext}`), book.cover.data), writeAtomic(path.join(dir, `${brief.slug}.epub`), book.data)];
  },
};

/**
 * What a target is: a name and a function from the Brief model to files in the output folder.
 * Adding an output = one new file in this folder + one line in targets/list.ts (STYLE.md 3).
 */
import type { Brief } from '../model/brief.js';
import type { Theme } from '../theme/theme.js';
import type { WrittenFile } from '../util/write.js';
import type { BrowserPool } from '../browser/pool.js';
import type { PageRendezvous } from './pagelist.js';

/** A brief's neighbours in its series (for the web edition's navigation). */
export interface SeriesLinks {
  prev?: { title: string; href: string };
  next?: { title: string; href: string };
  /** Link to the series catalog page, relative to the brief's folder. */
  catalogHref: string;
}

export interface BuildContext {
  /** Output root (`dist/`); a brief's files go to `<outDir>/<slug>/`. */
  outDir: string;
  theme: Theme;
  /** Seconds since 1970 used for every date the build writes (SOURCE_DATE_EPOCH, else the brief's date). */
  epoch: (brief: Brief) => number;
  /** briefpress' version, for Creator/Producer and generator fields. */
  version: string;
  /** The build's one browser (started on first use). */
  browser: () => Promise<BrowserPool>;
  /** Formats being built (the web page links to the other editions only when they are built). */
  formats: readonly string[];
  /** Page previews beside the PDF (`pages/page-N.png`). Default true. */
  previews?: boolean;
  /** Draw the previews with PDFium in V8's baseline WebAssembly compiler (a short job: see PreviewOptions.baselineOnly). */
  wasmBaselineOnly?: boolean;
  /** Series navigation for the web edition, when building a series. */
  links?: SeriesLinks;
  /** Issue #15: the print's page starts, published by the PDF target for the EPUB and web edition (set per brief when the PDF is built). */
  pages?: PageRendezvous;
  /**
   * Called by the PDF target once its page is rendered and handed to Chromium (or it failed before):
   * the brief's other targets start then, so Node renders them while Chromium prints, not before.
   */
  printSent?: () => void;
}

export interface Target {
  name: string;
  /** Whether the target draws or prints in the build's browser (then it is started early; set in list.ts). */
  usesBrowser?: boolean;
  /** Build the brief's edition(s); throw BriefpressError for the user's mistakes. */
  build(brief: Brief, ctx: BuildContext): Promise<WrittenFile[]>;
}

/** What the series catalog shows of one brief (plain data; made from the manuscript every build: src/build/entry.ts). */
export interface CatalogEntry {
  slug: string;
  number: number;
  title: string;
  subtitle?: string;
  authors: { id: string; name: string; title?: string; affiliation?: string }[];
  /** ISO date `YYYY-MM-DD`. */
  date: string;
  summary: string;
  identifier: string;
  language: string;
  keywords: string[];
  /** Seconds since 1970: the brief's build epoch (OPDS `updated`). */
  updated: number;
}

/** What a series-level step (the catalog) gets: every brief of the series that has editions. */
export interface SeriesContext {
  outDir: string;
  theme: Theme;
  version: string;
  formats: readonly string[];
  series: Brief['series'];
  /** Briefs in series order. */
  entries: CatalogEntry[];
  /** Seconds since 1970 for the series' own dates (SOURCE_DATE_EPOCH, else the newest brief's). */
  epoch: number;
}

/** A step run once per series build, after every brief (STYLE.md 3: a list entry, not a branch). */
export interface SeriesTarget {
  name: string;
  build(ctx: SeriesContext): Promise<WrittenFile[]>;
}

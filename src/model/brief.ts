/**
 * The Brief model: plain data between the pipeline and the targets.
 * Targets read only this; they never parse Markdown (DESIGN.md, "Data flows one way").
 */
import type { Root } from 'hast';

export interface Author {
  /** File stem in `manuscript/authors/` (e.g. `jeffrey-mankoff`). */
  id: string;
  name: string;
  /** Job title, e.g. "Senior Associate, Europe, Russia, and Eurasia Program". */
  title?: string;
  affiliation?: string;
  /** The bio as it applies to this brief (the brief's override, else the author file's). */
  bio: Root;
  /** Language of the bio: the brief's when the brief carries it, else the series' (an author file serves every brief). */
  bioLanguage?: string;
  /** The language of `title` and `affiliation` (the author file's, in the series' language, unless the brief overrides the title). */
  roleLanguage?: string;
  /** Plain-text bio, for metadata. */
  bioText: string;
}

export interface Series {
  name: string;
  publisher: string;
  /** Short form of the publisher's name (e.g. "CSIS"). */
  publisherShort: string;
  publisherUrl?: string;
  /** Where the series is published, ending in `/` (series.yaml `baseUrl`); briefs are at `<baseUrl><slug>/`. */
  baseUrl?: string;
  language: string;
  description?: string;
  /** Theme folder name under `templates/` (or the series' own `theme/`). */
  theme: string;
  identifier: { scheme: 'uuid'; namespace: string } | { scheme: 'issn'; issn: string; namespace: string };
  /** `qa`: each `##` heading is a question, numbered Q1, Q2 ... */
  format: 'qa' | 'article';
  /** Raw HTML in briefs: off by default; when on, it is sanitized. */
  rawHtml: boolean;
  /** Absolute path of the manuscript folder. */
  root: string;
  /** Message overrides per language (series.yaml `messages:`), over the theme's. */
  messages?: import('../i18n/messages.js').MessageOverrides;
  /** `check`'s editorial lint options (series.yaml `lint`). */
  lint?: { acronyms: string[]; expandAcronyms: boolean };
}

export interface ImageAsset {
  /** Absolute path on disk (always inside the manuscript folder). */
  path: string;
  /** Name inside an edition, derived from the content hash: `images/<hash>.<ext>`. */
  href: string;
  mediaType: string;
  /** sha256 of `data`, hex. */
  hash: string;
  alt: string;
  /** The bytes every edition gets: as read once from `path`, and for SVG, sanitized (src/util/svg.ts). */
  data: Uint8Array;
}

export interface Question {
  /** 1-based number in the brief. */
  number: number;
  /** Element id of the question heading, e.g. `q1`. */
  id: string;
  /** Plain text of the question, without its label. */
  text: string;
}

export interface Brief {
  slug: string;
  /** Absolute path of the brief folder. */
  dir: string;
  /** Absolute path of brief.md. */
  file: string;
  title: string;
  subtitle?: string;
  authors: Author[];
  /** ISO date `YYYY-MM-DD`. */
  date: string;
  /** Number in the series, when known (front matter, else date order). */
  number?: number;
  /** Stable identifier: `urn:isbn:...`, `doi:...`, `urn:uuid:...` ... */
  identifier: string;
  keywords: string[];
  summary: string;
  language: string;
  series: Series;
  /** The body: questions and answers (or sections), as hast. Footnotes are not here but in `notes`. */
  body: Root;
  /** Endnotes (from Markdown footnotes), as hast list items inside a root; empty root when none. */
  notes: Root;
  questions: Question[];
  /** The series disclaimer, placeholders filled (or the brief's override). */
  disclaimer: Root;
  /** The copyright notice, placeholders filled (or the brief's override). */
  copyright: Root;
  copyrightText: string;
  images: ImageAsset[];
  /** Every file read to make this brief (absolute path as asked for) with the sha256 of the bytes read: the build cache's key. */
  sources: { path: string; hash: string }[];
}

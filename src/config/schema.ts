/**
 * One schema per input file: it gives the types, the defaults and the error messages.
 * Documented fields here are the manuscript format (README.md, "Manuscript format", mirrors this file).
 */
import { z } from 'zod/v4';
import { messageOverridesSchema } from '../i18n/messages.js';

const slugRe = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const langRe = /^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$/;

/** `series.yaml` */
export const seriesSchema = z
  .object({
    /** Series name, e.g. "Critical Questions". */
    name: z.string().min(1),
    /** Publisher's full name. */
    publisher: z.string().min(1),
    /** Short name (defaults to `publisher`). */
    publisherShort: z.string().min(1).optional(),
    publisherUrl: z.url().optional(),
    /** Where the series is published (issue #15): each brief's canonical URL is `<baseUrl>/<slug>/`. Without it no URL is written. */
    baseUrl: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL such as "https://www.example.org/critical-questions/"' }).optional(),
    /** BCP 47 language of the series (default for briefs). Default `en`. */
    language: z.string().regex(langRe, 'must be a BCP 47 language tag such as "en" or "ru-RU"').default('en'),
    description: z.string().optional(),
    /** Theme: a folder in the series' `theme/` or briefpress' `templates/`. Default `csis`. */
    theme: z.string().regex(slugRe, 'must be a folder name such as "csis"').default('csis'),
    /** How identifiers are derived for briefs without one. */
    identifier: z
      .union([
        z.object({ scheme: z.literal('uuid'), namespace: z.string().min(1) }).strict(),
        z
          .object({
            scheme: z.literal('issn'),
            issn: z.string().regex(/^\d{4}-\d{3}[\dX]$/, 'must be an ISSN such as "2334-3605"'),
            namespace: z.string().min(1),
          })
          .strict(),
      ])
      .optional(),
    /** `qa` numbers `##` headings as questions (Q1/A1 ...); `article` leaves headings alone. */
    format: z.enum(['qa', 'article']).default('qa'),
    /** Allow raw HTML in briefs (sanitized). Default false. */
    rawHtml: z.boolean().default(false),
    /** Messages (the words editions add) overridden per language, over the theme's: `messages: { en: { notes: Endnotes } }`. */
    messages: messageOverridesSchema.optional(),
    /** `check`'s editorial lint: acronyms that need no expansion; whether each must be spelled out at its first use. */
    lint: z
      .object({
        acronyms: z.array(z.string().min(1)).default([]),
        expandAcronyms: z.boolean().default(false),
      })
      .strict()
      .optional(),
  })
  .strict();
export type SeriesConfig = z.infer<typeof seriesSchema>;

const isoDate = z
  .union([z.string(), z.date()])
  .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
    .pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date written YYYY-MM-DD', abort: true }))
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), 'is not a real date');

const authorRef = z.union([
  z.string().regex(slugRe, 'must name a file in authors/, e.g. "jeffrey-mankoff"'),
  z
    .object({
      /** File stem in `authors/`. */
      id: z.string().regex(slugRe, 'must name a file in authors/, e.g. "jeffrey-mankoff"'),
      /** The bio as it stood on the brief's date (Markdown). Overrides the author file's. */
      bio: z.string().min(1).optional(),
      /** Title as it stood on the brief's date. */
      title: z.string().min(1).optional(),
    })
    .strict(),
]);

/** Front matter of `brief.md`. */
export const frontMatterSchema = z
  .object({
    title: z.string().min(1),
    subtitle: z.string().min(1).optional(),
    /** One or more authors (file stems in `authors/`). */
    authors: z.array(authorRef).min(1, 'needs at least one author'),
    /** Publication date, YYYY-MM-DD. */
    date: isoDate,
    /** Number in the series (else from date order). */
    number: z.number().int().positive().optional(),
    /** ISBN (`urn:isbn:...`), DOI (`doi:10....`) or any URN; else derived from the series and slug. */
    identifier: z
      .string()
      .regex(/^(urn:[a-z0-9][a-z0-9-]{0,31}:\S+|doi:10\.\S+\/\S+)$/i, 'must be a URN ("urn:isbn:...") or a DOI ("doi:10.xxxx/...")')
      .optional(),
    keywords: z.array(z.string().min(1)).default([]),
    /** One or two sentences: the EPUB description, the PDF Subject, the catalog summary. */
    summary: z.string().min(1),
    /** BCP 47 language; default: the series'. */
    language: z.string().regex(langRe, 'must be a BCP 47 language tag such as "en" or "ru-RU"').optional(),
    /** Markdown replacing the series disclaimer for this brief. */
    disclaimer: z.string().min(1).optional(),
    /** Markdown replacing the series copyright notice for this brief. */
    copyright: z.string().min(1).optional(),
    /** `check`'s editorial lint: findings to silence, by rule id (`quote-style`) or rule and words (`acronym-expansion: ISIS`). */
    lint: z.object({ ignore: z.array(z.string().min(1)).default([]) }).strict().optional(),
  })
  .strict();
export type FrontMatter = z.infer<typeof frontMatterSchema>;

/** Front matter of `authors/<id>.md` (the body is the bio). */
export const authorSchema = z
  .object({
    name: z.string().min(1),
    title: z.string().min(1).optional(),
    affiliation: z.string().min(1).optional(),
  })
  .strict();
export type AuthorConfig = z.infer<typeof authorSchema>;

export { slugRe };

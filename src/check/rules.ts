/**
 * The catalogue of rule ids. Never reuse a retired id; each has a fixture under tests/fixtures/broken/.
 */
export const rules = {
  'series-missing': 'The manuscript folder has no series.yaml.',
  'series-schema': 'A field of series.yaml is missing or invalid.',
  'yaml-syntax': 'A YAML document (series.yaml, front matter, author file) does not parse.',
  'frontmatter-missing': 'brief.md does not start with a `---` front matter block.',
  'frontmatter-schema': 'A front matter field is missing or invalid.',
  'author-missing': 'A brief names an author with no file in authors/.',
  'author-schema': 'A field of an author file is missing or invalid.',
  'boilerplate-missing': 'The series disclaimer or copyright notice file is missing.',
  'placeholder-unknown': 'Boilerplate uses a {{placeholder}} that briefpress does not know.',
  'image-missing': 'An image file does not exist.',
  'image-outside': 'An image path points outside the manuscript folder or to another host.',
  'image-type': 'An image is not a PNG, JPEG, GIF, WebP or SVG file, or is empty.',
  'image-alt': 'An image has no alt text.',
  'link-scheme': 'A link uses a scheme other than http, https, mailto or a fragment.',
  'link-fragment': 'An in-page link (`#id`) points to no element of the brief (dead in every edition; the EPUB would not be valid).',
  'raw-html': 'Raw HTML in a brief of a series that does not allow it.',
  'heading-level': 'A heading skips a level or uses `#` (the title comes from front matter).',
  'no-briefs': 'The manuscript folder holds no brief.',
  'slug-invalid': 'A brief folder name is not a valid slug.',
  'duplicate-slug': 'Two briefs share a slug or number.',
  'repeated-words': 'The same one to three words twice in a row (check).',
  epubcheck: 'W3C epubcheck reported a problem in the EPUB (check).',
  'pdf-tools': 'A PDF validator is not installed: that check was skipped (check).',
  'pdf-info': 'pdfinfo cannot read the PDF (check).',
  'pdf-tagged': 'The PDF is not tagged (check).',
  'pdf-page-size': 'The PDF is not US Letter (check).',
  'pdf-metadata': 'The PDF lacks Title, Author, Subject or Keywords, or they hold soft hyphens (check).',
  'pdf-fonts': 'A font of the PDF is not embedded (check).',
  'pdf-structure': 'qpdf --check found a structural problem in the PDF (check).',
  'edition-missing': 'An edition has not been built yet (check).',
  'browser-fault': "Chromium failed at one brief's work (its renderer crashed, or the page was stuck): that brief is not built (build; tests/faults.test.ts).",
} as const;

export type RuleId = keyof typeof rules;

/**
 * The words the EPUB adds around a brief, in the brief's language when the theme has them
 * (`epub/labels.yaml`), else English marked as such (so `lang` stays true for screen readers).
 */
import { z } from 'zod';
import { validateYaml } from '../../config/validate.js';
import type { Theme } from '../../theme/theme.js';
import { BriefpressError } from '../../util/diagnostics.js';
import { displayPath } from '../../util/paths.js';

const labelSchema = z.object({
  contents: z.string(),
  landmarks: z.string(),
  cover: z.string(),
  coverAlt: z.string(),
  notes: z.string(),
  aboutOne: z.string(),
  aboutMany: z.string(),
  colophon: z.string(),
  backlink: z.string(),
  number: z.string(),
  and: z.string(),
});

export type Labels = z.infer<typeof labelSchema> & {
  /** Language of these words: the brief's, or `en` when the theme has none for it. */
  lang: string;
};

const parsed = new Map<string, Record<string, z.infer<typeof labelSchema>>>();

export function labelsFor(theme: Theme, language: string): Labels {
  const text = theme.read('epub/labels.yaml');
  const file = displayPath(theme.path('epub/labels.yaml'));
  let all = parsed.get(text);
  if (!all) {
    // A theme's own labels.yaml is the user's input: a mistake in it is a positioned message.
    const v = validateYaml({ file, text, offset: 0, yaml: text }, z.record(z.string(), labelSchema), 'theme-schema');
    if (!v.ok) throw new BriefpressError(v.diagnostics);
    parsed.set(text, (all = v.value));
  }
  const tags = [language.toLowerCase(), language.toLowerCase().split('-')[0]!];
  // theme.yaml's `labels` override the words of its language, key by key.
  const overrides = (lang: string) => Object.entries(theme.design.labels).find(([k]) => k.toLowerCase() === lang.toLowerCase())?.[1] ?? {};
  for (const tag of tags) {
    const hit = Object.entries(all).find(([k]) => k.toLowerCase() === tag);
    if (hit) return { ...hit[1], ...overrides(hit[0]), lang: language };
  }
  if (!all.en) {
    throw new BriefpressError([
      { file, line: 0, column: 0, severity: 'error', message: 'epub/labels.yaml has no `en` labels', ruleId: 'theme-schema', hint: 'Add an `en:` block (copy it from templates/csis/epub/labels.yaml).' },
    ]);
  }
  return { ...all.en, ...overrides('en'), lang: 'en' };
}

/** Fill `{name}` slots. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

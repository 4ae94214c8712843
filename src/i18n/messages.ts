/**
 * The words the editions add around a brief (labels, headings, navigation, catalog words), from one
 * message catalogue per language: `src/i18n/messages/<lang>.yaml`, shipped with briefpress. A theme
 * (theme.yaml `messages:`) and then a series (series.yaml `messages:`) may override any message, per
 * language. A brief in a language with no catalogue gets the English words, and `lang` says so
 * (`Messages.lang` is `en`): every element carrying them is marked `lang="en"`.
 * Dates, sizes and lists are formatted per locale with Intl.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod/v4';
import { fileURLToPath } from 'node:url';

/** Every message key; each catalogue has all of them (a test holds every file to this list). */
export const messageKeys = [
  'skipToContent', 'number', 'question', 'answer', 'notes', 'aboutOne', 'aboutMany', 'listSep', 'andSep',
  'contents', 'landmarks', 'cover', 'coverAlt', 'colophon', 'backlink', 'noteRef', 'pageOf', 'previous', 'next',
  'allBriefs', 'otherEditions', 'epubEdition', 'pdfEdition', 'briefCount', 'readOnline', 'opdsFeed', 'json',
  'editionsOf', 'opdsTitle', 'jsonTitle',
] as const;
export type MessageKey = (typeof messageKeys)[number];

/** A message: text with `{name}` slots, or plural forms by Intl.PluralRules category (`other` required). */
const messageValue = z.union([
  z.string(),
  z
    .object({ zero: z.string(), one: z.string(), two: z.string(), few: z.string(), many: z.string(), other: z.string() })
    .partial()
    .strict()
    .refine((v) => v.other !== undefined, 'plural forms need an `other` form'),
]);
type MessageValue = z.infer<typeof messageValue>;

/**
 * `messages:` in theme.yaml and series.yaml: per language tag, any message keys. An unknown key is an
 * error at its place (a misspelt key would otherwise be silently ignored).
 */
export const messageOverridesSchema = z.record(
  z.string().regex(/^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$/, 'must be a BCP 47 language tag such as "en" or "ar"'),
  z.object(Object.fromEntries(messageKeys.map((k) => [k, messageValue.optional()])) as Record<MessageKey, z.ZodOptional<typeof messageValue>>).strict(),
);
export type MessageOverrides = z.infer<typeof messageOverridesSchema>;

export interface Messages {
  /** The language the words are in: the brief's, or `en` when no catalogue has it. */
  lang: string;
  /** The language asked for (the brief's). */
  asked: string;
  /** ` lang="en"` when the words are not in the brief's language (for templates), else ''. */
  langAttr: string;
  /** A message with its slots filled; `{n}` also picks the plural form. */
  text(key: MessageKey, vars?: Record<string, string | number>): string;
  /** Every message as text (plural messages in their `other` form), for templates: `{{msg.notes}}`. */
  view: Record<MessageKey, string> & { langAttr: string };
  /** Names joined as a list in the words' language (`A, B and C`). */
  list(names: string[]): string;
}

const catalogues = new Map<string, Record<string, MessageValue> | null>();

/** The catalogue shipped for a language tag (exactly as named by its file), or undefined. */
export function catalogue(tag: string): Record<string, MessageValue> | undefined {
  if (!/^[a-z]{2,3}(-[a-zA-Z0-9]+)*$/.test(tag)) return undefined;
  let c = catalogues.get(tag);
  if (c === undefined) {
    try {
      c = parse(readFileSync(path.join(catalogueDir(), `${tag}.yaml`), 'utf8')) as Record<string, MessageValue>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      c = null;
    }
    catalogues.set(tag, c);
  }
  return c ?? undefined;
}

/** Where the catalogues are (shipped with the package, beside this module's source). */
export function catalogueDir(): string {
  // Beside this module: src/i18n/messages/ in the repository, lib/i18n/messages/ in the package.
  return path.join(path.dirname(fileURLToPath(import.meta.url)), 'messages');
}

/**
 * The catalogue tags to try for a language: `pt-BR` tries `pt-br` then `pt`. Chinese in traditional
 * characters (zh-Hant, zh-TW, zh-HK, zh-MO) never falls back to the simplified `zh` catalogue.
 */
function candidates(language: string): string[] {
  const tag = language.toLowerCase();
  const [primary] = tag.split('-');
  const out = [tag];
  const traditional = primary === 'zh' && /-(hant|tw|hk|mo)(-|$)/.test(tag);
  if (!traditional && primary !== tag) out.push(primary!);
  return out;
}

/**
 * The messages for a brief's language, with the theme's and then the series' overrides applied.
 * Made once per language and overrides (the same objects: a build's theme and series) and shared:
 * every edition of every brief asks, and the result is never changed.
 */
export function messagesFor(language: string, ...overrides: (MessageOverrides | undefined)[]): Messages {
  let made = madeMessages.get(language);
  if (!made) madeMessages.set(language, (made = []));
  const hit = made.find((m) => m.overrides.length === overrides.length && m.overrides.every((o, i) => o === overrides[i]));
  if (hit) return hit.messages;
  const messages = makeMessages(language, overrides);
  // Bounded: a long-lived process (preview) re-reads its theme and series on each change.
  if (made.length >= 8) made.shift();
  made.push({ overrides, messages });
  return messages;
}

const madeMessages = new Map<string, { overrides: (MessageOverrides | undefined)[]; messages: Messages }[]>();

function makeMessages(language: string, overrides: (MessageOverrides | undefined)[]): Messages {
  const tags = candidates(language);
  const overrideFor = (tag: string): Record<string, MessageValue> =>
    Object.assign({}, ...overrides.map((o) => Object.entries(o ?? {}).find(([k]) => k.toLowerCase() === tag)?.[1] ?? {}));
  let lang = 'en';
  let table: Record<string, MessageValue> = { ...catalogue('en')!, ...overrideFor('en') };
  for (const tag of tags) {
    const own = { ...catalogue(tag), ...overrideFor(tag) };
    // A language counts only when every message is there (a theme may bring a whole language).
    if (messageKeys.every((k) => own[k] !== undefined)) {
      lang = language;
      table = own;
      break;
    }
  }
  const plural = new Intl.PluralRules(lang);
  const text = (key: MessageKey, vars: Record<string, string | number> = {}): string => {
    const v = table[key]!;
    const form = typeof v === 'string' ? v : (v[typeof vars.n === 'number' ? (plural.select(vars.n) as keyof typeof v) : 'other'] ?? v.other!);
    return fill(form, vars);
  };
  const langAttr = lang === language ? '' : ` lang="${lang}"`;
  const view = Object.fromEntries(messageKeys.map((k) => [k, text(k)])) as Record<MessageKey, string>;
  return {
    lang,
    asked: language,
    langAttr,
    text,
    view: { ...view, langAttr },
    list(names) {
      if (names.length <= 1) return names[0] ?? '';
      return `${names.slice(0, -1).join(text('listSep'))}${text('andSep')}${names[names.length - 1]}`;
    },
  };
}

/** Fill `{name}` slots. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

/** Right-to-left scripts' languages (Arabic, Hebrew, Persian, Urdu, Pashto, Yiddish, Dhivehi). */
export function isRtl(language: string): boolean {
  return /^(ar|he|fa|ur|ps|yi|dv)(-|$)/i.test(language);
}

/** `rtl` or `ltr` for a language tag. */
export function direction(language: string): 'rtl' | 'ltr' {
  return isRtl(language) ? 'rtl' : 'ltr';
}

/** Text in `lang` inside a document in `base`: its own `lang` and `dir`, or undefined when the language is the same. */
export function otherLanguage(lang: string, base: string): { lang: string; dir: 'rtl' | 'ltr' } | undefined {
  return lang.toLowerCase() === base.toLowerCase() ? undefined : { lang, dir: direction(lang) };
}

/** The same as attributes for a template (` lang="en" dir="ltr"`), or '' (language tags are validated BCP 47). */
export function otherLanguageAttrs(lang: string, base: string): string {
  const o = otherLanguage(lang, base);
  return o ? ` lang="${o.lang}" dir="${o.dir}"` : '';
}

const dateFormats = new Map<string, Intl.DateTimeFormat | null>();

/** An ISO date `YYYY-MM-DD` written out in the language (Intl, long style), or as is where Intl has no such locale. */
export function formatDate(iso: string, language: string): string {
  let f = dateFormats.get(language);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' });
    } catch {
      f = null;
    }
    dateFormats.set(language, f);
  }
  return f ? f.format(new Date(`${iso}T00:00:00Z`)) : iso;
}

const sizeFormats = new Map<string, Intl.NumberFormat>();

/** A file size in kB or MB, in the language (Intl unit formatting). */
export function formatSize(bytes: number, language: string): string {
  const mb = bytes >= 1024 * 1024;
  const value = mb ? Math.round((bytes / 1024 / 1024) * 10) / 10 : Math.max(1, Math.round(bytes / 1024));
  try {
    const key = `${language} ${mb}`;
    let f = sizeFormats.get(key);
    if (!f) sizeFormats.set(key, (f = new Intl.NumberFormat(language, { style: 'unit', unit: mb ? 'megabyte' : 'kilobyte', unitDisplay: 'short', maximumFractionDigits: 1 })));
    return f.format(value);
  } catch {
    return `${value} ${mb ? 'MB' : 'kB'}`;
  }
}

/**
 * The words the EPUB adds around a brief, from the message catalogue (src/i18n/messages.ts) in the
 * brief's language, with the theme's and the series' overrides; English marked as such where the
 * language has no catalogue (so `lang` stays true for screen readers).
 */
import { fill as fillSlots, messagesFor, type Messages } from '../../i18n/messages.js';
import type { Series } from '../../model/brief.js';
import type { Theme } from '../../theme/theme.js';

export type Labels = Messages['view'] & {
  /** Language of these words: the brief's, or `en` when no catalogue has it. */
  lang: string;
  /** The conjunction, for older templates (`andSep` without its spaces). */
  and: string;
};

export function labelsFor(theme: Theme, language: string, series?: Pick<Series, 'messages'>): Labels {
  const m = messagesFor(language, theme.messages, series?.messages);
  return { ...m.view, lang: m.lang, and: m.view.andSep.trim() };
}

/** Fill `{name}` slots. */
export const fill = fillSlots;

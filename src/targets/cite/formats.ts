/**
 * The brief's CSL JSON record (src/targets/cite/record.ts) written as BibTeX and as RIS. Small
 * writers for the one kind of record briefpress makes (a report in a series); tests/cite.test.ts
 * reads their output back with citation-js, an independent parser.
 */

interface Name {
  family: string;
  given?: string;
}

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Text as a BibTeX/LaTeX value: the characters LaTeX reads as commands escaped, line breaks as spaces. */
export function bibtexEscape(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\{}%&$#_^~]/g, (c) => {
      switch (c) {
        case '\\':
          return '\\textbackslash{}';
        case '^':
          return '\\textasciicircum{}';
        case '~':
          return '\\textasciitilde{}';
        default:
          return `\\${c}`;
      }
    });
}

/**
 * A title: escaped, and every word with a capital letter (past the first letter of the first word)
 * in braces, so that a style that changes case (sentence case, lower case) keeps `Kerry`, `NATO`, `Pyongyang`.
 */
function bibtexTitle(text: string): string {
  return bibtexEscape(text)
    .split(' ')
    .map((word, i) => (/\p{Lu}/u.test(i === 0 ? word.slice(1) : word) ? `{${word}}` : word))
    .join(' ');
}

/** One name part, braced when BibTeX would split it (a comma, the word `and`) or read it as initials. */
function bibtexNamePart(part: string): string {
  const escaped = bibtexEscape(part);
  return /,|(^|\s)and(\s|$)/i.test(part) ? `{${escaped}}` : escaped;
}

/** `Family, Given and Family, Given`; a name of one part (an organisation) braced whole. */
function bibtexNames(names: Name[]): string {
  return names.map((n) => (n.given ? `${bibtexNamePart(n.family)}, ${bibtexNamePart(n.given)}` : `{${bibtexEscape(n.family)}}`)).join(' and ');
}

/** A URL or DOI as a BibTeX value: no LaTeX escaping (url/doi are read verbatim), only what would unbalance the braces percent-encoded. */
function bibtexVerbatim(text: string): string {
  return text.replace(/[{}\\\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function dateParts(item: Record<string, unknown>): number[] {
  return ((item.issued as { 'date-parts'?: number[][] } | undefined)?.['date-parts']?.[0] ?? []).filter((n) => Number.isInteger(n));
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : undefined);

/**
 * A `@techreport` entry (BibTeX's report: `institution` the publisher, `series` and `number` the
 * series and the brief's number in it), with biblatex's `date` beside `year`/`month`.
 */
export function toBibtex(item: Record<string, unknown>): string {
  const [y, m, d] = dateParts(item);
  const fields: [string, string][] = [];
  const add = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== '') fields.push([name, value]);
  };
  const names = (item.author as Name[] | undefined) ?? [];
  if (names.length) add('author', `{${bibtexNames(names)}}`);
  add('title', str(item.title) && `{${bibtexTitle(str(item.title)!)}}`);
  // Double braces: biblatex reads `institution` as a list split at `and` ("Center for Strategic and International Studies").
  add('institution', str(item.publisher) && `{{${bibtexEscape(str(item.publisher)!)}}}`);
  add('series', str(item['collection-title']) && `{${bibtexTitle(str(item['collection-title'])!)}}`);
  add('number', str(item['collection-number']) && `{${bibtexEscape(str(item['collection-number'])!)}}`);
  if (y !== undefined) {
    add('year', `{${y}}`);
    if (m !== undefined && m >= 1 && m <= 12) add('month', months[m - 1]);
    add('date', `{${[y, m, d].filter((n) => n !== undefined).map((n, i) => (i === 0 ? String(n).padStart(4, '0') : String(n).padStart(2, '0'))).join('-')}}`);
  }
  add('issn', str(item.ISSN) && `{${bibtexEscape(str(item.ISSN)!)}}`);
  add('doi', str(item.DOI) && `{${bibtexVerbatim(str(item.DOI)!)}}`);
  add('url', str(item.URL) && `{${bibtexVerbatim(str(item.URL)!)}}`);
  add('langid', str(item.language) && `{${bibtexEscape(str(item.language)!)}}`);
  add('keywords', str(item.keyword) && `{${bibtexEscape(str(item.keyword)!.split(',').join(', '))}}`);
  add('abstract', str(item.abstract) && `{${bibtexEscape(str(item.abstract)!)}}`);
  const key = String(item['citation-key'] ?? item.id).replace(/[^\p{L}\p{N}_:.+/-]/gu, '_');
  return `@techreport{${key},\n${fields.map(([k, v]) => `\t${k} = ${v},\n`).join('')}}\n`;
}

/** A RIS value: one line (RIS has no continuation lines), trimmed. */
function risValue(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * A `RPRT` (report) record, tags as the RIS specification gives them for reports: `T2` the series
 * title, `NV` the number in the series, `PB` the publisher, `DA` `YYYY/MM/DD/`, one `AU` per author and
 * one `KW` per keyword; lines ended by CR LF, the record by `ER  - `.
 */
export function toRis(item: Record<string, unknown>): string {
  const lines: string[] = ['TY  - RPRT'];
  const add = (tag: string, value: string | undefined) => {
    const v = value === undefined ? '' : risValue(value);
    if (v !== '') lines.push(`${tag}  - ${v}`);
  };
  add('TI', str(item.title));
  for (const n of (item.author as Name[] | undefined) ?? []) add('AU', n.given ? `${n.family}, ${n.given}` : n.family);
  const [y, m, d] = dateParts(item);
  if (y !== undefined) {
    add('PY', String(y).padStart(4, '0'));
    add('DA', `${String(y).padStart(4, '0')}/${m === undefined ? '' : String(m).padStart(2, '0')}/${d === undefined ? '' : String(d).padStart(2, '0')}/`);
  }
  add('T2', str(item['collection-title']));
  add('NV', str(item['collection-number']));
  add('PB', str(item.publisher));
  add('SN', str(item.ISSN));
  add('DO', str(item.DOI));
  add('UR', str(item.URL));
  add('LA', str(item.language));
  add('AB', str(item.abstract));
  for (const k of str(item.keyword)?.split(',') ?? []) add('KW', k);
  add('ID', str(item.id));
  lines.push('ER  - ');
  return lines.map((l) => `${l}\r\n`).join('');
}

/**
 * The order of a series: every brief's number and its neighbours.
 *
 * Numbering rule: a brief's front matter `number` wins. Briefs without one take, in date order (ties by
 * slug), the lowest numbers no brief claims. Two briefs claiming the same number are both in error
 * (rule `duplicate-slug`), each message pointing at the other, and neither is numbered or linked.
 */
import type { SeriesLinks } from '../targets/types.js';
import type { Diagnostic } from '../util/diagnostics.js';
import { displayPath } from '../util/paths.js';
import type { ScannedBrief } from './scan.js';

export interface SeriesPlan {
  /** Slugs of the numbered briefs, in series order. */
  order: string[];
  numbers: Map<string, number>;
  /** Errors that stop a brief from being built, by slug. */
  errors: Map<string, Diagnostic[]>;
}

export function planSeries(briefs: ScannedBrief[]): SeriesPlan {
  const errors = new Map<string, Diagnostic[]>();
  const numbers = new Map<string, number>();
  const withHead = briefs.filter((b) => b.head);
  const claims = new Map<number, ScannedBrief[]>();
  for (const b of withHead) {
    const n = b.head!.number;
    if (n !== undefined) claims.set(n, [...(claims.get(n) ?? []), b]);
  }
  for (const [n, owners] of claims) {
    if (owners.length === 1) {
      numbers.set(owners[0]!.slug, n);
      continue;
    }
    for (const b of owners) {
      const others = owners.filter((o) => o !== b).map((o) => displayPath(o.file));
      errors.set(b.slug, [
        {
          file: displayPath(b.file),
          line: b.head!.numberAt?.line ?? 1,
          column: b.head!.numberAt?.column ?? 1,
          severity: 'error',
          message: `Number ${n} is also claimed by ${others.join(', ')}`,
          ruleId: 'duplicate-slug',
          hint: 'Give each brief its own `number`, or remove `number` to number the brief by its date.',
        },
      ]);
    }
  }
  const unnumbered = withHead
    .filter((b) => b.head!.number === undefined)
    .sort((a, b) => (a.head!.date < b.head!.date ? -1 : a.head!.date > b.head!.date ? 1 : a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  let next = 1;
  for (const b of unnumbered) {
    while (claims.has(next)) next++;
    numbers.set(b.slug, next++);
  }
  const order = [...numbers.entries()].sort((a, b) => a[1] - b[1]).map(([slug]) => slug);
  return { order, numbers, errors };
}

/** Prev/next/catalog links of one brief, relative to its folder (`<outDir>/<slug>/`). */
export function linksFor(plan: SeriesPlan, slug: string, titles: Map<string, string>): SeriesLinks {
  const i = plan.order.indexOf(slug);
  const at = (j: number) => {
    const s = plan.order[j];
    return s === undefined || i < 0 ? undefined : { title: titles.get(s) ?? s, href: `../${s}/index.html` };
  };
  return { prev: at(i - 1), next: at(i + 1), catalogHref: '../index.html' };
}


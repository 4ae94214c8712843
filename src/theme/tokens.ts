/**
 * Design tokens: the part of theme.yaml that every stylesheet of every edition takes its colours,
 * fonts and page geometry from (STYLE.md 12). They reach the stylesheets as CSS custom properties,
 * written by `tokenCss` into a `:root {}` block put before each stylesheet an edition gets:
 *   colors.<role>   -> --color-<role>        roles.<role>  -> --font-<role> (a family of `fonts`)
 *   page.size/margin/firstTop -> --page-size, --page-margin, --page-first-top
 *   qa.style        -> --qa-background, --qa-color, --qa-border-color, --qa-answer-color
 * The EPUB gets the same stylesheet with every `var(--...)` replaced by its value (`resolveTokens`),
 * for reading systems that know no custom properties. The footer pattern and the logo are data the
 * targets use directly (`footerCss`, `Design.logo`). No colour is written anywhere else in a theme.
 */
import { z } from 'zod/v4';

const colourRe = /^(#[0-9a-fA-F]{3,4}|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}|(rgb|rgba|hsl|hsla)\(\s*[\d.]+%?(\s*[,\s/]\s*[\d.]+%?){2,3}\s*\)|transparent)$/;
const lengthRe = /^\d+(\.\d+)?(mm|cm|in|pt|pc|px)$/;
const pageSizeRe = /^((A[3-6]|B[45]|JIS-B[45]|letter|legal|ledger)(\s+(portrait|landscape))?|\d+(\.\d+)?(mm|cm|in|pt)\s+\d+(\.\d+)?(mm|cm|in|pt))$/i;
const familyRe = /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u;
const roleRe = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Placeholders a footer pattern may use. */
export const footerSlots = ['series', 'title', 'number', 'publisher', 'date', 'page', 'pages', 'pageOf'] as const;
const footerText = z
  .string()
  .max(200)
  .refine((s) => [...s.matchAll(/\{(\w*)\}/g)].every((m) => (footerSlots as readonly string[]).includes(m[1]!)), `may use only the placeholders ${footerSlots.map((s) => `{${s}}`).join(' ')}`);

/** The token fields of theme.yaml (merged into the theme schema in theme.ts). */
export const tokenFields = {
  /** The house: its name (the masthead's and the logo's accessible name), a short form, its logo (an SVG file of the theme). */
  publisher: z
    .object({
      name: z.string().min(1),
      short: z.string().min(1).optional(),
      /** An SVG file in the theme folder, itself a template: `{{colors.accent}}`, `{{fonts.ui}}` give the tokens. */
      logo: z.string().regex(/^[\w-]+(\/[\w-]+)*\.svg$/, 'must be an .svg file inside the theme folder, e.g. "logo.svg"'),
    })
    .strict(),
  /** Colours by role. ink, accent, rule, muted, background and link are required; a theme may add more. */
  colors: z
    .record(z.string().regex(roleRe, 'must be a role name such as "accent" or "accent-strong"'), z.string().regex(colourRe, 'must be a colour such as "#0065a6", "rgb(0 0 0 / .25)" or "transparent"'))
    .superRefine((c, ctx) => {
      for (const role of ['ink', 'accent', 'rule', 'muted', 'background', 'link']) if (!(role in c)) ctx.addIssue({ code: 'custom', message: `needs the colour \`${role}\``, path: [] });
    }),
  /** Fonts by role: each a family of `fonts`. */
  roles: z
    .object({
      body: z.string().regex(familyRe),
      heading: z.string().regex(familyRe),
      ui: z.string().regex(familyRe),
      mono: z.string().regex(familyRe),
    })
    .strict(),
  /** The print page: a CSS page size (A4, letter, 210mm 297mm ...), margins (1 to 4 lengths), page 1's top margin. */
  page: z
    .object({
      size: z.string().regex(pageSizeRe, 'must be a page size such as "A4", "letter" or "210mm 297mm"'),
      margin: z.string().refine((m) => m.trim().split(/\s+/).length <= 4 && m.trim().split(/\s+/).every((l) => lengthRe.test(l)), 'must be one to four lengths such as "20mm 18mm 24mm"'),
      firstTop: z.string().regex(lengthRe, 'must be a length such as "14mm"').optional(),
    })
    .strict(),
  /** The running footer of the print edition: text per slot with {placeholders}; page 1 shows it when `firstPage`. */
  footer: z
    .object({
      left: footerText.optional(),
      center: footerText.optional(),
      right: footerText.optional(),
      firstPage: z.boolean().default(false),
    })
    .strict(),
  /** How the Q1/A1 labels look: `badge` (filled), `outline` (boxed) or `text` (coloured words); in the colour `color`. */
  qa: z
    .object({
      style: z.enum(['badge', 'outline', 'text']).default('badge'),
      color: z.string().regex(roleRe).default('accent'),
    })
    .strict()
    .default({ style: 'badge', color: 'accent' }),
};

const tokenObject = z.object(tokenFields);
export type TokenConfig = z.infer<typeof tokenObject>;

/** Where a token problem is: a path of keys in theme.yaml. */
export type TokenFail = (at: (string | number)[], message: string, hint: string) => never;

export interface Design {
  /** The `:root {}` block of custom properties. */
  css: string;
  /** Custom property name (without `--`) -> value. */
  vars: Map<string, string>;
  publisher: { name: string; short?: string };
  /** The logo file's name in the theme. */
  logoFile: string;
  footer: TokenConfig['footer'];
  page: TokenConfig['page'];
  colors: Record<string, string>;
  fonts: TokenConfig['roles'];
}

/** The design of a validated theme.yaml; `families` are those of its `fonts`. */
export function makeDesign(cfg: TokenConfig, families: string[], fail: TokenFail): Design {
  for (const [role, family] of Object.entries(cfg.roles)) {
    if (!families.includes(family)) fail(['roles', role], `\`roles.${role}\` names \`${family}\`, which is not a family of \`fonts\``, `Use one of ${families.map((f) => `"${f}"`).join(', ')}, or add the font to \`fonts\`.`);
  }
  if (!(cfg.qa.color in cfg.colors)) fail(['qa', 'color'], `\`qa.color\` names \`${cfg.qa.color}\`, which is not a role of \`colors\``, `Use one of ${Object.keys(cfg.colors).join(', ')}.`);
  const vars = new Map<string, string>();
  for (const [role, value] of Object.entries(cfg.colors)) vars.set(`color-${role}`, value);
  for (const [role, family] of Object.entries(cfg.roles)) vars.set(`font-${role}`, `'${family}'`);
  vars.set('page-size', cfg.page.size);
  vars.set('page-margin', cfg.page.margin);
  vars.set('page-first-top', cfg.page.firstTop ?? cfg.page.margin.trim().split(/\s+/)[0]!);
  const qa = `var(--color-${cfg.qa.color})`;
  const qaVars: Record<typeof cfg.qa.style, [string, string, string]> = {
    badge: [qa, cfg.colors.inverse ? 'var(--color-inverse)' : 'var(--color-background)', qa],
    outline: ['transparent', qa, qa],
    text: ['transparent', qa, 'transparent'],
  };
  const [bg, fg, border] = qaVars[cfg.qa.style];
  vars.set('qa-background', bg);
  vars.set('qa-color', fg);
  vars.set('qa-border-color', border);
  vars.set('qa-answer-color', qa);
  const css = `/* Design tokens from theme.yaml (written by briefpress). */\n:root {\n${[...vars].map(([k, v]) => `  --${k}: ${v};`).join('\n')}\n}\n`;
  return {
    css,
    vars,
    publisher: { name: cfg.publisher.name, short: cfg.publisher.short },
    logoFile: cfg.publisher.logo,
    footer: cfg.footer,
    page: cfg.page,
    colors: cfg.colors,
    fonts: cfg.roles,
  };
}

/**
 * A stylesheet with the token block put first: after any `@charset`, `@import` and `@namespace`
 * (which must open a stylesheet), so the theme's own imports keep working.
 */
export function withTokens(css: string, design: Design): string {
  const lead = /^(?:\s+|\/\*[\s\S]*?\*\/|@(?:charset|import|namespace)\b(?:"[^"]*"|'[^']*'|[^;"'])*;)*/.exec(css)![0];
  return `${lead}${lead && !lead.endsWith('\n') ? '\n' : ''}${design.css}${css.slice(lead.length)}`;
}

/** Every `var(--token)` of a stylesheet replaced by its value (for the EPUB's reading systems). */
export function resolveTokens(css: string, design: Design): string {
  const resolve = (value: string, depth: number): string =>
    depth > 8 ? value : value.replace(/var\(\s*--([\w-]+)\s*(?:,\s*([^()]*(?:\([^()]*\)[^()]*)*))?\)/g, (m, name: string, fallback?: string) => {
      const v = design.vars.get(name) ?? fallback?.trim();
      return v === undefined ? m : resolve(v, depth + 1);
    });
  return resolve(css, 0);
}

/** Token names a stylesheet uses (`var(--color-x)` ...) that the design does not define, with their offsets. */
export function unknownTokens(css: string, design: Design): { name: string; offset: number }[] {
  const out: { name: string; offset: number }[] = [];
  for (const m of css.matchAll(/var\(\s*--((?:color|font|page|qa)-[\w-]+)/g)) {
    if (!design.vars.has(m[1]!)) out.push({ name: m[1]!, offset: m.index! });
  }
  return out;
}

/** A string usable inside a CSS "..." literal (and inside an HTML <style>: no `<`). */
export function cssString(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/</g, '\\3c ').replace(/[\r\n]+/g, ' ');
}

/**
 * The print edition's running footer as `@page` margin boxes, from the theme's footer pattern:
 * `{page}` and `{pages}` become page counters, `{pageOf}` the brief's language's "Page {page} of
 * {pages}" (src/i18n/messages), the other placeholders the brief's values. A right-to-left brief
 * has the left and right boxes swapped.
 */
export function footerCss(
  design: Design,
  values: Record<Exclude<(typeof footerSlots)[number], 'page' | 'pages' | 'pageOf'>, string>,
  opts: { pageOf?: string; rtl?: boolean } = {},
): string {
  const content = (pattern: string | undefined): string => {
    if (!pattern) return 'none';
    const expanded = pattern.replace(/\{pageOf\}/g, () => opts.pageOf ?? 'Page {page} of {pages}');
    const parts: string[] = [];
    let last = 0;
    for (const m of expanded.matchAll(/\{(\w+)\}/g)) {
      if (m.index! > last) parts.push(`"${cssString(expanded.slice(last, m.index))}"`);
      const slot = m[1]!;
      parts.push(slot === 'page' || slot === 'pages' ? `counter(${slot})` : `"${cssString(values[slot as keyof typeof values] ?? '')}"`);
      last = m.index! + m[0].length;
    }
    if (last < expanded.length) parts.push(`"${cssString(expanded.slice(last))}"`);
    return parts.join(' ') || 'none';
  };
  const { center, firstPage } = design.footer;
  const [left, right] = opts.rtl ? [design.footer.right, design.footer.left] : [design.footer.left, design.footer.right];
  const boxes = `@bottom-left { content: ${content(left)}; } @bottom-center { content: ${content(center)}; } @bottom-right { content: ${content(right)}; }`;
  const first = firstPage ? '' : '\n@page :first { @bottom-left { content: none; } @bottom-center { content: none; } @bottom-right { content: none; } }';
  return `@page { ${boxes} }${first}`;
}

const namedSizes: Record<string, [number, number]> = {
  a3: [297, 420], a4: [210, 297], a5: [148, 210], a6: [105, 148], b4: [250, 353], b5: [176, 250], 'jis-b4': [257, 364], 'jis-b5': [182, 257],
};
const inchSizes: Record<string, [number, number]> = { letter: [8.5, 11], legal: [8.5, 14], ledger: [11, 17] };
const points: Record<string, number> = { mm: 72 / 25.4, cm: 72 / 2.54, in: 72, pt: 1 };

/** A `page.size` token in PDF points (width, height). */
export function pageSizePoints(size: string): [number, number] {
  const [name, orientation] = size.trim().toLowerCase().split(/\s+/);
  let wh: [number, number];
  if (namedSizes[name!]) wh = namedSizes[name!]!.map((v) => v * points.mm!) as [number, number];
  else if (inchSizes[name!]) wh = inchSizes[name!]!.map((v) => v * 72) as [number, number];
  else {
    const [a, b] = size.trim().split(/\s+/).map((l) => parseFloat(l) * points[/[a-z]+$/.exec(l)![0]]!);
    return [a!, b!];
  }
  return orientation === 'landscape' ? [wh[1], wh[0]] : wh;
}

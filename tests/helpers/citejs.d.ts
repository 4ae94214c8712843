// citation-js ships no types: the small part tests/cite.test.ts uses (it reads the citation files back, a parser independent of briefpress' writers).
declare module '@citation-js/core' {
  export class Cite {
    constructor(data: unknown, options?: Record<string, unknown>);
    data: Record<string, unknown>[];
    format(format: string, options?: Record<string, unknown>): string;
  }
  export const plugins: {
    config: { get(name: string): { styles: { add(name: string, xml: string): void; has(name: string): boolean }; locales: { has(name: string): boolean } } };
  };
}

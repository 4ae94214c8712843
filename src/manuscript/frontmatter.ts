/**
 * Split a Markdown file into its YAML front matter and its body without loading the Markdown parser
 * (series files are read on every build, even when nothing is rebuilt). Same rule as
 * remark-frontmatter: the file starts with a `---` line and the block ends at the next `---` line.
 */
export interface FrontMatterSplit {
  /** The YAML text (without the fences). */
  yaml: string;
  /** Offset of the YAML in the file. */
  yamlOffset: number;
  /** The body after the closing fence. */
  body: string;
  /** Number of lines before the body (to shift the body's line numbers back into the file). */
  bodyLineOffset: number;
}

export function splitFrontMatter(text: string): FrontMatterSplit | undefined {
  const m = /^---[ \t]*\r?\n([\s\S]*?\r?\n)?---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return undefined;
  const head = m[0];
  return {
    yaml: m[1] ?? '',
    yamlOffset: text.indexOf('\n') + 1,
    body: text.slice(head.length),
    bodyLineOffset: head.split('\n').length - 1,
  };
}

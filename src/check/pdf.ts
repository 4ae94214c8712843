/**
 * Checks of a print PDF with poppler (pdfinfo, pdffonts) and qpdf: tagged, US Letter, metadata set,
 * every font embedded, structurally sound. Each finding is a Diagnostic at the PDF file.
 */
import type { Diagnostic } from '../util/diagnostics.js';
import { displayPath } from '../util/paths.js';
import { runTool } from './run.js';

export async function checkPdf(pdf: string): Promise<Diagnostic[]> {
  const file = displayPath(pdf);
  const out: Diagnostic[] = [];
  const add = (severity: Diagnostic['severity'], ruleId: string, message: string, hint?: string) =>
    out.push({ file, line: 0, column: 0, severity, message, ruleId, hint });

  const info = await runTool('pdfinfo', [pdf]);
  if (info.missing) {
    add('info', 'pdf-tools', 'pdfinfo not found: PDF checks skipped', 'Install poppler-utils (Debian: `apt-get install -y poppler-utils`).');
    return out;
  }
  if (info.code !== 0) {
    add('error', 'pdf-info', `pdfinfo cannot read the PDF: ${info.stderr.trim().split('\n')[0]}`, 'Rebuild it with `briefpress build`.');
    return out;
  }
  const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(info.stdout)?.[1]?.trim() ?? '';
  if (field('Tagged') !== 'yes') add('error', 'pdf-tagged', 'The PDF is not tagged', 'Print with tagging on (briefpress does by default).');
  if (!/\(letter\)/.test(field('Page size'))) add('warning', 'pdf-page-size', `Page size is ${field('Page size') || 'unknown'}, not US Letter`);
  for (const name of ['Title', 'Author', 'Subject', 'Keywords']) {
    if (!field(name)) add('error', 'pdf-metadata', `The PDF has no ${name}`, 'Set it in the front matter (title, authors, summary, keywords) and rebuild.');
    else if (field(name).includes('\u00ad')) add('error', 'pdf-metadata', `The PDF's ${name} holds soft hyphens`);
  }

  const fonts = await runTool('pdffonts', [pdf]);
  if (fonts.code === 0) {
    for (const line of fonts.stdout.split('\n').slice(2).filter(Boolean)) {
      const cols = line.trim().split(/\s+/);
      // name type [type] encoding emb sub uni object ID: emb is the 5th column from the end
      const emb = cols[cols.length - 5];
      if (emb !== 'yes') add('error', 'pdf-fonts', `Font ${cols[0]} is not embedded`, 'Use the theme fonts from npm (@fontsource), never system fonts.');
    }
  }

  const qpdf = await runTool('qpdf', ['--check', pdf]);
  if (qpdf.missing) add('info', 'pdf-tools', 'qpdf not found: structure check skipped', 'Install qpdf (Debian: `apt-get install -y qpdf`).');
  else if (qpdf.code !== 0) add('error', 'pdf-structure', `qpdf --check: ${(qpdf.stdout + qpdf.stderr).trim().split('\n').slice(-1)[0]}`);
  return out;
}

/**
 * Where a build's time goes: with BRIEFPRESS_TRACE=1 every traced step is timed, and a table of
 * counts, total and median milliseconds per step is printed to stderr when the process exits.
 * Costs nothing when the variable is unset.
 */
const enabled = Boolean(process.env.BRIEFPRESS_TRACE);
const spans = new Map<string, number[]>();
/** The timeline's zero: the process's start (performance.now() counts from it). */
const t0 = 0;
const timeline: string[] = [];

export async function traced<T>(name: string, fn: () => Promise<T>, label = ''): Promise<T> {
  if (!enabled) return fn();
  const start = performance.now();
  try {
    return await fn();
  } finally {
    const end = performance.now();
    let list = spans.get(name);
    if (!list) spans.set(name, (list = []));
    list.push(end - start);
    if (process.env.BRIEFPRESS_TRACE === 'timeline') timeline.push(`${(start - t0).toFixed(0).padStart(6)} ${(end - t0).toFixed(0).padStart(6)} ${name} ${label}`);
  }
}

/**
 * Where the CLI's entry finds the report: it writes it before the process ends (src/cli/start.ts,
 * `exitWhenWritten`), so that it is flushed like any output. Written from an 'exit' handler, as
 * before, a report larger than a pipe's buffer (64 kB: the timeline of ~100 briefs or more) was cut
 * off there: Node does not wait for a pipe's writes once the process exits.
 */
const traceReportKey = Symbol.for('briefpress.trace.report');

if (enabled) {
  let written = false;
  const report = () => {
    if (written) return;
    written = true;
    const exit = performance.now();
    if (process.env.BRIEFPRESS_TRACE === 'timeline') timeline.push(`${exit.toFixed(0).padStart(6)} ${exit.toFixed(0).padStart(6)} exit `);
    const rows = [...spans].map(([name, ms]) => {
      const sorted = [...ms].sort((a, b) => a - b);
      const total = ms.reduce((a, b) => a + b, 0);
      return `${name.padEnd(24)} n=${String(ms.length).padStart(4)}  total ${total.toFixed(0).padStart(7)} ms  median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0).padStart(5)} ms`;
    });
    const cpu = process.cpuUsage();
    rows.push(`node process cpu: user ${(cpu.user / 1e6).toFixed(2)} s, system ${(cpu.system / 1e6).toFixed(2)} s`);
    process.stderr.write(['briefpress trace:', ...timeline, ...rows, ''].join('\n'));
  };
  (globalThis as Record<symbol, unknown>)[traceReportKey] = report;
  // Any other way out (a signal, a library's caller).
  process.on('exit', report);
}

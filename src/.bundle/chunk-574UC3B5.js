// src/util/diagnostics.ts
var BriefpressError = class extends Error {
  diagnostics;
  constructor(diagnostics) {
    super(diagnostics.map(formatDiagnostic).join("\n"));
    this.name = "BriefpressError";
    this.diagnostics = diagnostics;
  }
};
var EnvironmentError = class extends Error {
  hint;
  constructor(message, hint) {
    super(message);
    this.name = "EnvironmentError";
    this.hint = hint;
  }
};
function formatDiagnostic(d) {
  const place = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  const head = `${place}  ${d.severity}  ${d.message}  ${d.ruleId}`;
  return d.hint ? `${head}
  hint: ${d.hint}` : head;
}
function hasErrors(ds) {
  return ds.some((d) => d.severity === "error");
}
function offsetToPosition(text, offset) {
  let line = 1;
  let last = -1;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: end - last };
}

export {
  BriefpressError,
  EnvironmentError,
  formatDiagnostic,
  hasErrors,
  offsetToPosition
};

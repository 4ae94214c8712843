import {
  targetNames,
  version
} from "./chunk-RIVSHLMV.js";
import "./chunk-ALZM65U4.js";
import {
  BriefpressError,
  EnvironmentError,
  formatDiagnostic
} from "./chunk-574UC3B5.js";

// src/cli/main.ts
import { parseArgs } from "node:util";

// src/cli/report.ts
import path from "node:path";
function createReporter(stream = process.stderr) {
  const color = stream.isTTY && !process.env.NO_COLOR;
  const paint = (code, s) => color ? `\x1B[${code}m${s}\x1B[0m` : s;
  return {
    diagnostics(ds) {
      for (const d of ds) {
        const text = formatDiagnostic(d).replace(
          /  (error|warning|info)  /,
          (_m, sev) => `  ${paint(sev === "error" ? "31" : sev === "warning" ? "33" : "36", sev)}  `
        );
        stream.write(text + "\n");
      }
    },
    line(s) {
      stream.write(s + "\n");
    }
  };
}
function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}
function formatMs(ms) {
  return ms < 1e3 ? `${Math.round(ms)} ms` : `${(ms / 1e3).toFixed(2)} s`;
}
function mainFiles(files) {
  return files.filter((f) => /\.(html|epub|pdf|xml|json)$/.test(f.path) || /cover\.(png|jpg)$/.test(f.path));
}
function summarizeAssets(files) {
  const rest = files.filter((f) => !mainFiles([f]).length);
  const bytes = rest.reduce((s, f) => s + f.bytes, 0);
  return rest.length ? `${rest.length} assets (${formatBytes(bytes)})` : "";
}
function rel(p) {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith("..") ? r : p;
}
function createProgress(stream, total, enabled = true) {
  const live = enabled && Boolean(stream.isTTY) && !process.env.CI;
  const running = /* @__PURE__ */ new Set();
  let done = 0;
  const clear = () => live && stream.write("\r\x1B[K");
  const draw = () => {
    if (!live || done >= total) return;
    const names = [...running].join(", ");
    const width = Math.max(20, (stream.columns || 80) - 1);
    const text = `[${done}/${total}] ${running.size ? `building ${names}` : "checking"}`;
    stream.write(text.length > width ? text.slice(0, width - 1) + "\u2026" : text);
  };
  return {
    start(slug) {
      running.add(slug);
      clear();
      draw();
    },
    finish(slug, line) {
      running.delete(slug);
      done++;
      clear();
      if (line) stream.write(line + "\n");
      draw();
    },
    print(fn) {
      clear();
      fn();
      draw();
    },
    end() {
      clear();
    }
  };
}

// src/cli/main.ts
var usage = `briefpress ${version}: policy briefs from Markdown to web page, EPUB and print PDF

Usage:
  briefpress build [manuscript-dir | brief-dir] [--out dir] [--format html,epub,pdf] [--jobs N] [--force]
  briefpress new <slug> [manuscript-dir] [--title TEXT] [--author ID] [--date YYYY-MM-DD]
  briefpress preview [manuscript-dir | brief-dir] [--port N] [--no-open]
  briefpress check [manuscript-dir | brief-dir] [--out dir] [--json] [--no-editions]
  briefpress --help | --version

Commands:
  build     Build the editions of every brief in the series into --out, then the series catalog
            (index.html, opds.xml, catalog.json). Unchanged briefs are reused from the last build.
            Given one brief's folder: build only that brief (numbered and linked in its series; the
            catalog is left as it is).
  new       Create briefs/<slug>/brief.md in the series: next number, today's date, a sample question.
  preview   Serve a live preview on 127.0.0.1: the print layout page by page, the web edition and
            the EPUB. Every save rebuilds the briefs it affects and refreshes the page; errors show
            over the last good pages. Builds go to a temporary folder, never to --out.
  check     Check before publishing: the manuscript (every build rule, plus editorial slips such as
            repeated words), then the built editions in --out with the real validators (epubcheck;
            pdfinfo, pdffonts and qpdf). --json prints the messages as JSON; --no-editions checks
            the manuscript only. Exits 1 when there is an error.

Options:
  -o, --out DIR        output folder (default: dist)
  -f, --format LIST    editions to build, comma-separated: ${targetNames.join(", ")} (default: all)
  -j, --jobs N         pages printing at once in the one browser (default: 2)
      --force          rebuild every brief, even those unchanged since the last build
      --title TEXT     (new) the brief's title (default: from the slug)
      --author ID      (new) author file stem in authors/ (default: the latest brief's first author)
      --date DATE      (new) publication date (default: today)
      --port N         (preview) port on 127.0.0.1 (default: 4173; 0 picks a free one)
      --no-open        (preview) do not open a desktop browser
  -q, --quiet          print only problems
  -h, --help           show this help
  -v, --version        print the version

Environment:
  SOURCE_DATE_EPOCH           seconds since 1970 for every date written (default: the brief's date)
  PUPPETEER_EXECUTABLE_PATH   the Chromium to print PDFs with (default: found on the system)

Exit codes: 0 ok, 1 manuscript errors, 2 bad usage, 3 missing tool or unwritable output, 70 internal error.
`;
async function main(argv) {
  const out = createReporter(process.stderr);
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: "string", short: "o" },
        format: { type: "string", short: "f" },
        jobs: { type: "string", short: "j" },
        force: { type: "boolean" },
        title: { type: "string" },
        author: { type: "string" },
        date: { type: "string" },
        port: { type: "string" },
        "no-open": { type: "boolean" },
        json: { type: "boolean" },
        "no-editions": { type: "boolean" },
        quiet: { type: "boolean", short: "q" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" }
      }
    });
  } catch (e) {
    out.line(`briefpress: ${e.message}

${usage}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.version) {
    process.stdout.write(`${version}
`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(usage);
    return values.help ? 0 : 2;
  }
  try {
    switch (command) {
      case "build":
        return await runBuild(rest, values, out);
      case "preview":
        return await runPreview(rest, values, out);
      case "new":
        return await runNew(rest, values, out);
      case "check":
        return await runCheck(rest, values, out);
      default:
        out.line(`briefpress: unknown command \`${command}\`

${usage}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof BriefpressError) {
      out.diagnostics(e.diagnostics);
      out.line(`
${e.diagnostics.filter((d) => d.severity === "error").length} error(s): nothing was written.`);
      return 1;
    }
    if (e instanceof EnvironmentError) {
      out.line(`briefpress: ${e.message}${e.hint ? `
  hint: ${e.hint}` : ""}`);
      return 3;
    }
    const err = e;
    if (["EACCES", "EPERM", "EROFS", "ENOSPC", "ENOENT", "ENOTDIR", "EEXIST"].includes(err?.code ?? "") && err?.path) {
      out.line(`briefpress: cannot write ${err.path ?? "the output"}: ${err.code}
  hint: choose another folder with --out.`);
      return 3;
    }
    out.line(`briefpress: internal error (a bug in briefpress ${version}; please report it with this trace)
${err?.stack ?? String(e)}`);
    return 70;
  }
}
async function runBuild(rest, values, out) {
  if (rest.length > 1) {
    out.line(`briefpress build: one manuscript folder at a time (got ${rest.join(", ")})`);
    return 2;
  }
  const formats = values.format ? values.format.split(",").map((s) => s.trim()).filter(Boolean) : void 0;
  const unknown = formats?.filter((f) => !targetNames.includes(f)) ?? [];
  if (unknown.length) {
    out.line(`briefpress build: unknown format ${unknown.join(", ")}; use ${targetNames.join(", ")}`);
    return 2;
  }
  const jobs = values.jobs ? Number(values.jobs) : void 0;
  if (jobs !== void 0 && (!Number.isInteger(jobs) || jobs < 1 || jobs > 16)) {
    out.line("briefpress build: --jobs takes a whole number from 1 to 16");
    return 2;
  }
  const quiet = Boolean(values.quiet);
  let progress;
  let single = false;
  const onEvent = (e) => {
    if (e.type === "read") {
      single = e.briefs === 1;
      progress = createProgress(process.stderr, e.briefs, !quiet);
      if (!quiet) out.line(`Building ${e.briefs} brief${e.briefs === 1 ? "" : "s"} (${(formats ?? targetNames).join(", ")})`);
    } else if (e.type === "brief-start") {
      progress?.start(e.slug);
    } else if (e.type === "brief-failed") {
      progress?.print(() => out.diagnostics(e.diagnostics));
      progress?.finish(e.slug, `\u2717 ${e.slug}: not built`);
    } else if (e.type === "brief-cached") {
      progress?.finish(e.slug, quiet ? "" : `\xB7 ${e.slug} (unchanged)`);
    } else if (e.type === "brief-done") {
      progress?.finish(e.slug, quiet ? "" : `\u2713 ${e.slug} (${formatMs(e.ms)})`);
      if (!quiet && single) {
        for (const f of mainFiles(e.files)) out.line(`    ${rel(f.path)}  ${formatBytes(f.bytes)}`);
        const assets = summarizeAssets(e.files);
        if (assets) out.line(`    + ${assets}`);
      }
    } else if (e.type === "series-done" && !quiet) {
      out.line(`\u2713 catalog: ${e.files.filter((f) => /[\\/](index\.html|opds\.xml|catalog\.json)$/.test(f.path) && !/_assets/.test(f.path)).map((f) => rel(f.path)).join(", ")} (${formatMs(e.ms)})`);
    }
  };
  let result;
  try {
    const { build } = await import("./api-T5UFL3VK.js");
    result = await build({ input: rest[0] ?? "manuscript", outDir: values.out ?? "dist", formats, jobs, cache: !values.force, onEvent });
  } finally {
    progress?.end();
  }
  out.diagnostics(result.diagnostics);
  const warnings = result.briefs.flatMap((b) => b.ok ? b.diagnostics : []).filter((d) => d.severity !== "error");
  out.diagnostics(warnings);
  const failed = result.briefs.filter((b) => !b.ok).length;
  const cached = result.briefs.filter((b) => b.cached).length;
  const built = result.briefs.length - failed - cached;
  out.line(`${failed ? "\u2717" : "\u2713"} ${built} built, ${cached} unchanged, ${failed} failed in ${formatMs(result.ms)}`);
  return result.ok ? 0 : 1;
}
async function runNew(rest, values, out) {
  const [slug, input, ...extra] = rest;
  if (!slug || extra.length) {
    out.line("briefpress new: give a slug and optionally the manuscript folder, e.g. `briefpress new iran-deal manuscript`");
    return 2;
  }
  const { newBrief } = await import("./api-T5UFL3VK.js");
  const r = newBrief({ slug, input: input ?? "manuscript", title: values.title, author: values.author, date: values.date });
  if (!values.quiet) out.line(`\u2713 created ${rel(r.file)} (No. ${r.number}); edit it, then run \`briefpress build\``);
  return 0;
}
async function runPreview(rest, values, out) {
  if (rest.length > 1) {
    out.line(`briefpress preview: one manuscript or brief folder at a time (got ${rest.join(", ")})`);
    return 2;
  }
  const port = values.port === void 0 ? void 0 : Number(values.port);
  if (port !== void 0 && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    out.line("briefpress preview: --port takes a whole number from 0 to 65535");
    return 2;
  }
  const { preview } = await import("./api-T5UFL3VK.js");
  const server = await preview({ input: rest[0] ?? "manuscript", port, open: !values["no-open"], log: (l) => out.line(l) });
  process.stdout.write(`briefpress preview: ${server.url}  (Ctrl-C to stop)
`);
  await new Promise((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await server.close();
  return 0;
}
async function runCheck(rest, values, out) {
  if (rest.length > 1) {
    out.line(`briefpress check: one manuscript folder at a time (got ${rest.join(", ")})`);
    return 2;
  }
  const { check } = await import("./api-T5UFL3VK.js");
  const result = await check({
    input: rest[0] ?? "manuscript",
    outDir: values.out ?? "dist",
    editions: !values["no-editions"],
    onProgress: values.quiet || values.json ? void 0 : (l) => out.line(`checking ${l}`)
  });
  if (values.json) process.stdout.write(`${JSON.stringify(result.diagnostics, null, 2)}
`);
  else out.diagnostics(result.diagnostics.filter((d) => !values.quiet || d.severity === "error"));
  const count = (s) => result.diagnostics.filter((d) => d.severity === s).length;
  if (!values.json) out.line(`${result.ok ? "\u2713" : "\u2717"} ${result.briefs.length} brief${result.briefs.length === 1 ? "" : "s"} checked: ${count("error")} error(s), ${count("warning")} warning(s)`);
  return result.ok ? 0 : 1;
}
export {
  main,
  usage
};

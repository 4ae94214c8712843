import {
  packageRoot
} from "./chunk-ALZM65U4.js";

// src/targets/list.ts
function lazy(name, usesBrowser, load) {
  let loaded;
  return { name, usesBrowser, build: async (brief, ctx) => (await (loaded ??= load())).build(brief, ctx) };
}
function lazySeries(name, load) {
  let loaded;
  return { name, build: async (ctx) => (await (loaded ??= load())).build(ctx) };
}
var targets = [
  lazy("html", false, async () => (await import("./html-35KG6K6C.js")).htmlTarget),
  lazy("epub", true, async () => (await import("./epub-WW3ODPKL.js")).epubTarget),
  lazy("pdf", true, async () => (await import("./pdf-XZTINBJM.js")).pdfTarget)
];
var targetNames = targets.map((t) => t.name);
var seriesTargets = [lazySeries("catalog", async () => (await import("./catalog-YKLGSVTG.js")).catalogTarget)];

// src/util/version.ts
import { readFileSync } from "node:fs";
import path from "node:path";
var version = JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")).version;

export {
  targets,
  targetNames,
  seriesTargets,
  version
};

import {
  packageRoot
} from "./chunk-ALZM65U4.js";

// src/targets/list.ts
function lazy(name, load) {
  let loaded;
  return { name, build: async (brief, ctx) => (await (loaded ??= load())).build(brief, ctx) };
}
function lazySeries(name, load) {
  let loaded;
  return { name, build: async (ctx) => (await (loaded ??= load())).build(ctx) };
}
var targets = [
  lazy("html", async () => (await import("./html-S7GK2JDV.js")).htmlTarget),
  lazy("epub", async () => (await import("./epub-NIVTU5PK.js")).epubTarget),
  lazy("pdf", async () => (await import("./pdf-EQZ6FWOA.js")).pdfTarget)
];
var targetNames = targets.map((t) => t.name);
var seriesTargets = [lazySeries("catalog", async () => (await import("./catalog-XFIOW7CQ.js")).catalogTarget)];

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

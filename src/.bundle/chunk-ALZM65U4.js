import {
  EnvironmentError
} from "./chunk-574UC3B5.js";

// src/theme/theme.ts
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
var packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
var themeSchema = z.object({
  name: z.string(),
  /** Fonts from npm (@fontsource): never from the system, so every machine prints the same. */
  fonts: z.array(
    z.object({
      family: z.string(),
      package: z.string(),
      weights: z.array(z.number().int()),
      italic: z.boolean().default(false)
    })
  ),
  /** Unicode subsets to ship (fontsource names: latin, latin-ext, cyrillic, greek ...). */
  subsets: z.array(z.string()).default(["latin"])
});
function loadTheme(name, seriesRoot) {
  const dirs = [path.join(seriesRoot, "theme", name), path.join(packageRoot, "templates", name)].filter((d) => existsSync(d));
  if (dirs.length === 0) {
    throw new EnvironmentError(`Theme \`${name}\` not found`, `Create ${path.join(seriesRoot, "theme", name)}/ or use a theme in ${path.join(packageRoot, "templates")}.`);
  }
  const find = (file) => dirs.map((d) => path.join(d, file)).find((p) => existsSync(p));
  const cfgPath = find("theme.yaml");
  if (!cfgPath) throw new EnvironmentError(`Theme \`${name}\` has no theme.yaml`, "Copy templates/csis/theme.yaml and adapt it.");
  const cfg = themeSchema.parse(parseYaml(readFileSync(cfgPath, "utf8")));
  const fonts = resolveFonts(cfg.fonts, cfg.subsets);
  return {
    name,
    dirs,
    fonts,
    path(file) {
      const p = find(file);
      if (!p) throw new EnvironmentError(`Theme \`${name}\` has no file ${file}`, `Add ${file} to ${dirs[0]}.`);
      return p;
    },
    read(file) {
      return readFileSync(this.path(file), "utf8");
    },
    maybeRead(file) {
      const p = find(file);
      return p ? readFileSync(p, "utf8") : void 0;
    }
  };
}
var require2 = createRequire(import.meta.url);
function resolveFonts(fonts, subsets) {
  const out = [];
  for (const f of fonts) {
    let pkgDir;
    try {
      pkgDir = path.dirname(require2.resolve(`${f.package}/400.css`, { paths: [packageRoot] }));
    } catch {
      throw new EnvironmentError(`Font package ${f.package} is not installed`, `Run \`npm install ${f.package}\`.`);
    }
    for (const weight of f.weights) {
      for (const style of f.italic ? ["normal", "italic"] : ["normal"]) {
        const css = readFileSync(path.join(pkgDir, `${weight}${style === "italic" ? "-italic" : ""}.css`), "utf8");
        for (const block of css.split("@font-face").slice(1)) {
          const file = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(block)?.[1];
          const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
          if (!file || !range) continue;
          const sub = subsets.find((s) => file.includes(`-${s}-${weight}-`));
          if (!sub) continue;
          out.push({ path: path.join(pkgDir, "files", file), href: `fonts/${file}`, family: f.family, weight, style, subset: sub, unicodeRange: range.trim() });
        }
      }
    }
  }
  return out;
}
function fontsFor(theme, text) {
  const codes = /* @__PURE__ */ new Set();
  for (const ch of text) codes.add(ch.codePointAt(0));
  return theme.fonts.filter((f) => f.subset === "latin" || rangesOf(f.unicodeRange).some(([a, b]) => [...codes].some((c) => c >= a && c <= b)));
}
function rangesOf(range) {
  return range.split(",").map((r) => {
    const [a, b] = r.trim().replace(/^U\+/i, "").split("-");
    const lo = parseInt(a.replace(/\?/g, "0"), 16);
    const hi = b ? parseInt(b, 16) : parseInt(a.replace(/\?/g, "F"), 16);
    return [lo, hi];
  });
}
function fontFaceCss(fonts, prefix = "") {
  return fonts.map(
    (f) => `@font-face {
  font-family: '${f.family}';
  font-style: ${f.style};
  font-weight: ${f.weight};
  font-display: block;
  src: url(${prefix}${f.href}) format('woff2');
  unicode-range: ${f.unicodeRange};
}
`
  ).join("\n");
}

export {
  packageRoot,
  loadTheme,
  fontsFor,
  fontFaceCss
};

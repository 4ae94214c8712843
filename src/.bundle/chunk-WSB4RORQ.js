// src/theme/template.ts
function renderTemplate(template, view, name = "template") {
  return renderSection(template, [view], name);
}
var tagRe = /\{\{(\{?)([#^/]?)\s*([\w.]+)\s*\}?\}\}/g;
function renderSection(tpl, stack, name) {
  let out = "";
  let last = 0;
  tagRe.lastIndex = 0;
  for (let m = tagRe.exec(tpl); m; m = tagRe.exec(tpl)) {
    const [whole, triple, sigil, key] = m;
    out += tpl.slice(last, m.index);
    last = m.index + whole.length;
    if (sigil === "#" || sigil === "^") {
      const close = findClose(tpl, key, last, name);
      const inner = tpl.slice(last, close.start);
      const value = lookup(stack, key);
      const truthy = Array.isArray(value) ? value.length > 0 : Boolean(value);
      if (sigil === "^") {
        if (!truthy) out += renderSection(inner, stack, name);
      } else if (Array.isArray(value)) {
        for (const item of value) out += renderSection(inner, [...stack, item], name);
      } else if (truthy) {
        out += renderSection(inner, typeof value === "object" ? [...stack, value] : stack, name);
      }
      last = close.end;
      tagRe.lastIndex = last;
    } else if (sigil === "/") {
      throw new Error(`${name}: unexpected {{/${key}}}`);
    } else {
      const value = lookup(stack, key);
      const text = value === void 0 || value === null ? "" : String(value);
      out += triple ? text : escapeHtml(text);
    }
  }
  return out + tpl.slice(last);
}
function findClose(tpl, key, from, name) {
  const re = new RegExp(`\\{\\{([#^/])\\s*${key.replace(/\./g, "\\.")}\\s*\\}\\}`, "g");
  re.lastIndex = from;
  let depth = 1;
  for (let m = re.exec(tpl); m; m = re.exec(tpl)) {
    depth += m[1] === "/" ? -1 : 1;
    if (depth === 0) return { start: m.index, end: m.index + m[0].length };
  }
  throw new Error(`${name}: {{#${key}}} is never closed`);
}
function lookup(stack, key) {
  if (key === ".") return stack[stack.length - 1];
  const [head, ...rest] = key.split(".");
  for (let i = stack.length - 1; i >= 0; i--) {
    const ctx = stack[i];
    if (ctx && typeof ctx === "object" && head in ctx) {
      let v = ctx[head];
      for (const r of rest) v = v && typeof v === "object" ? v[r] : void 0;
      return v;
    }
  }
  return void 0;
}
function escapeHtml(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

// src/util/write.ts
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
function tmpName(file) {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
}
function writeAtomic(file, data) {
  makeDir(path.dirname(file));
  const tmp = tmpName(file);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return { path: file, bytes: statSync(file).size };
}
async function writeFilesAtomic(files) {
  for (const dir of new Set(files.map((f) => path.dirname(f.path)))) makeDir(dir);
  return Promise.all(
    files.map(async ({ path: file, data }) => {
      const tmp = tmpName(file);
      try {
        await writeFile(tmp, data);
        await rename(tmp, file);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
      return { path: file, bytes: typeof data === "string" ? Buffer.byteLength(data) : data.byteLength };
    })
  );
}
function makeDir(dir) {
  if (existsSync(dir)) return;
  const missing = [];
  let d = path.resolve(dir);
  while (!existsSync(d) && path.dirname(d) !== d) {
    missing.unshift(d);
    d = path.dirname(d);
  }
  for (const m of missing) mkdirSync(m);
}

export {
  renderTemplate,
  writeAtomic,
  writeFilesAtomic
};

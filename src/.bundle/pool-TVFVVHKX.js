import {
  EnvironmentError
} from "./chunk-574UC3B5.js";

// src/browser/pool.ts
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path2 from "node:path";
import puppeteer from "puppeteer-core";

// src/browser/find.ts
import { accessSync, constants, existsSync } from "node:fs";
import path from "node:path";
var candidates = [
  "/usr/lib/chromium/chromium",
  "/usr/lib/chromium-browser/chromium-browser",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium"
];
var names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];
function findChromium(env = process.env) {
  const fromEnv = env.PUPPETEER_EXECUTABLE_PATH || env.BRIEFPRESS_CHROMIUM;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new EnvironmentError(`PUPPETEER_EXECUTABLE_PATH is ${fromEnv}, which is not an executable file`, "Point it at a Chromium or Chrome binary, or unset it.");
    }
    return fromEnv;
  }
  for (const c of candidates) if (isExecutable(c)) return c;
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    for (const n of names) {
      const p = path.join(dir, n);
      if (isExecutable(p)) return p;
    }
  }
  throw new EnvironmentError(
    "No Chromium found: the PDF edition is printed by Chromium",
    "Install it (Debian/Ubuntu: `apt-get install -y chromium`; macOS: install Google Chrome), or set PUPPETEER_EXECUTABLE_PATH. Or build without PDF: `--format html,epub`."
  );
}
function isExecutable(p) {
  try {
    if (!existsSync(p)) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// src/browser/pool.ts
var Lender = class {
  constructor(size, open, dispose) {
    this.size = size;
    this.open = open;
    this.dispose = dispose;
  }
  size;
  open;
  dispose;
  idle = [];
  opened = 0;
  waiters = [];
  async use(fn) {
    const item = await this.acquire();
    let healthy = false;
    try {
      const r = await fn(item);
      healthy = true;
      return r;
    } finally {
      if (healthy) this.release(item);
      else {
        this.opened--;
        await this.dispose(item).catch(() => {
        });
        const w = this.waiters.shift();
        if (w) this.acquire().then(w.resolve, w.reject);
      }
    }
  }
  async acquire() {
    const item = this.idle.pop();
    if (item !== void 0) return item;
    if (this.opened < this.size) {
      this.opened++;
      try {
        return await this.open();
      } catch (e) {
        this.opened--;
        throw e;
      }
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }
  release(item) {
    const w = this.waiters.shift();
    if (w) w.resolve(item);
    else this.idle.push(item);
  }
};
var chromiumArgs = [
  "--headless",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-extensions",
  "--disable-dev-shm-usage",
  "--font-render-hinting=none"
];
async function launchPool(size = 2) {
  const executablePath = findChromium();
  const userDataDir = mkdtempSync(path2.join(os.tmpdir(), "briefpress-chromium-"));
  const args = [...chromiumArgs];
  if (process.getuid?.() === 0 || process.env.BRIEFPRESS_NO_SANDBOX) args.push("--no-sandbox");
  let browser;
  try {
    browser = await puppeteer.launch({ executablePath, args, userDataDir, headless: true, pipe: true, timeout: 6e4, protocolTimeout: 12e4 });
  } catch (e) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw new EnvironmentError(`Chromium (${executablePath}) did not start: ${e.message.split("\n")[0]}`, "Check that it runs: `" + executablePath + " --headless --no-sandbox --dump-dom about:blank`.");
  }
  const removeProfile = () => rmSync(userDataDir, { recursive: true, force: true });
  process.once("exit", removeProfile);
  let front = Promise.resolve();
  const plain = new Lender(size, () => browser.newPage(), (p) => p.close());
  const lenders = /* @__PURE__ */ new Map();
  function withPage(fn) {
    return plain.use(async (page) => {
      try {
        return await fn(page);
      } finally {
        page.removeAllListeners("request");
      }
    });
  }
  function inFront(page, fn) {
    const run = front.then(async () => {
      await page.bringToFront();
      return fn();
    });
    front = run.catch(() => void 0);
    return run;
  }
  return {
    browser,
    size,
    withPage,
    inFront,
    lender(kind, open, close) {
      let l = lenders.get(kind);
      if (!l) lenders.set(kind, l = new Lender(size, () => open(browser), close));
      return l;
    },
    async close() {
      await browser.close().catch(() => {
      });
      process.removeListener("exit", removeProfile);
      removeProfile();
    }
  };
}
export {
  Lender,
  chromiumArgs,
  launchPool
};

#!/usr/bin/env bash
# Set up everything briefpress needs, idempotently: npm dependencies, and (for --test) the
# validators. Chromium (for PDFs) and the test tools come from the OS packages where missing.
# Usage: bash scripts/setup.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf 'setup: %s\n' "$*" >&2; }

# 1. npm dependencies (never a browser download: .puppeteerrc.cjs and puppeteer-core).
export PUPPETEER_SKIP_DOWNLOAD=1
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies (npm ci)"
  # The registry can drop a connection now and then: up to 3 tries, a pause between them.
  for try in 1 2 3; do
    npm ci --no-audit --no-fund --loglevel=error --fetch-retries=4 >&2 && break
    [ "$try" = 3 ] && { say "npm ci failed 3 times: check the connection to the npm registry"; exit 1; }
    say "npm ci failed (try $try of 3); trying again in $((try * 10)) s"
    sleep $((try * 10))
  done
fi

# 2. OS packages: Chromium always; validators and poppler/qpdf for the tests.
# Chromium's headless shell is preferred (it starts in 0.2 s against 0.7 s; src/browser/find.ts);
# any Chromium or Chrome will do.
need=()
have_shell=0
have_chromium=0
for c in "${PUPPETEER_EXECUTABLE_PATH:-}" /usr/lib/chromium/chromium-headless-shell; do
  [ -n "$c" ] && [ -x "$c" ] && have_shell=1 && have_chromium=1
done
[ -x /usr/lib/chromium/chromium ] && have_chromium=1
for n in chromium chromium-browser google-chrome; do command -v "$n" >/dev/null 2>&1 && have_chromium=1; done
[ "$have_chromium" = 1 ] || need+=(BROWSER)
if [ "$have_chromium" = 1 ] && [ "$have_shell" = 0 ]; then
  say "tip: Chromium's headless shell makes builds faster (Debian: apt-get install chromium-headless-shell)"
fi
if [ "$want_test" = 1 ]; then
  [ -f /usr/share/java/epubcheck.jar ] || need+=(epubcheck)
  command -v pdfinfo >/dev/null 2>&1 || need+=(poppler-utils)
  command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
  command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
fi
if [ "${#need[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get -o Acquire::Retries=3 update -qq >&2
    # The browser: the headless shell where the packages have it, else Chromium.
    browser=chromium
    apt-cache show chromium-headless-shell >/dev/null 2>&1 && browser=chromium-headless-shell
    need=("${need[@]/BROWSER/$browser}")
    say "installing OS packages: ${need[*]}"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o Acquire::Retries=3 install -y -qq --no-install-recommends "${need[@]}" >&2
  else
    need=("${need[@]/BROWSER/chromium}")
    say "missing: ${need[*]}. Install them with your package manager (macOS: brew install --cask chromium; brew install epubcheck poppler qpdf)."
    exit 1
  fi
fi

# 3. The compiled CLI and library in lib/ (src/cli/bin.js runs it while it is current, else the
# sources through tsx): compiled again only when a source changed (scripts/compile.mjs). After the
# OS packages: the CLI's code cache is made by a build of the sample, its PDF too when Chromium is there.
node scripts/compile.mjs >&2

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
  npm ci --no-audit --no-fund --loglevel=error >&2
fi

# 2. OS packages: Chromium always; validators and poppler/qpdf for the tests.
need=()
have_chromium=0
for c in "${PUPPETEER_EXECUTABLE_PATH:-}" /usr/lib/chromium/chromium; do
  [ -n "$c" ] && [ -x "$c" ] && have_chromium=1
done
for n in chromium chromium-browser google-chrome; do command -v "$n" >/dev/null 2>&1 && have_chromium=1; done
[ "$have_chromium" = 1 ] || need+=(chromium)
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
    say "installing OS packages: ${need[*]}"
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
  else
    say "missing: ${need[*]}. Install them with your package manager (macOS: brew install --cask chromium; brew install epubcheck poppler qpdf)."
    exit 1
  fi
fi

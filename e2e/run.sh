#!/bin/sh
# Runs the workbench's browser test: Debian's Chromium, playwright-core from npm, a fresh server.
#   ACCORD_BIN=../target/release/accord   the server binary (default; relative to e2e/)
#   ACCORD_WEB_DIR=...                     optional: serve the pages from this directory
set -eu
cd "$(dirname "$0")"
# Debian's Chromium and Node.js when missing (as root; else say what to install).
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    echo "the browser test needs:$missing (Debian: apt-get install$missing)" >&2
    exit 1
  fi
fi
npm ci --no-audit --no-fund
export ACCORD_BIN="${ACCORD_BIN:-../target/release/accord}"
# The desk's merge of drafts (a unit test, pure) first, then the pages in Chromium.
exec node --test --test-reporter=spec merge.test.mjs workbench.test.mjs

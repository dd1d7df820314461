#!/usr/bin/env bash
# Makes sure a Chromium the console's browser tests can drive is installed: Debian's
# `chromium` package (Playwright's own browser downloads cannot reach their servers here).
# CHROMIUM_PATH names another binary; the tests read the same variable.
set -euo pipefail

log() { printf '[browser] %s\n' "$*"; }

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

runs() { "$CHROMIUM" --headless --no-sandbox --disable-gpu --version >/dev/null 2>&1; }

if [ -x "$CHROMIUM" ] && runs; then
  log "$("$CHROMIUM" --version 2>/dev/null | head -n 1) at $CHROMIUM"
  exit 0
fi
if [ -n "${CHROMIUM_PATH:-}" ]; then
  log "CHROMIUM_PATH=$CHROMIUM does not run" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  log "chromium is missing and cannot be installed without root: apt-get install -y chromium" >&2
  exit 1
fi
log "installing Debian's chromium"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
if ! runs; then
  log "chromium was installed but does not start" >&2
  exit 1
fi
log "$("$CHROMIUM" --version 2>/dev/null | head -n 1) at $CHROMIUM"

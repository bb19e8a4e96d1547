#!/usr/bin/env bash
# The one test command (npm test): type-check, then every test, browser tests included.
# Installs Debian's chromium first when it is missing, since the browser tests drive a real one.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing chromium for the browser tests..."
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is not installed: install it (apt-get install chromium) or set CHROMIUM_PATH" >&2
    exit 1
  fi
fi

npm run --silent typecheck
npm run --silent content:check
npx vitest run "$@"

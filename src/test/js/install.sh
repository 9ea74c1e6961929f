#!/usr/bin/env bash
# Installs the JavaScript SDK v3 (an unmodified client in the interception tests) from
# package-lock.json. The Maven build runs it before the integration tests when it is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if ! command -v npm >/dev/null; then
  echo "npm is missing: the interception tests run the JavaScript SDK v3 with Node.js." >&2
  echo "Install it first: sudo apt-get install -y nodejs npm" >&2
  exit 1
fi
exec npm ci --no-audit --no-fund

#!/usr/bin/env bash
# Open the bundled example workspace in a dev container and print the
# browser URL of the editor running inside it. Ctrl+C stops the bridge.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bash scripts/setup/all.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
node scripts/build.mjs

exec node dist/cli.js browse --workspace-folder "${1:-$root/examples/hello}" "${@:2}"

#!/usr/bin/env bash
# Benchmark our CLI against the reference CLI; writes docs/benchmark.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bash scripts/setup/packages.sh
bash scripts/setup/engine.sh
bash scripts/setup/base-images.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
node scripts/build.mjs --production
node --import tsx --import ./test/support/textAssets.mjs scripts/bench.ts

#!/usr/bin/env bash
# Run every test on this machine, after setting up what they need: Debian
# packages, the engine, local base images, the code-server cache, npm
# dependencies and the bundles.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

step() { printf '\n== %s\n' "$*"; }

step "machine setup"
bash scripts/setup/all.sh

step "npm dependencies"
npm ci --no-audit --no-fund

step "build"
node scripts/build.mjs
npx tsc -p . --noEmit
npx tsc -p runtime --noEmit

run_tests() {
  local files
  files=$(find "$@" -name '*.test.ts' | sort)
  # shellcheck disable=SC2086
  node --import tsx --import ./test/support/textAssets.mjs --test --test-reporter=spec --test-concurrency=1 $files
}

step "unit tests"
run_tests test/unit

step "integration tests (engine)"
run_tests test/integration

step "conformance with the reference CLI"
run_tests test/conformance

step "end-to-end tests (browser and editor host)"
run_tests test/e2e

#!/usr/bin/env bash
# The whole test suite: set-up, format check, lint, type check, build, then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }
npx eslint .
npx tsc -p tsconfig.json
node --import tsx --test --test-concurrency=1 --test-timeout=120000 $(find test -name '*.test.ts' | sort)

#!/usr/bin/env bash
# The whole test suite: set-up, format check, lint, type check, build, then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/ensure-redis.sh
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }
npx eslint .
npx tsc -p tsconfig.json
node --import tsx scripts/build-portal.ts
# One CA for the whole run: test processes trust it, and wpslink workspaces made by tests reuse it.
export WPSLINK_TEST_CA_DIR="$PWD/test-artifacts/ca"
NODE_EXTRA_CA_CERTS="$(node --import tsx scripts/make-test-ca.ts "$WPSLINK_TEST_CA_DIR")"
export NODE_EXTRA_CA_CERTS
node --import tsx --test --test-concurrency=1 --test-timeout=300000 $(find test -name '*.test.ts' | sort)

#!/usr/bin/env bash
# Runs the given test files with the same environment as `npm test` (trusted test CA), without
# the lint/format/type-check steps: `bash scripts/test-one.sh test/path/a.test.ts ...`.
set -euo pipefail
cd "$(dirname "$0")/.."
export WPSLINK_TEST_CA_DIR="$PWD/test-artifacts/ca"
NODE_EXTRA_CA_CERTS="$(node --import tsx scripts/make-test-ca.ts "$WPSLINK_TEST_CA_DIR")"
export NODE_EXTRA_CA_CERTS
exec node --import tsx --test --test-concurrency=1 --test-timeout=300000 "$@"

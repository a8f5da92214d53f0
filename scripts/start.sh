#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and starts wpslink with its embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
WPSLINK_SKIP_BROWSER=1 bash scripts/setup.sh
npx tsc -p tsconfig.json
node --import tsx scripts/build-portal.ts --no-check
exec node bin/wpslink.js start "$@"

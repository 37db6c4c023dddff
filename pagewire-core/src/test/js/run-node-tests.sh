#!/usr/bin/env bash
# Runs the browser client's tests (*.test.mjs in this folder) with Node's built-in test runner.
# Maven runs this in the test phase of pagewire-core; it also runs on its own from any directory.
# Without Node 20+, CI (CI=true) fails; elsewhere the tests are skipped with a message.
set -euo pipefail

# No dirname: the messages below must work even with an empty PATH.
case "${BASH_SOURCE[0]}" in
  */*) here="$(cd "${BASH_SOURCE[0]%/*}" && pwd)" ;;
  *) here="$PWD" ;;
esac

missing=""
if ! command -v node >/dev/null 2>&1; then
  missing="node is not on the PATH"
elif major="$(node -p 'process.versions.node.split(".")[0]')" && [ "$major" -lt 20 ]; then
  missing="node $(node --version) is too old (20 or later is needed)"
fi
if [ -n "$missing" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "ERROR: node is required for the JS client tests; install nodejs (20 or later): $missing" >&2
    exit 1
  fi
  echo "SKIPPED: the JS client tests did not run: $missing; install nodejs (20 or later) to run them."
  exit 0
fi

# Node 20's --test takes no glob patterns, so the files are listed explicitly.
shopt -s nullglob
tests=("$here"/*.test.mjs)
if [ ${#tests[@]} -eq 0 ]; then
  echo "ERROR: no *.test.mjs files in $here" >&2
  exit 1
fi
echo "Running ${#tests[@]} JS client test files with node $(node --version)"
exec node --test --test-reporter=spec "${tests[@]}"

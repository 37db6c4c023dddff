#!/usr/bin/env bash
# Builds the browser client's bundle (tools/bundle-client.mjs says what it writes) with esbuild, the
# exact version in the root package.json, installed at the repository root by npm ci from
# package-lock.json (once; that needs the npm registry, as the formatting check does).
#
#   tools/bundle-client.sh SOURCE_FOLDER OUTPUT_FOLDER
#
# Maven runs it in pagewire-core's generate-resources phase (see pagewire-core/pom.xml). Unlike the
# formatting check it never skips: the jar must hold the bundle pages load, so without Node 20+ and
# npm the build fails here and says what to install.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: tools/bundle-client.sh SOURCE_FOLDER OUTPUT_FOLDER (Maven runs this for pagewire-core)" >&2
  exit 2
fi

# No dirname: the messages below must work even with an empty PATH.
case "${BASH_SOURCE[0]}" in
  */*) root="$(cd "${BASH_SOURCE[0]%/*}/.." && pwd)" ;;
  *) root="$(cd .. && pwd)" ;;
esac

install="install Node.js 20 or later and npm (Debian: apt-get install nodejs npm; CI installs them in .ci/run)"
fail() {
  echo "ERROR: the browser client's bundle cannot be built: $1" >&2
  exit 1
}

if ! command -v node >/dev/null 2>&1; then
  fail "node is not on the PATH; $install"
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then
  fail "node $(node --version) is too old; $install"
fi

wanted="$(sed -n 's|^ *"esbuild": *"\(.*\)".*|\1|p' "$root/package.json" | head -n 1)"
if [ -z "$wanted" ]; then
  fail "$root/package.json names no esbuild version in devDependencies"
fi
installed() {
  [ -f "$root/node_modules/esbuild/package.json" ] &&
    [ "$(node -p "require('$root/node_modules/esbuild/package.json').version")" = "$wanted" ]
}
if ! installed; then
  if ! command -v npm >/dev/null 2>&1; then
    fail "esbuild $wanted is not installed in $root/node_modules and npm is not on the PATH to install it; $install"
  fi
  echo "==> installing esbuild $wanted: npm ci in $root"
  log="$(mktemp -t pagewire-bundle.XXXXXX)"
  if ! (cd "$root" && npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1 || ! installed; then
    cat "$log" >&2
    rm -f "$log"
    fail "npm ci in $root did not install esbuild $wanted (messages above); it needs the npm registry once"
  fi
  rm -f "$log"
fi

exec node "$root/tools/bundle-client.mjs" "$1" "$2"

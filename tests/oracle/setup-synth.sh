#!/usr/bin/env bash
# Installs the pinned @aws-amplify/backend + aws-cdk-lib that synth.sh runs (an offline CDK synth of a
# whole Amplify backend: the deploy-time checks of dsl.md §3.4). Optional; about 1 min and 900 MB.
#
#   usage: [SYNTH_HOME=DIR] tests/oracle/setup-synth.sh
#
# SYNTH_HOME defaults to <repo>/.oracle/synth (git-ignored with .oracle/). Idempotent.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SYNTH_HOME="${SYNTH_HOME:-$REPO/.oracle/synth}"
mkdir -p "$SYNTH_HOME"
SYNTH_HOME="$(cd "$SYNTH_HOME" && pwd)"

stamp="$(cat "$HERE/synth/package.json" "$HERE/synth/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [ -f "$SYNTH_HOME/.setup-stamp" ] && [ "$(cat "$SYNTH_HOME/.setup-stamp")" = "$stamp" ] \
   && [ -d "$SYNTH_HOME/node_modules/@aws-amplify/backend" ]; then
  echo "setup-synth.sh: $SYNTH_HOME is up to date"
  exit 0
fi
rm -f "$SYNTH_HOME/.setup-stamp"
cp "$HERE/synth/package.json" "$HERE/synth/package-lock.json" "$SYNTH_HOME/"
(cd "$SYNTH_HOME" && npm ci --no-audit --no-fund --loglevel=error)
(cd "$SYNTH_HOME" && node -e '
  const want = { "@aws-amplify/backend": "1.25.1", "@aws-amplify/backend-data": "1.9.0",
    "@aws-amplify/data-schema": "1.26.2", "@aws-amplify/data-construct": "1.17.7",
    "aws-cdk-lib": "2.276.0", "tsx": "4.23.15" };
  let bad = 0;
  for (const [n, v] of Object.entries(want)) {
    const got = require(`./node_modules/${n}/package.json`).version;
    console.log(`  ${n}@${got}`);
    if (got !== v) { console.error(`setup-synth.sh: ${n} is ${got}, expected ${v}`); bad = 1; }
  }
  process.exit(bad);
')
echo "$stamp" > "$SYNTH_HOME/.setup-stamp"
echo "setup-synth.sh: installed in $SYNTH_HOME"

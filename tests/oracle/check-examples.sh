#!/usr/bin/env bash
# Checks the example projects under examples/ with the real Amplify transform(): every example must be
# accepted, except notes-events, which must be rejected with its documented message.
#
#   usage: tests/oracle/check-examples.sh [--synth]
#
# --synth also runs tests/oracle/synth.sh on each (run tests/oracle/setup-synth.sh first).
# Environment: ORACLE_HOME (default <repo>/.oracle), AMPLIFY_REF (default $SCHEMALS_SHARED/amplify,
# SCHEMALS_SHARED defaulting to <repo>/../shared).
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
export ORACLE_HOME="${ORACLE_HOME:-$REPO/.oracle}"
SHARED="${SCHEMALS_SHARED:-$REPO/../shared}"
TRANSFORM="${AMPLIFY_REF:-$SHARED/amplify}/oracle/transform.sh"
synth=0; [ "${1:-}" = "--synth" ] && synth=1
declare -A expect=( [notes-events]="Field ownr isn't defined." )
pass=0; fail=0
for dir in "$REPO"/examples/*/; do
  name="$(basename "$dir")"
  [ -f "$dir/amplify/data/resource.ts" ] || continue
  out="$("$TRANSFORM" "$dir/amplify/data/resource.ts" 2>/dev/null)"; rc=$?
  want="${expect[$name]:-}"
  if [ -z "$want" ]; then ok=$([ $rc -eq 0 ] && echo 1 || echo 0); else ok=$([ $rc -eq 1 ] && [ "$out" = "$want" ] && echo 1 || echo 0); fi
  note=""
  if [ "$ok" = 1 ] && [ $synth = 1 ]; then
    s="$("$HERE/synth.sh" "$dir")"; src=$?
    if [ -z "$want" ] && [ $src -ne 0 ]; then ok=0; note="synth: $(tail -1 <<<"$s")"; fi
    if [ -n "$want" ] && { [ $src -eq 0 ] || ! grep -qF "$want" <<<"$s"; }; then ok=0; note="synth: $(tail -1 <<<"$s")"; fi
    [ "$ok" = 1 ] && note="synth agrees"
  fi
  if [ "$ok" = 1 ]; then pass=$((pass+1)); echo "ok    $name ${note:+($note)}"
  else fail=$((fail+1)); echo "FAIL  $name (exit $rc: $(head -1 <<<"$out")) $note"; fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]

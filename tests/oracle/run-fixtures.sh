#!/usr/bin/env bash
# Proves the verdict of every diagnostic fixture under tests/fixtures/check/ with the real Amplify
# transform() (oracle/transform.sh of the Amplify reference material).
#
#   usage: tests/oracle/run-fixtures.sh [-v] [--synth] [CASE...]
#
# Per case, amplify/data/resource.ts starts with `// oracle: VERDICT`:
#   accepts                         transform.sh exits 0 and the case has no error annotation
#   rejects                         transform.sh exits 1 and prints exactly the message of one error annotation
#   rejects: crash — MESSAGE        transform.sh exits 1 with exactly MESSAGE (a JavaScript crash such as a
#                                   TypeError, not an Amplify message); the case has an error annotation
#   accepts: deploy — REASON        transform.sh exits 0 and the case has an error annotation (the error is
#   accepts: runtime — REASON       only found at deploy, at run time, or by the database)
#   accepts: catalog — REASON       (+ NEEDS_CATALOG, when present, names an existing DDL file)
# Annotations (in .ts after //, in .sql after --; carets, or the token form `//@@ TOKEN[#N] severity[code]: …`)
# are checked too: format, carets within the line they
# mark, marked text not at column 0 or 1, code documented in docs/diagnostics.md, and no annotation
# swallowed by a string literal.
# -v prints every annotation with the text it marks. --synth also runs tests/oracle/synth.sh (an offline
# CDK synth; run tests/oracle/setup-synth.sh first): `accepts` must synthesize, `accepts: deploy` must fail.
#
# Environment: ORACLE_HOME (default <repo>/.oracle, made by oracle/setup.sh), AMPLIFY_REF (default
# $SCHEMALS_SHARED/amplify, SCHEMALS_SHARED defaulting to <repo>/../shared), SYNTH_HOME (default
# <repo>/.oracle/synth). Prints `N passed, N failed`; exit 1 on any failure.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec node "$HERE/lib/run-fixtures.mjs" "$@"

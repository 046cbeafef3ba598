#!/usr/bin/env bash
# Builds the fuzz targets and runs each for SECONDS (default 10) on the seed corpora, after
# replaying every committed regression input. Usage:
#   bash fuzz/run.sh [SECONDS] [TARGET...]
# cargo-fuzz needs nightly-only compiler flags (-Zsanitizer, sanitizer coverage); the machine has
# only the stable toolchain, so RUSTC_BOOTSTRAP=1 lets stable accept them. cargo-fuzz itself comes
# from crates.io and is installed on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-10}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(schema_model sql_analyze document_edits)

if ! command -v cargo-fuzz >/dev/null 2>&1; then
    echo "fuzz/run.sh: installing cargo-fuzz 0.13.2 from crates.io" >&2
    cargo install cargo-fuzz --locked --version 0.13.2
fi
export RUSTC_BOOTSTRAP=1

cargo fuzz build
bash fuzz/seed.sh

for target in "${targets[@]}"; do
    # Replay the committed findings first: each must now pass.
    if compgen -G "fuzz/regressions/$target/*" >/dev/null; then
        cargo fuzz run "$target" fuzz/regressions/"$target"/* -- -runs=1 >/dev/null 2>&1 \
            || { echo "fuzz/run.sh: a regression input of $target fails again" >&2;
                 cargo fuzz run "$target" fuzz/regressions/"$target"/* -- -runs=1; exit 1; }
    fi
    echo "fuzz/run.sh: $target for ${seconds}s" >&2
    mkdir -p fuzz/artifacts
    log="fuzz/artifacts/$target.log"
    if ! cargo fuzz run "$target" "fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 >"$log" 2>&1; then
        tail -n 60 "$log" >&2
        echo "fuzz/run.sh: $target failed; the input is in fuzz/artifacts/$target/" >&2
        exit 1
    fi
    grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::(number_of_executed_units|peak_rss_mb)' "$log" >&2 || true
done

#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets from the repository's fixtures, into fuzz/corpus/
# (not committed): every schema file of examples/ and tests/fixtures/check/ for schema_model and
# document_edits; every .sql file, the SQL statements of the SQL crate's corpus tests and the
# inline SQL of the fixtures for sql_analyze. Findings kept as regressions (fuzz/regressions/) are
# added too. Idempotent: files are named by their content's hash.
set -euo pipefail
cd "$(dirname "$0")/.."

add() { # add TARGET FILE
    local dir="fuzz/corpus/$1"
    mkdir -p "$dir"
    cp "$2" "$dir/$(sha1sum "$2" | cut -c1-40)"
}

while IFS= read -r -d '' file; do
    add schema_model "$file"
    add document_edits "$file"
done < <(find examples tests/fixtures/check -path '*/node_modules' -prune -o -path '*/amplify/*' \
    \( -name '*.ts' -o -name '*.js' \) -print0)

while IFS= read -r -d '' file; do
    add sql_analyze "$file"
done < <(find examples tests/fixtures server/sql -name '*.sql' -print0)

# SQL inside the fixtures' and tests' string literals (inlineSql and the SQL crate's tests).
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp" <<'PY'
import hashlib, pathlib, re, sys
out = pathlib.Path(sys.argv[1])
sources = [p for root in ("examples", "tests/fixtures/check") for p in pathlib.Path(root).rglob("*.ts")]
sources += list(pathlib.Path("server/sql/tests").rglob("*.rs"))
literal = re.compile(r'inlineSql\(\s*(`[^`]*`|"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\')|r#"(.*?)"#|"((?:SELECT|WITH|INSERT|UPDATE|DELETE|CALL)[^"\\]*(?:\\.[^"\\]*)*)"', re.S)
for path in sources:
    text = path.read_text(errors="replace")
    for m in literal.finditer(text):
        sql = m.group(1)[1:-1] if m.group(1) else (m.group(2) or m.group(3) or "")
        if sql.strip():
            data = sql.encode()
            (out / hashlib.sha1(data).hexdigest()).write_bytes(data)
PY
for file in "$tmp"/*; do
    [ -e "$file" ] && add sql_analyze "$file"
done

for target in schema_model sql_analyze document_edits; do
    for file in fuzz/regressions/"$target"/*; do
        [ -f "$file" ] && add "$target" "$file"
    done
    echo "fuzz/corpus/$target: $(ls "fuzz/corpus/$target" | wc -l) seeds"
done

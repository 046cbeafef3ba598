#!/usr/bin/env python3
"""DDL of a database with N tables for the introspection benchmark (bench/introspect.sh).

Each table has 8 columns of mixed types, a primary key, a foreign key to the previous table, an index,
and every tenth table an enum column: a realistic, not a minimal, catalog.
usage: introspect_ddl.py postgres|mysql N
"""
import sys

engine, count = sys.argv[1], int(sys.argv[2])
out = []
if engine == "postgres":
    out.append("CREATE TYPE status AS ENUM ('draft', 'live', 'gone');")
for i in range(count):
    name = f"table_{i:04d}"
    cols = [
        "id BIGINT PRIMARY KEY" if engine == "postgres" else "id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
        "title VARCHAR(200) NOT NULL",
        "body TEXT",
        "amount NUMERIC(12,2)",
        "created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP",
        "flag BOOLEAN NOT NULL DEFAULT FALSE",
        "parent_id BIGINT",
    ]
    if i % 10 == 0:
        cols.append("state status" if engine == "postgres" else "state ENUM('draft','live','gone')")
    else:
        cols.append("note VARCHAR(50)")
    if i > 0:
        cols.append(f"FOREIGN KEY (parent_id) REFERENCES table_{i - 1:04d}(id)")
    out.append(f"CREATE TABLE {name} (\n  " + ",\n  ".join(cols) + "\n);")
    out.append(f"CREATE INDEX {name}_title_idx ON {name} (title);")
print("\n".join(out))

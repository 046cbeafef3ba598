//! Never panic, never hang: random bytes, random SQL-ish tokens, every prefix of real statements,
//! huge and deeply nested text. Deterministic: a small xorshift generator, fixed seeds.

use schemals_catalog::Engine;
use schemals_sql::analyze;

use crate::check::{mysql_catalog, pg_catalog};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Runs the analysis on a thread with a 2 MiB stack, the size of a tokio worker's, for both
/// engines with and without a catalog, and checks the invariants of the result.
fn run_all(texts: Vec<String>) {
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            for text in &texts {
                for engine in [Engine::Postgresql, Engine::Mysql] {
                    let catalog = match engine {
                        Engine::Postgresql => pg_catalog(),
                        Engine::Mysql => mysql_catalog(),
                    };
                    for with_catalog in [false, true] {
                        let analysis = analyze(
                            text,
                            engine,
                            with_catalog.then_some((&catalog.catalog, &catalog.index)),
                        );
                        for d in &analysis.diagnostics {
                            assert!(d.range.start <= d.range.end && d.range.end <= text.len());
                            assert!(text.is_char_boundary(d.range.start), "{d:?} in {text:?}");
                            assert!(text.is_char_boundary(d.range.end), "{d:?} in {text:?}");
                        }
                        for p in &analysis.placeholders {
                            assert_eq!(&text[p.range.clone()], format!(":{}", p.name));
                        }
                        for s in &analysis.statements {
                            assert!(text.get(s.range.clone()).is_some(), "{s:?} in {text:?}");
                        }
                        for t in &analysis.tables {
                            assert!(text.get(t.range.clone()).is_some(), "{t:?} in {text:?}");
                        }
                    }
                }
            }
        })
        .expect("spawn");
    handle.join().expect("the analysis panicked");
}

const TOKENS: &[&str] = &[
    "SELECT",
    "FROM",
    "WHERE",
    "JOIN",
    "ON",
    "USING",
    "(",
    ")",
    ",",
    ";",
    "*",
    "=",
    "<>",
    "::",
    ":",
    ":x",
    ":startDate",
    "'str'",
    "'café — 東京'",
    "\"Quoted\"",
    "`tick`",
    "$$",
    "$t$",
    "--",
    "/*",
    "*/",
    "#",
    "\n",
    "events",
    "notes",
    "e",
    "e.id",
    "name",
    "public.orders",
    "t.*",
    "AS",
    "WITH",
    "x",
    "UNION",
    "ALL",
    "INSERT",
    "INTO",
    "VALUES",
    "UPDATE",
    "SET",
    "DELETE",
    "RETURNING",
    "ORDER BY",
    "GROUP BY",
    "HAVING",
    "LIMIT",
    "1",
    "2.5",
    "NULL",
    "CASE",
    "WHEN",
    "THEN",
    "END",
    "LATERAL",
    "EXISTS",
    "IN",
    "ON CONFLICT",
    "DO UPDATE",
    "EXCLUDED.name",
    "->>",
    "@>",
    "&&",
    "<->",
    "ARRAY[",
    "]",
    "INTERVAL '1 day'",
    "EXTRACT(YEAR FROM",
    "count(",
    "OVER (",
    "PARTITION BY",
    "WINDOW",
    "CREATE TEMP TABLE",
    "\\",
    "E'",
    "ä",
    "東",
    "\u{0}",
    "\r\n",
    "\t",
    "@v",
    "?",
    "$1",
];

#[test]
fn random_token_soup() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut texts = Vec::new();
    for _ in 0..1500 {
        let len = rng.below(40);
        let mut text = String::new();
        for _ in 0..len {
            text.push_str(rng.pick(TOKENS));
            if rng.below(3) > 0 {
                text.push(' ');
            }
        }
        texts.push(text);
    }
    run_all(texts);
}

#[test]
fn random_bytes() {
    let mut rng = Rng(0x0123_4567_89AB_CDEF);
    let mut texts = Vec::new();
    for _ in 0..800 {
        let len = rng.below(120);
        let bytes: Vec<u8> = (0..len)
            .map(|_| match rng.below(4) {
                0 => b"'\"`$:;()-/*#\\\n"[rng.below(14)],
                _ => (rng.next() & 0xff) as u8,
            })
            .collect();
        texts.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    run_all(texts);
}

const STATEMENTS: &[&str] = &[
    "SELECT e.id, e.name, ST_X(e.geom) AS lng FROM public.events e JOIN notes n ON n.owner = e.name WHERE e.id = :id::int AND n.content ILIKE '%' || :q || '%' ORDER BY 1 LIMIT :n;",
    "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < :max) SELECT * FROM r, LATERAL (SELECT * FROM orders o WHERE o.total > r.i) x;",
    "INSERT INTO products (sku, name, price) VALUES (:sku, 'café — 東京', :price) ON CONFLICT (sku) DO UPDATE SET price = EXCLUDED.price RETURNING *;",
    "UPDATE orders o SET total = s.t FROM (SELECT order_id, sum(unit_price) AS t FROM order_items GROUP BY order_id) s WHERE s.order_id = o.id RETURNING o.*;",
    "SELECT `id`, first_name FROM `customers` WHERE email = :email LIMIT :a, :b; INSERT INTO products (sku) VALUES (:s) ON DUPLICATE KEY UPDATE stock = VALUES(stock) + 1;",
    "SELECT $tag$ :not $tag$, E'\\' :no', \"quoted :no\" FROM events /* :c */ -- :d\n WHERE id IN (SELECT id FROM events WHERE name = :x);",
];

#[test]
fn every_prefix_of_real_statements() {
    let mut texts = Vec::new();
    for statement in STATEMENTS {
        for (end, _) in statement.char_indices() {
            texts.push(statement[..end].to_owned());
            texts.push(statement[end..].to_owned());
        }
    }
    run_all(texts);
}

#[test]
fn huge_and_deep_texts() {
    let n = 20_000;
    run_all(vec![
        // Over the statement size limit: not parsed.
        format!("SELECT {}1", "1 + ".repeat(n)),
        format!("SELECT * FROM events WHERE {}true", "id = 1 AND ".repeat(n)),
        format!("SELECT {} FROM events", "id, ".repeat(n) + "name"),
        // Just under it: parsed into left-deep trees thousands of levels deep.
        format!("SELECT {}1", "1 + ".repeat(4_990)),
        format!(
            "SELECT * FROM events WHERE {}true",
            "id = 1 AND ".repeat(2_490)
        ),
        format!("SELECT 1{}", " UNION SELECT id FROM events".repeat(1_600)),
        format!("SELECT name{} FROM events", "::text".repeat(4_990)),
        format!("SELECT preferences{} FROM customers", "->'a'".repeat(4_990)),
        // Nesting: sqlparser's recursion limit, then the analysis's own.
        format!("SELECT {}1{}", "(".repeat(n), ")".repeat(n)),
        format!("SELECT {}1{}", "(SELECT ".repeat(n), ")".repeat(n)),
        format!(
            "SELECT {}1{} FROM events",
            "(SELECT ".repeat(40),
            ")".repeat(40)
        ),
        format!("SELECT {}1", "- ".repeat(n)),
        format!(
            "SELECT {}id{} FROM events",
            "coalesce(".repeat(45),
            ")".repeat(45)
        ),
        // Many statements, and unterminated tokens.
        "SELECT 1;".repeat(n / 4),
        ";".repeat(n),
        ":a".repeat(n),
        "'".repeat(n),
        "$$".repeat(n) + "$",
        "/*".repeat(n),
    ]);
}

#[test]
fn large_text_is_fast() {
    let sql = "SELECT e.id, e.name FROM events e WHERE e.id = :id; ".repeat(2000);
    let start = std::time::Instant::now();
    let analysis = analyze(
        &sql,
        Engine::Postgresql,
        Some((&pg_catalog().catalog, &pg_catalog().index)),
    );
    assert!(analysis.diagnostics.is_empty());
    assert_eq!(analysis.placeholders.len(), 2000);
    // Generous for a debug build on a shared machine; a quadratic step would take minutes.
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
}

use sqlparser::dialect::{Dialect, MySqlDialect, PostgreSqlDialect};
use sqlparser::parser::Parser;

fn run(name: &str, sql: String, d: &'static (dyn Dialect + Sync)) {
    if std::env::var("CASE").ok().as_deref() != Some(name) {
        return;
    }
    let name = name.to_owned();
    let name2 = name.clone();
    let h = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let t = std::time::Instant::now();
            let r = Parser::new(d)
                .with_recursion_limit(50)
                .try_with_sql(&sql)
                .and_then(|mut p| p.parse_statements());
            let ok = r.is_ok();
            let msg = match &r {
                Ok(_) => String::new(),
                Err(e) => e.to_string().chars().take(100).collect(),
            };
            drop(r);
            eprintln!("{name}: ok={ok} {msg} {:?}", t.elapsed());
        })
        .unwrap();
    if h.join().is_err() {
        eprintln!("{name2}: PANIC");
    }
}

static PG: PostgreSqlDialect = PostgreSqlDialect {};
static MY: MySqlDialect = MySqlDialect {};

#[test]
fn probe2() {
    let n: usize = std::env::var("N").unwrap().parse().unwrap();
    run("plus chain", format!("SELECT {}1", "1 + ".repeat(n)), &PG);
    run(
        "and chain",
        format!("SELECT * FROM t WHERE {}b", "a AND ".repeat(n)),
        &PG,
    );
    run(
        "parens",
        format!("SELECT {}1{}", "(".repeat(n), ")".repeat(n)),
        &PG,
    );
    run("not chain", format!("SELECT {}1", "NOT ".repeat(n)), &PG);
    run("minus chain", format!("SELECT {}1", "- ".repeat(n)), &PG);
    run("cast chain", format!("SELECT 1{}", "::int".repeat(n)), &PG);
    run(
        "concat chain",
        format!("SELECT 'a'{}", " || 'a'".repeat(n)),
        &PG,
    );
    run("json chain", format!("SELECT a{}", "->'a'".repeat(n)), &PG);
    run(
        "subq",
        format!("SELECT {}1{}", "(SELECT ".repeat(n), ")".repeat(n)),
        &PG,
    );
    run(
        "in list",
        format!("SELECT 1 IN ({}1)", "1, ".repeat(n)),
        &PG,
    );
    run(
        "union chain",
        format!("SELECT 1{}", " UNION SELECT 1".repeat(n)),
        &PG,
    );
    run(
        "join chain",
        format!("SELECT * FROM t{}", " JOIN t ON true".repeat(n)),
        &PG,
    );
    run(
        "case chain",
        format!("SELECT CASE {} END", "WHEN a THEN 1 ".repeat(n)),
        &PG,
    );
    run(
        "my plus chain",
        format!("SELECT {}1", "1 + ".repeat(n)),
        &MY,
    );
    run("member chain", format!("SELECT (a){}", ".b".repeat(n)), &PG);
    run(
        "subscript chain",
        format!("SELECT a{}", "[1]".repeat(n)),
        &PG,
    );
    run(
        "collate chain",
        format!("SELECT a{}", " COLLATE \"C\"".repeat(n)),
        &PG,
    );
    run(
        "is null chain",
        format!("SELECT a{}", " IS NULL".repeat(n)),
        &PG,
    );
    run(
        "at tz chain",
        format!("SELECT a{}", " AT TIME ZONE 'UTC'".repeat(n)),
        &PG,
    );
    run("semicolons", ";".repeat(n * 10), &PG);
    run("many stmts", "SELECT 1;".repeat(n), &PG);
    run(
        "big",
        format!("SELECT {} FROM t", "a, ".repeat(n * 10) + "b"),
        &PG,
    );
}

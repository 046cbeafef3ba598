use sqlparser::dialect::{Dialect, MySqlDialect, PostgreSqlDialect};
use sqlparser::parser::Parser;

fn p(d: &dyn Dialect, sql: &str) {
    match Parser::new(d)
        .with_recursion_limit(50)
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_statements())
    {
        Ok(s) => eprintln!(
            "OK   {sql}\n     {}",
            s.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(" ; ")
        ),
        Err(e) => eprintln!("ERR  {sql}\n     {e}"),
    }
}

#[test]
fn probe() {
    let pg = PostgreSqlDialect {};
    let my = MySqlDialect {};
    let std = std::fs::read_to_string("/tmp/probe.sql").unwrap();
    for line in std.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let (d, sql): (&dyn Dialect, &str) = if let Some(s) = line.strip_prefix("my ") {
            (&my, s)
        } else {
            (&pg, line)
        };
        p(d, sql);
    }
}

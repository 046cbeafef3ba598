//! SQL text through the SQL analysis, in both dialects, with and without a catalog. Nothing may
//! panic (the fuzzer's panic hook aborts even on the panic `analyze` catches as a last defence),
//! nothing may hang, and every range must be a byte range of the text on character boundaries.
#![no_main]

use std::ops::Range;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use schemals_catalog::{Catalog, CatalogIndex, Engine};

const PG: &str = include_str!("../../server/sql/tests/fixtures/pg.json");
const MYSQL: &str = include_str!("../../server/sql/tests/fixtures/mysql.json");

fn catalogs() -> &'static [(Catalog, CatalogIndex); 2] {
    static CATALOGS: OnceLock<[(Catalog, CatalogIndex); 2]> = OnceLock::new();
    CATALOGS.get_or_init(|| {
        let load = |text: &str| {
            let catalog = Catalog::from_json(text).expect("the test catalogs are valid");
            let index = CatalogIndex::new(&catalog);
            (catalog, index)
        };
        [load(PG), load(MYSQL)]
    })
}

fn assert_inside(sql: &str, range: &Range<usize>, what: &str) {
    assert!(
        range.start <= range.end && sql.get(range.clone()).is_some(),
        "{what} range {range:?} is not on character boundaries of the {} bytes of text",
        sql.len()
    );
}

fuzz_target!(|data: &[u8]| {
    let sql = String::from_utf8_lossy(data);
    for (catalog, index) in catalogs() {
        let engine = catalog.engine;
        for with_catalog in [Some((catalog, index)), None] {
            let analysis = schemals_sql::analyze(&sql, engine, with_catalog);
            for d in &analysis.diagnostics {
                assert_inside(&sql, &d.range, d.code);
            }
            for p in &analysis.placeholders {
                assert_inside(&sql, &p.range, "placeholder");
            }
            for s in &analysis.statements {
                assert_inside(&sql, &s.range, "statement");
            }
            for t in &analysis.tables {
                assert_inside(&sql, &t.range, "table");
            }
        }
    }
    // The other engine's dialect on the same catalog, as a mistaken `configure` would give.
    let (catalog, index) = &catalogs()[0];
    let _ = schemals_sql::analyze(&sql, Engine::Mysql, Some((catalog, index)));
});

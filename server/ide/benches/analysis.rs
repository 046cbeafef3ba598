//! The phases of the keystroke path, in process: `cargo bench -p schemals-ide --bench analysis`.
//!
//! Generates the benchmark workload with `bench/gen_project.py` (1,000 tables, a 5,000-line
//! `resource.ts` with 200 `inlineSql` queries; `BENCH_TABLES` changes the size) under
//! `target/bench/work`, then times each phase of what the language server does after one keystroke:
//! the incremental re-parse, the evaluation of the schema model, and the checks. Prints median and
//! p95 over `BENCH_N` runs (default 30). A benchmark, not a test: nothing is asserted.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use schemals_ide::{
    AnalysisMemo, Catalog, IndexedCatalog, LineCol, LineIndex, Project, ProjectFile, check_project,
    check_project_memoized,
};
use schemals_syntax::text::apply_change;

fn workload(tables: usize) -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = repo.join(format!("target/bench/work/analysis-{tables}"));
    std::fs::create_dir_all(&dir).expect("target/bench/work");
    let dir = dir.canonicalize().expect("workload folder");
    if !dir.join("amplify/data/resource.ts").exists() {
        let status = Command::new("python3")
            .arg(repo.join("bench/gen_project.py"))
            .arg(&dir)
            .args(["--tables", &tables.to_string()])
            .status()
            .expect("python3 runs bench/gen_project.py");
        assert!(status.success(), "bench/gen_project.py failed");
    }
    dir
}

/// Times `f` over `runs` runs and prints median and p95, unless `BENCH_ONLY` (a part of a phase's
/// name, to profile one phase) leaves the phase out.
fn phase<T>(name: &str, runs: usize, mut f: impl FnMut() -> T) {
    if std::env::var("BENCH_ONLY").is_ok_and(|only| !name.contains(&only)) {
        return;
    }
    let mut samples: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(f());
            started.elapsed()
        })
        .collect();
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    eprintln!(
        "{name:<44} median {:>8.2} ms   p95 {:>8.2} ms",
        ms(samples[runs / 2]),
        ms(samples[(runs * 95 / 100).min(runs - 1)])
    );
}

fn main() {
    let tables = std::env::var("BENCH_TABLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let runs = std::env::var("BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let dir = workload(tables);
    let data = dir.join("amplify/data");
    let read = |name: &str| -> Arc<str> {
        Arc::from(std::fs::read_to_string(data.join(name)).expect("workload file"))
    };
    let generated = read("schema.sql.ts");
    let resource = read("resource.ts");
    let catalog = IndexedCatalog::new(
        Catalog::read_snapshot(&data.join("schemals-catalog.json")).expect("snapshot"),
    );
    eprintln!(
        "workload: {tables} tables, resource.ts {} lines, schema.sql.ts {} lines",
        resource.lines().count(),
        generated.lines().count()
    );

    let project = |resource: &ProjectFile, generated: &ProjectFile| {
        let mut project = Project::new(dir.clone());
        project.add(generated.clone());
        project.add(resource.clone());
        project
    };
    let generated_file =
        ProjectFile::typescript(data.join("schema.sql.ts"), generated.clone(), None);
    let resource_file = ProjectFile::typescript(data.join("resource.ts"), resource.clone(), None);

    phase("read the catalog snapshot and index it", runs, || {
        IndexedCatalog::new(
            Catalog::read_snapshot(&data.join("schemals-catalog.json")).expect("snapshot"),
        )
    });
    phase("parse both files (cold)", runs, || {
        (
            ProjectFile::typescript(data.join("schema.sql.ts"), generated.clone(), None),
            ProjectFile::typescript(data.join("resource.ts"), resource.clone(), None),
        )
    });
    let whole = project(&resource_file, &generated_file);
    phase("evaluate the model", runs, || whole.evaluate());
    // As a session's first build does: every entry and callback evaluated and kept.
    phase("evaluate the model (memo cold)", runs, || {
        whole.evaluate_memoized(&AnalysisMemo::default())
    });
    let mut generated_only = Project::new(dir.clone());
    generated_only.add(generated_file.clone());
    phase("evaluate schema.sql.ts alone", runs, || {
        generated_only.evaluate()
    });
    let kept = AnalysisMemo::default();
    generated_file.evaluate_ahead(schemals_syntax::model::FileId(0), &kept);
    phase("evaluate the model (schema.sql.ts kept)", runs, || {
        whole.evaluate_memoized(&kept)
    });
    let model = whole.evaluate();
    phase("check_project (catalog)", runs, || {
        check_project(&whole, &model, Some(&catalog))
    });
    eprintln!(
        "diagnostics: {} with the catalog, {} without",
        check_project(&whole, &model, Some(&catalog)).len(),
        check_project(&whole, &model, None).len()
    );
    phase("check_project (no catalog)", runs, || {
        check_project(&whole, &model, None)
    });
    // What a completion request at `FROM ` of query 100 computes before the LSP layer keeps the
    // best 100 items (all 1,000 tables), with the snapshot's cache warm.
    let cache = schemals_ide::features::SnapshotCache::default();
    let analysis = schemals_ide::features::Analysis {
        project: &whole,
        model: &model,
        catalog: Some(&catalog),
        cache: Some(&cache),
    };
    let query = resource.find("listItems100").expect("query 100");
    let from = query + resource[query..].find("FROM ").expect("FROM") + "FROM ".len();
    let resource_path = data.join("resource.ts");
    phase("SQL completion at `FROM ` (all tables)", runs, || {
        schemals_ide::features::completions(&analysis, &resource_path, from)
    });
    let memo = AnalysisMemo::default();
    phase("check_project (catalog, memoized)", runs, || {
        check_project_memoized(&whole, &model, Some(&catalog), &memo)
    });
    // What the language server does after one keystroke: apply the change, re-parse the edited
    // file incrementally, evaluate and check with the session's memo. Alternately types and
    // removes one character, inside an SQL string or inside a model.
    let keystrokes = |name: &str, edited: &str, at: &str| {
        let memo = AnalysisMemo::default();
        let path = data.join(edited);
        let other = if edited == "resource.ts" {
            &generated_file
        } else {
            &resource_file
        };
        let original = if edited == "resource.ts" {
            &resource
        } else {
            &generated
        };
        let mut text = original.to_string();
        let mut lines = LineIndex::new(&text);
        let mut tree = schemals_syntax::parse_typescript(&text);
        let offset = text.find(at).expect("edit point") + at.len();
        let position = lines.line_col(&text, offset);
        let after = LineCol {
            line: position.line,
            character: position.character + 1,
        };
        let mut typed = false;
        let mut previous: Option<(Project, Arc<schemals_syntax::model::SchemaModel>)> = None;
        let mut analyse = |text: &str, tree: Option<schemals_syntax::Tree>, lines: &LineIndex| {
            let file = ProjectFile::with_tree(
                path.clone(),
                Arc::from(text),
                Arc::new(lines.clone()),
                tree,
            );
            let mut p = Project::new(dir.clone());
            p.add(other.clone());
            p.add(file);
            // As the server does: the previous snapshot's model is patched when it can be.
            let m = match previous.take() {
                Some((old, model)) => p.model_after((&old, &model), &memo),
                None => Arc::new(p.evaluate_memoized(&memo)),
            };
            let diagnostics = check_project_memoized(&p, &m, Some(&catalog), &memo);
            previous = Some((p, m));
            diagnostics
        };
        analyse(&text, tree.clone(), &lines);
        phase(name, runs, || {
            let (range, insert) = if typed {
                ((position, after), "")
            } else {
                ((position, position), "x")
            };
            typed = !typed;
            let change = apply_change(&mut text, &mut lines, Some(range), insert);
            tree = match (change, &tree) {
                (Some(change), Some(old)) => old.edited(&text, &change),
                _ => schemals_syntax::parse_typescript(&text),
            };
            analyse(&text, tree.clone(), &lines)
        });
    };
    keystrokes(
        "keystroke in an SQL string (resource.ts)",
        "resource.ts",
        "WHERE i.quan",
    );
    keystrokes(
        "keystroke in a model (schema.sql.ts)",
        "schema.sql.ts",
        "\"quan",
    );
}

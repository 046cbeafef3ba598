//! Random and truncated schema files and SQL through the whole pipeline (model, every check, SQL
//! analysis against a catalog) always give a result: no panic, no hang.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemals_catalog::Catalog;
use schemals_ide::{IndexedCatalog, Project, ProjectFile, check_project};

fn example(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn catalog() -> IndexedCatalog {
    let text = example("notes-events/amplify/data/schemals-catalog.json");
    IndexedCatalog::new(Catalog::from_json(&text).expect("snapshot"))
}

fn run(resource: &str, generated: &str, catalog: &IndexedCatalog) {
    let mut project = Project::new(PathBuf::from("/p"));
    project.add(ProjectFile::typescript(
        PathBuf::from("/p/amplify/data/resource.ts"),
        Arc::from(resource),
        None,
    ));
    project.add(ProjectFile::typescript(
        PathBuf::from("/p/amplify/data/schema.sql.ts"),
        Arc::from(generated),
        None,
    ));
    let model = project.evaluate();
    project.load_sql_references(&model, |_| {
        Some("SELECT * FROM notes WHERE id = :id".to_owned())
    });
    let _ = check_project(&project, &model, Some(catalog));
}

#[test]
fn mutated_projects_never_panic() {
    let catalog = catalog();
    let resource = example("combined/amplify/data/resource.ts");
    let generated = example("notes-events/amplify/data/schema.sql.ts");
    let pieces = [
        "(",
        ")",
        "`",
        "'",
        "\"",
        "${",
        "\\",
        "\n",
        "é",
        "😀",
        "SELECT ",
        " FROM ",
        " JOIN ",
        ":x",
        "::",
        "$$",
        "--",
        "/*",
        "a.ref('",
        "allow.owner",
        ".to(['sync'])",
        "models.",
        "'notes'",
        ",",
    ];
    let mut seed: u64 = 42;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    for round in 0..300 {
        let mut text = resource.clone();
        for _ in 0..1 + round % 5 {
            let mut at = next() % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            if next() % 3 == 0 {
                let mut end = (at + next() % 12).min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.replace_range(at..end, "");
            } else {
                text.insert_str(at, pieces[next() % pieces.len()]);
            }
        }
        run(&text, &generated, &catalog);
    }
}

#[test]
fn truncated_projects_never_panic() {
    let catalog = catalog();
    let resource = example("large-sql/amplify/data/resource.ts");
    let generated = example("large-sql/amplify/data/schema.sql.ts");
    let step = (resource.len() / 150).max(1);
    let mut cut = 0;
    while cut < resource.len() {
        if resource.is_char_boundary(cut) {
            run(&resource[..cut], &generated, &catalog);
        }
        cut += step;
    }
}

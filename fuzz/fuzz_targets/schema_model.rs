//! TypeScript schema text through the whole pipeline: parse, evaluate the schema model, run every
//! check against a catalog, and ask each editor feature at a few places. Nothing may panic (the
//! fuzzer's panic hook aborts even on a panic that some layer catches) and nothing may hang.
//!
//! Input: the text of `amplify/data/resource.ts`; an optional NUL byte separates it from the text
//! of the generated `schema.sql.ts` (otherwise the notes-events example's is used), and a second
//! NUL from the text of the SQL file that `sqlReference` calls read.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use schemals_catalog::Catalog;
use schemals_ide::features::{self, Analysis};
use schemals_ide::{IndexedCatalog, Project, ProjectFile, check_project};

const GENERATED: &str = include_str!("../../examples/notes-events/amplify/data/schema.sql.ts");
const CATALOG: &str = include_str!("../../examples/notes-events/amplify/data/schemals-catalog.json");

fn catalog() -> &'static IndexedCatalog {
    static CATALOG_INDEX: OnceLock<IndexedCatalog> = OnceLock::new();
    CATALOG_INDEX.get_or_init(|| {
        IndexedCatalog::new(Catalog::from_json(CATALOG).expect("the bundled snapshot is valid"))
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\0');
    let resource = parts.next().unwrap_or_default();
    let generated = parts.next().unwrap_or(GENERATED);
    let sql_file = parts.next().unwrap_or("SELECT * FROM notes WHERE id = :id").to_owned();

    let resource_path = PathBuf::from("/p/amplify/data/resource.ts");
    let mut project = Project::new(PathBuf::from("/p"));
    project.add(ProjectFile::typescript(
        resource_path.clone(),
        Arc::from(resource),
        None,
    ));
    project.add(ProjectFile::typescript(
        PathBuf::from("/p/amplify/data/schema.sql.ts"),
        Arc::from(generated),
        None,
    ));
    let model = project.evaluate();
    project.load_sql_references(&model, |_| Some(sql_file.clone()));
    let catalog = catalog();
    let diagnostics = check_project(&project, &model, Some(catalog));
    let _ = check_project(&project, &model, None);

    // Shared by the requests below, as the server shares one per snapshot.
    let cache = features::SnapshotCache::default();
    let analysis = Analysis {
        project: &project,
        model: &model,
        catalog: Some(catalog),
        cache: Some(&cache),
    };
    for d in &diagnostics {
        // Every range must lie on character boundaries of its file, or the editor gets garbage.
        if let Some(file) = project.find(&d.path) {
            assert!(
                d.range.start <= d.range.end
                    && file.text.get(d.range.clone()).is_some(),
                "diagnostic range {:?} is not inside {}: {d:?}",
                d.range,
                d.path.display()
            );
        }
    }
    exercise_features(&analysis, &resource_path, resource);
    let _ = features::code_actions(&analysis, &resource_path, 0..resource.len(), &diagnostics);
});

/// Asks every position-based feature at a few character boundaries spread over the text.
fn exercise_features(analysis: &Analysis<'_>, path: &Path, text: &str) {
    let _ = features::document_symbols(analysis, path);
    let _ = features::semantic_tokens(analysis, path);
    for k in 0..=4 {
        let offset = schemals_syntax::text::floor_char_boundary(text, text.len() * k / 4);
        let _ = features::completions(analysis, path, offset);
        let _ = features::hover(analysis, path, offset);
        let _ = features::definition(analysis, path, offset);
        let _ = features::references(analysis, path, offset, true);
        if features::prepare_rename(analysis, path, offset).is_ok() {
            let _ = features::rename(analysis, path, offset, "renamed");
        }
    }
}

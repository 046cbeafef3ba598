//! The command-line interface: `check` prints diagnostics like a compiler, `introspect` writes the
//! catalog snapshot.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use schemals_catalog::Catalog;
use schemals_catalog::live::{self, IntrospectOptions};
use schemals_ide::{AnalysisMemo, Diagnostic, IndexedCatalog, LineIndex, Severity};

use crate::host;

/// Writes to stdout. The CLI owns stdout; the language server never calls this.
pub fn write_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

struct Options {
    path: Option<PathBuf>,
    format_json: bool,
    database_url: Option<String>,
    catalog: Option<PathBuf>,
    out: Option<PathBuf>,
    connection_uri_secret: Option<String>,
    ssl_cert_secret: Option<String>,
    /// `--schema NAME` (generate): more PostgreSQL schemas than `public`.
    schemas: Vec<String>,
    /// `--live` (check): compare the snapshot with the live database first.
    live: bool,
}

fn parse_options(args: &[String], allowed: &[&str]) -> Result<Options, String> {
    let mut options = Options {
        path: None,
        format_json: false,
        database_url: None,
        catalog: None,
        out: None,
        connection_uri_secret: None,
        ssl_cert_secret: None,
        schemas: Vec::new(),
        live: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        if flag == "--live" && inline.is_none() && allowed.contains(&flag) {
            options.live = true;
            continue;
        }
        if flag.starts_with("--") {
            if !allowed.contains(&flag) {
                return Err(format!("unknown option `{flag}`"));
            }
            let value = match inline {
                Some(v) => v,
                None => it
                    .next()
                    .cloned()
                    .ok_or_else(|| format!("option `{flag}` needs a value"))?,
            };
            match flag {
                "--format" => match value.as_str() {
                    "json" => options.format_json = true,
                    "human" => options.format_json = false,
                    other => {
                        return Err(format!("unknown format `{other}` (expected human or json)"));
                    }
                },
                "--database-url" => options.database_url = Some(value),
                "--catalog" => options.catalog = Some(PathBuf::from(value)),
                "--out" => options.out = Some(PathBuf::from(value)),
                "--connection-uri-secret" => options.connection_uri_secret = Some(value),
                "--ssl-cert-secret" => options.ssl_cert_secret = Some(value),
                "--schema" => options.schemas.push(value),
                _ => return Err(format!("unknown option `{flag}`")),
            }
        } else if options.path.is_none() {
            options.path = Some(PathBuf::from(arg));
        } else {
            return Err(format!("unexpected argument `{arg}`"));
        }
    }
    Ok(options)
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("schemals: {message}\nRun `schemals --help` for usage.");
    ExitCode::from(2)
}

fn runtime() -> Option<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()
}

fn introspect_live(url: &str) -> Result<Catalog, String> {
    let rt = runtime().ok_or("cannot start the async runtime")?;
    let options = IntrospectOptions::default();
    rt.block_on(live::introspect(url, &options))
        .map_err(|e| e.to_string())
}

/// `schemals check [PATH]`.
pub fn check(args: &[String]) -> ExitCode {
    let options = match parse_options(args, &["--format", "--database-url", "--catalog", "--live"])
    {
        Ok(o) => o,
        Err(e) => return usage_error(&e),
    };
    let target = options.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let Ok(target) = std::fs::canonicalize(&target) else {
        eprintln!(
            "schemals: cannot read {}: no such file or folder",
            target.display()
        );
        return ExitCode::from(2);
    };
    let (root, only_file) = if target.is_file() {
        match host::project_root_of(&target) {
            Some(root) => (root, Some(target.clone())),
            None => (
                target.parent().map(Path::to_path_buf).unwrap_or_default(),
                Some(target.clone()),
            ),
        }
    } else {
        (target.clone(), None)
    };
    let (project, model) = host::load_from_disk(&root);
    if project.files().is_empty() {
        eprintln!(
            "schemals: no schema files found under {} (looked for amplify/**/*.ts)",
            root.display()
        );
        return ExitCode::from(2);
    }
    let hints = host::database_hints(&project, &model);
    let mut notes = Vec::new();
    let chosen = if options.live {
        match live_catalog_if_snapshot_fresh(&root, &options, &hints) {
            Ok(live) => Ok(Some(live)),
            Err(code) => return code,
        }
    } else {
        choose_catalog(&root, &options, &hints, &mut notes)
    };
    let catalog = match chosen {
        Ok(Some(Chosen {
            mut catalog,
            live_url: Some(url),
        })) => {
            // A live catalog has no descriptions of the statements: the database makes them now.
            if let Err(e) = describe_statements(&url, &project, &model, &mut catalog) {
                notes.push(e);
            }
            Some(catalog)
        }
        Ok(chosen) => chosen.map(|c| c.catalog),
        Err(e) => {
            eprintln!("schemals: {e}");
            return ExitCode::from(2);
        }
    };
    let indexed = catalog.map(IndexedCatalog::new);
    let mut diagnostics =
        host::analyse(&project, &model, indexed.as_ref(), &AnalysisMemo::default());
    if let Some(file) = &only_file {
        diagnostics.retain(|d| &d.path == file);
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if options.format_json {
        write_stdout(&json_report(&diagnostics, &project));
    } else {
        let mut out = String::new();
        for d in &diagnostics {
            out.push_str(&human_diagnostic(d, &project, &root));
        }
        let warnings = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
        out.push_str(&format!(
            "{} error{}, {} warning{}\n",
            errors,
            if errors == 1 { "" } else { "s" },
            warnings,
            if warnings == 1 { "" } else { "s" }
        ));
        write_stdout(&out);
    }
    for note in notes {
        eprintln!("note: {note}");
    }
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The catalog `check` uses, and the database it was read from when it is live.
struct Chosen {
    catalog: Catalog,
    live_url: Option<String>,
}

/// The catalog for `check`, first found wins: `--database-url`, `--catalog`, the variable named
/// by the configure block's secret (or that name in `.env`), the committed snapshot.
fn choose_catalog(
    root: &Path,
    options: &Options,
    hints: &host::DatabaseHints,
    notes: &mut Vec<String>,
) -> Result<Option<Chosen>, String> {
    let snapshot_path = host::default_snapshot_path(root, hints);
    let live = |url: &str| {
        introspect_live(url).map(|catalog| Chosen {
            catalog,
            live_url: Some(url.to_owned()),
        })
    };
    let stored = |catalog| Chosen {
        catalog,
        live_url: None,
    };
    if let Some(url) = &options.database_url {
        return live(url).map(Some);
    }
    if let Some(path) = &options.catalog {
        return Catalog::read_snapshot(path)
            .map(|c| Some(stored(c)))
            .map_err(|e| format!("{}: {e}", path.display()));
    }
    if let Some((url, source)) = host::database_url_from_environment(root, hints) {
        match live(&url) {
            Ok(chosen) => return Ok(Some(chosen)),
            Err(e) => notes.push(format!(
                "the database from {source} could not be read ({e}); using the snapshot instead"
            )),
        }
    }
    match host::read_snapshot(&snapshot_path)? {
        Some(catalog) => Ok(Some(stored(catalog))),
        None => {
            if !hints.secret_names.is_empty() || !hints.generated_dirs.is_empty() {
                notes.push(format!(
                    "no database catalog: checks against the database were skipped (give --database-url, or run `schemals introspect` to write {})",
                    snapshot_path.display()
                ));
            }
            Ok(None)
        }
    }
}

fn relative<'p>(path: &'p Path, root: &Path) -> &'p Path {
    path.strip_prefix(root).unwrap_or(path)
}

/// Longer source lines are not shown under a diagnostic.
const MAX_SNIPPET_BYTES: usize = 1_000;

fn human_diagnostic(d: &Diagnostic, project: &schemals_ide::Project, root: &Path) -> String {
    let (start, line_text, width) = match project.find(&d.path) {
        Some(file) => {
            let start = file.lines.line_col(&file.text, d.range.start);
            let line_range = file.lines.line_range(&file.text, start.line as usize);
            // No snippet of a very long line (generated or minified text, a huge SQL string):
            // it would flood the terminal once per diagnostic on it.
            let line_text = file
                .text
                .get(line_range.clone())
                .filter(|line| line.len() <= MAX_SNIPPET_BYTES)
                .unwrap_or("")
                .to_owned();
            let end = d.range.end.min(line_range.end).max(d.range.start);
            let width = file
                .text
                .get(d.range.start..end)
                .map_or(1, |s| s.chars().count().max(1));
            (start, line_text, width)
        }
        None => (Default::default(), String::new(), 1),
    };
    let line_no = start.line + 1;
    let col = start.character + 1;
    let mut out = format!(
        "{}:{}:{}: {}[{}]: {}\n",
        relative(&d.path, root).display(),
        line_no,
        col,
        d.severity.as_str(),
        d.code,
        d.message
    );
    if !line_text.is_empty() {
        let gutter = line_no.to_string().len();
        let before: String = line_text
            .chars()
            .scan(0u32, |units, c| {
                let here = *units;
                *units += c.len_utf16() as u32;
                (here < start.character).then_some(if c == '\t' { '\t' } else { ' ' })
            })
            .collect();
        out.push_str(&format!(
            "{:gutter$} |\n{line_no} | {line_text}\n{:gutter$} | {before}{}\n",
            "",
            "",
            "^".repeat(width)
        ));
    }
    out
}

fn json_report(diagnostics: &[Diagnostic], project: &schemals_ide::Project) -> String {
    let items: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            let (start, end) = match project.find(&d.path) {
                Some(file) => (
                    file.lines.line_col(&file.text, d.range.start),
                    file.lines.line_col(&file.text, d.range.end),
                ),
                None => {
                    let lines = LineIndex::new("");
                    (lines.line_col("", 0), lines.line_col("", 0))
                }
            };
            serde_json::json!({
                "path": d.path.display().to_string(),
                "range": {
                    "start": {"line": start.line, "character": start.character},
                    "end": {"line": end.line, "character": end.character},
                },
                "severity": d.severity.as_str(),
                "code": d.code,
                "message": d.message,
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into());
    text.push('\n');
    text
}

/// `schemals introspect [DIR]`.
pub fn introspect(args: &[String]) -> ExitCode {
    let options = match parse_options(args, &["--database-url", "--out"]) {
        Ok(o) => o,
        Err(e) => return usage_error(&e),
    };
    let root = options.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let (project, model) = host::load_from_disk(&root);
    let hints = host::database_hints(&project, &model);
    let (url, source) = match &options.database_url {
        Some(url) => (url.clone(), "--database-url".to_owned()),
        None => match host::database_url_from_environment(&root, &hints) {
            Some(found) => found,
            None => {
                let names = if hints.secret_names.is_empty() {
                    "SQL_CONNECTION_STRING".to_owned()
                } else {
                    hints.secret_names.join(" or ")
                };
                return usage_error(&format!(
                    "no database to introspect: give --database-url URL, or set {names} (environment or .env)"
                ));
            }
        },
    };
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| host::default_snapshot_path(&root, &hints));
    let started = std::time::Instant::now();
    match introspect_live(&url) {
        Ok(mut catalog) => {
            match describe_statements(&url, &project, &model, &mut catalog) {
                Ok(Some(report)) => eprintln!("{report}"),
                Ok(None) => {}
                Err(e) => eprintln!("schemals: {e}"),
            }
            if let Err(e) = catalog.write_snapshot(&out) {
                eprintln!("schemals: cannot write {}: {e}", out.display());
                return ExitCode::from(2);
            }
            eprintln!(
                "wrote {} ({} tables, {} enums, {} functions) from the database of {source} in {} ms",
                out.display(),
                catalog.tables.len(),
                catalog.enums.len(),
                catalog.functions.len(),
                started.elapsed().as_millis()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("schemals: {e}");
            ExitCode::from(2)
        }
    }
}

/// Has the database describe every SQL statement of the project (prepared, never run) and keeps
/// the descriptions in the catalog, so the result-shape checks use the database's own types and
/// report the statements it refuses. A failure costs the descriptions only: the error is returned
/// for a note. `Ok(None)` when the project has no SQL.
fn describe_statements(
    url: &str,
    project: &schemals_ide::Project,
    model: &schemals_syntax::model::SchemaModel,
    catalog: &mut Catalog,
) -> Result<Option<String>, String> {
    let statements = schemals_ide::project_statements(project, model);
    if statements.is_empty() {
        return Ok(None);
    }
    let rt = runtime().ok_or("cannot start the async runtime")?;
    let descriptions = rt
        .block_on(live::describe(
            url,
            &IntrospectOptions::default(),
            &statements,
        ))
        .map_err(|e| format!("SQL statements not described: {e}"))?;
    let refused = descriptions.iter().filter(|d| d.error.is_some()).count();
    let report = format!(
        "described {} SQL statements ({refused} refused by the database)",
        descriptions.len()
    );
    catalog.statements = descriptions;
    catalog.normalize();
    Ok(Some(report))
}

/// `schemals dump-model [DIR]`: prints the schema model as schemals reads it (for debugging).
pub fn dump_model(args: &[String]) -> ExitCode {
    let root = args
        .first()
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    let (project, model) = host::load_from_disk(&root);
    let mut out = String::new();
    for file in project.files() {
        out.push_str(&format!("file {}\n", file.path.display()));
    }
    out.push_str(&schemals_syntax::dump::dump(&model));
    write_stdout(&out);
    ExitCode::SUCCESS
}

/// `schemals generate [DIR]`: writes `schema.sql.ts` from the live database, as Amplify's
/// `ampx generate schema-from-database` does, without AWS.
pub fn generate(args: &[String]) -> ExitCode {
    let options = match parse_options(
        args,
        &[
            "--database-url",
            "--out",
            "--connection-uri-secret",
            "--ssl-cert-secret",
            "--schema",
        ],
    ) {
        Ok(o) => o,
        Err(e) => return usage_error(&e),
    };
    let root = options.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let (project, model) = host::load_from_disk(&root);
    let hints = host::database_hints(&project, &model);
    let Some((url, source)) = database_url(&root, &options, &hints) else {
        return usage_error(&no_database_message(&hints));
    };
    let out = options.out.clone().unwrap_or_else(|| {
        hints
            .generated_dirs
            .first()
            .cloned()
            .unwrap_or_else(|| root.join("amplify").join("data"))
            .join("schema.sql.ts")
    });
    let target = match live::ConnectionTarget::parse(&url) {
        Ok(target) => target,
        Err(e) => {
            eprintln!("schemals: {e}");
            return ExitCode::from(1);
        }
    };
    let catalog = match introspect_live(&url) {
        Ok(catalog) => catalog,
        Err(e) => {
            eprintln!("schemals: {e}\nschemals: {} was not changed", out.display());
            return ExitCode::from(1);
        }
    };
    // The secret names: as given, else those of the file being replaced, else Amplify's usual one.
    let connection_uri_secret = options
        .connection_uri_secret
        .clone()
        .or_else(|| hints.secret_names.first().cloned())
        .unwrap_or_else(|| "SQL_CONNECTION_STRING".to_owned());
    let synthesis_options = schemals_ide::SynthesisOptions {
        identifier: schemals_ide::amplify_identifier(
            &target.host,
            target.engine,
            &target.database,
            target.port,
        ),
        connection_uri_secret: Some(connection_uri_secret),
        ssl_cert_secret: options.ssl_cert_secret.clone(),
        extra_schemas: options.schemas.clone(),
    };
    let synthesis = match schemals_ide::synthesize(&catalog, &synthesis_options) {
        Ok(s) => s,
        Err(e) => {
            if let schemals_ide::SynthesisError::NoPrimaryKey { skipped } = &e {
                eprintln!("{}", skipped_note(skipped));
            }
            eprintln!(
                "schemals: {e} (database of {source}: {target})\nschemals: {} was not changed",
                out.display()
            );
            return ExitCode::from(1);
        }
    };
    if !synthesis.skipped.is_empty() {
        eprintln!("{}", skipped_note(&synthesis.skipped));
    }
    if let Err(e) = write_atomically(&out, &synthesis.text) {
        eprintln!("schemals: cannot write {}: {e}", out.display());
        return ExitCode::from(1);
    }
    eprintln!(
        "wrote {} from the database of {source} ({target})",
        out.display()
    );
    ExitCode::SUCCESS
}

fn skipped_note(skipped: &[schemals_ide::synthesize::SkippedTable]) -> String {
    use schemals_ide::synthesize::SkipReason;
    let list = |reason: SkipReason| {
        skipped
            .iter()
            .filter(|t| t.reason == reason)
            .map(|t| {
                let kind = match t.kind {
                    schemals_catalog::TableKind::View => " (view)",
                    _ => "",
                };
                format!("{}{kind}", t.name)
            })
            .collect::<Vec<_>>()
    };
    let mut lines = Vec::new();
    let no_key = list(SkipReason::NoPrimaryKey);
    if !no_key.is_empty() {
        lines.push(format!(
            "note: skipped {} without a primary key (Amplify needs one for a model): {}",
            if no_key.len() == 1 {
                "1 table".to_owned()
            } else {
                format!("{} tables", no_key.len())
            },
            no_key.join(", ")
        ));
    }
    let taken = list(SkipReason::NameTaken);
    if !taken.is_empty() {
        lines.push(format!(
            "note: skipped tables whose name an earlier schema already took: {}",
            taken.join(", ")
        ));
    }
    lines.join("\n")
}

/// Writes `text` to `path` through a temporary file in the same folder and a rename, so a failure
/// never leaves a half-written file.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "schema.sql.ts".to_owned());
    let temp = dir.join(format!(".{file_name}.schemals-{}.tmp", std::process::id()));
    std::fs::write(&temp, text)?;
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

/// The database URL: `--database-url`, or the variable named by the configure block's secret (or
/// that name in `.env`), with where it came from.
fn database_url(
    root: &Path,
    options: &Options,
    hints: &host::DatabaseHints,
) -> Option<(String, String)> {
    match &options.database_url {
        Some(url) => Some((url.clone(), "--database-url".to_owned())),
        None => host::database_url_from_environment(root, hints),
    }
}

fn no_database_message(hints: &host::DatabaseHints) -> String {
    let names = if hints.secret_names.is_empty() {
        "SQL_CONNECTION_STRING".to_owned()
    } else {
        hints.secret_names.join(" or ")
    };
    format!("no database: give --database-url URL, or set {names} (environment or .env)")
}

/// `check --live`: the live catalog when the committed snapshot agrees with it; otherwise prints
/// what changed and returns exit status 1 (2 when the database or the snapshot cannot be read).
fn live_catalog_if_snapshot_fresh(
    root: &Path,
    options: &Options,
    hints: &host::DatabaseHints,
) -> Result<Chosen, ExitCode> {
    let Some((url, source)) = database_url(root, options, hints) else {
        return Err(usage_error(&format!(
            "--live {}",
            no_database_message(hints)
        )));
    };
    let snapshot_path = options
        .catalog
        .clone()
        .unwrap_or_else(|| host::default_snapshot_path(root, hints));
    let snapshot = match host::read_snapshot(&snapshot_path) {
        Ok(Some(snapshot)) => snapshot,
        Ok(None) => {
            eprintln!(
                "schemals: no catalog snapshot at {}; run `schemals introspect` to write it",
                snapshot_path.display()
            );
            return Err(ExitCode::from(1));
        }
        Err(e) => {
            eprintln!("schemals: {e}");
            return Err(ExitCode::from(2));
        }
    };
    let live = match introspect_live(&url) {
        Ok(catalog) => catalog,
        Err(e) => {
            eprintln!("schemals: {e}");
            return Err(ExitCode::from(2));
        }
    };
    let changes = schemals_ide::catalog_changes(&snapshot, &live);
    if changes.is_empty() {
        return Ok(Chosen {
            catalog: live,
            live_url: Some(url),
        });
    }
    let mut report = format!(
        "the catalog snapshot {} is stale: the database of {source} ({}) differs:\n",
        relative(&snapshot_path, root).display(),
        live::redact(&url)
    );
    for change in &changes {
        report.push_str(&format!("  {change}\n"));
    }
    report.push_str("Run `schemals introspect` to refresh the snapshot, and commit it.\n");
    write_stdout(&report);
    Err(ExitCode::from(1))
}

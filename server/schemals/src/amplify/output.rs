//! Reading what `ampx` prints: the phase it is in, and its failures, mapped back to the schema
//! files where a failure names something schemals knows (a file and line, a model or field, the
//! connection secret). Pure functions of text and a snapshot.

use std::path::{Path, PathBuf};

use schemals_ide::{Diagnostic, LineCol, Project, Severity};
use schemals_syntax::model::{Database, Field, Name, SchemaModel, Span, TypeDef};

/// Where Amplify is, as its (non-TTY) output says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    TypeChecking,
    Synthesizing,
    Publishing,
    Deploying,
    /// A deployment finished (`✔ Deployment completed in N seconds`).
    Deployed,
    /// Watch mode is waiting for the next save.
    Watching,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::TypeChecking => "type checking",
            Phase::Synthesizing => "synthesizing",
            Phase::Publishing => "publishing assets",
            Phase::Deploying => "deploying",
            Phase::Deployed => "deployed",
            Phase::Watching => "watching for changes",
        }
    }

    /// A rough share of the work done, for the progress bar.
    pub fn percentage(self) -> u32 {
        match self {
            Phase::TypeChecking => 10,
            Phase::Synthesizing => 25,
            Phase::Publishing => 45,
            Phase::Deploying => 60,
            Phase::Deployed | Phase::Watching => 100,
        }
    }
}

/// Drops ANSI escapes and the `10:40:22 AM ` time stamp Amplify puts before its log lines.
pub fn clean_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                // A CSI sequence ends at its first byte in @..~.
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            continue;
        }
        if c != '\r' {
            out.push(c);
        }
    }
    strip_time_stamp(&out).to_owned()
}

fn strip_time_stamp(line: &str) -> &str {
    let bytes = line.as_bytes();
    let digits = |from: usize, to: usize| {
        bytes
            .get(from..to)
            .is_some_and(|b| b.iter().all(u8::is_ascii_digit))
    };
    // h:mm:ss or hh:mm:ss, then an optional AM/PM, then a space.
    for hour_len in [1, 2] {
        let colon = hour_len;
        if digits(0, hour_len)
            && bytes.get(colon) == Some(&b':')
            && digits(colon + 1, colon + 3)
            && bytes.get(colon + 3) == Some(&b':')
            && digits(colon + 4, colon + 6)
        {
            let rest = line.get(colon + 6..).unwrap_or("");
            let rest = rest
                .strip_prefix(" AM")
                .or_else(|| rest.strip_prefix(" PM"))
                .unwrap_or(rest);
            if let Some(rest) = rest.strip_prefix(' ') {
                return rest;
            }
        }
    }
    line
}

/// The phase a cleaned output line announces, if any.
pub fn phase_of(line: &str) -> Option<Phase> {
    let line = line.trim().trim_start_matches('✔').trim_start();
    if line.starts_with("Running type checks") {
        Some(Phase::TypeChecking)
    } else if line.starts_with("Synthesizing backend") {
        Some(Phase::Synthesizing)
    } else if line.starts_with("Building and publishing assets") {
        Some(Phase::Publishing)
    } else if line.starts_with("Deployment in progress") || line.starts_with("Deploying ") {
        Some(Phase::Deploying)
    } else if line.starts_with("Deployment completed in") {
        Some(Phase::Deployed)
    } else if line.starts_with("[Sandbox] Watching for file changes") {
        Some(Phase::Watching)
    } else {
        None
    }
}

/// Whether a line starts a new deployment in watch mode (its old failures no longer stand).
pub fn starts_cycle(line: &str) -> bool {
    let line = line.trim();
    line.starts_with("[Sandbox] Triggered due to a file")
        || line.starts_with("[Sandbox] Detected file changes")
}

/// What a failed run printed, read as one error with its causes, plus what names the schema.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Failure {
    /// `[Name] message` of the outer error, and of each `∟ Caused by:`.
    pub errors: Vec<(String, String)>,
    pub resolution: Option<String>,
    /// Problems that point at a place: TypeScript errors, schema messages, the secret.
    pub located: Vec<Located>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub target: Target,
    pub code: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A file and a 1-based line and column, as TypeScript prints them.
    File {
        path: String,
        line: u32,
        column: u32,
    },
    /// A type, model or operation of the schema, and maybe one of its fields.
    Schema { name: String, field: Option<String> },
    /// A field known only by name: mapped when one field of the schema has that name.
    Field { name: String },
    /// The `secret('NAME')` of the SQL schema.
    Secret { name: String },
}

/// Reads a run's whole output (cleaned lines).
pub fn parse_failure(lines: &[String]) -> Failure {
    let mut failure = Failure::default();
    for line in lines {
        let trimmed = line.trim();
        if let Some((name, message)) = error_header(trimmed) {
            failure.errors.push((name, message));
        } else if let Some(rest) = trimmed.strip_prefix("∟ Caused by: ")
            && !failure.errors.is_empty()
        {
            match error_header(rest) {
                Some(header) => failure.errors.push(header),
                None => failure.errors.push((String::new(), rest.to_owned())),
            }
        } else if let Some(resolution) = trimmed.strip_prefix("Resolution: ") {
            failure.resolution = Some(resolution.to_owned());
        }
        if let Some(located) = typescript_error(trimmed) {
            failure.located.push(located);
        }
        for located in schema_messages(trimmed) {
            if !failure.located.contains(&located) {
                failure.located.push(located);
            }
        }
    }
    failure
}

impl Failure {
    /// One readable sentence for the editor's message.
    pub fn summary(&self) -> Option<String> {
        let (name, message) = self.errors.first()?;
        let mut out = if name.is_empty() {
            message.clone()
        } else {
            format!("{message} ({name})")
        };
        for (cause_name, cause) in self.errors.iter().skip(1) {
            if cause != message {
                out.push_str(": ");
                out.push_str(cause);
                if !cause_name.is_empty() {
                    out.push_str(&format!(" ({cause_name})"));
                }
            }
        }
        if let Some(resolution) = &self.resolution {
            out.push_str(". ");
            out.push_str(resolution);
        }
        Some(out)
    }
}

/// `[SomeError] message`: Amplify's way of printing an error.
fn error_header(line: &str) -> Option<(String, String)> {
    let rest = line.strip_prefix('[')?;
    let (name, message) = rest.split_once("] ")?;
    let is_name = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        // Not `[Sandbox] ...`, which is progress.
        && ["Error", "Fault", "Exception"]
            .iter()
            .any(|suffix| name.ends_with(suffix));
    is_name.then(|| (name.to_owned(), message.trim().to_owned()))
}

/// `path(12,5): error TS2322: message` or `path:12:5 - error TS2322: message`.
fn typescript_error(line: &str) -> Option<Located> {
    let at = line
        .find(": error TS")
        .or_else(|| line.find(" - error TS"))?;
    let location = line.get(..at)?;
    let after = line.get(at..)?;
    // After `error TSnnnn: ` comes the message.
    let code_at = after.find("error TS")?;
    let message = after.get(code_at..)?.split_once(": ")?.1;
    let (path, line_number, column) = if let Some(open) = location.rfind('(') {
        let inner = location.get(open + 1..)?.strip_suffix(')')?;
        let (l, c) = inner.split_once(',')?;
        (location.get(..open)?, l.parse().ok()?, c.parse().ok()?)
    } else {
        let mut parts = location.rsplitn(3, ':');
        let c = parts.next()?.parse().ok()?;
        let l = parts.next()?.parse().ok()?;
        (parts.next()?, l, c)
    };
    Some(Located {
        target: Target::File {
            path: path.trim().to_owned(),
            line: line_number,
            column,
        },
        code: "ampx-typescript",
        message: message.trim().to_owned(),
    })
}

/// Matches `text` against a template whose `{}` holes stand for names, returning the names.
fn holes(text: &str, template: &str) -> Option<Vec<String>> {
    let pieces: Vec<&str> = template.split("{}").collect();
    let first = pieces.first()?;
    let mut at = text.find(first)? + first.len();
    let mut found = Vec::new();
    for piece in pieces.iter().skip(1) {
        let rest = text.get(at..)?;
        let end = if piece.is_empty() {
            rest.find(|c: char| c.is_whitespace() || c == '.' || c == ',' || c == ':')
                .unwrap_or(rest.len())
        } else {
            rest.find(piece)?
        };
        let name = rest.get(..end)?;
        if name.is_empty() || name.contains(char::is_whitespace) {
            return None;
        }
        found.push(name.to_owned());
        at += end + piece.len();
    }
    Some(found)
}

/// What a hole names: the schema entry, a field of it, or a field by name alone.
#[derive(Clone, Copy)]
enum Shape {
    /// Hole 0 is an entry.
    Entry,
    /// Hole 0 is an entry, hole 1 its field.
    EntryField,
    /// Hole 0 is a field, hole 1 its entry.
    FieldEntry,
    /// Hole 1 is an entry (hole 0 is something else).
    SecondEntry,
    /// Hole 0 is a field name alone.
    FieldName,
    /// Hole 0 is the connection secret.
    Secret,
}

/// Transform and deploy messages (dsl.md §3.3, §3.4) that name something in the schema.
const SCHEMA_MESSAGES: &[(&str, Shape)] = &[
    ("Invalid ref. {} is referring to", Shape::Entry),
    ("Field `{}` of `{}` refers to", Shape::FieldEntry),
    ("for argument '{}' in '{}'", Shape::SecondEntry),
    ("Custom operation {} requires both", Shape::Entry),
    (
        "Field handlers must be of the same type. {} has been",
        Shape::Entry,
    ),
    (
        "must include a return type. {} has no return type",
        Shape::Entry,
    ),
    ("{} is missing a mutation source.", Shape::Entry),
    ("Values of the enum type {} should not", Shape::Entry),
    ("Model `{}` is missing authorization rules", Shape::Entry),
    (
        "relationship definition in {} for {}.{}:",
        Shape::SecondEntry,
    ),
    ("@auth on {} cannot specify", Shape::Entry),
    ("Check type \"{}\" and field \"{}\"", Shape::SecondEntry),
    ("SQL model \"{}\" must contain a primary key", Shape::Entry),
    ("directive on {}.{}.", Shape::EntryField),
    (
        "Could not find custom SQL strategy for {}.{}",
        Shape::SecondEntry,
    ),
    ("Enum value \"{}\" of {} is not", Shape::SecondEntry),
    ("Field {} isn't defined.", Shape::FieldName),
    ("Field {} defined twice", Shape::FieldName),
    ("Implicit field {} conflicts", Shape::FieldName),
    (
        "Invalid field definition for {}. DB-generated",
        Shape::FieldName,
    ),
    ("in field {} cannot be configured", Shape::FieldName),
    ("Identifiers must reference required", Shape::FieldName),
    ("Failed to retrieve backend secret {} for", Shape::Secret),
    (
        "The secret {} specified in the backend does not exist",
        Shape::Secret,
    ),
];

fn schema_messages(line: &str) -> Vec<Located> {
    let mut out = Vec::new();
    for (template, shape) in SCHEMA_MESSAGES {
        // The identifier message names its field earlier in the sentence.
        let found = if template.starts_with("Identifiers must") {
            line.contains(template)
                .then(|| holes(line, "Field {} cannot be used in the identifier"))
                .flatten()
        } else {
            holes(line, template)
        };
        let Some(names) = found else {
            continue;
        };
        let name = |i: usize| names.get(i).cloned().unwrap_or_default();
        let target = match shape {
            Shape::Entry => Target::Schema {
                name: name(0),
                field: None,
            },
            Shape::EntryField => Target::Schema {
                name: name(0),
                field: Some(name(1)),
            },
            Shape::FieldEntry => Target::Schema {
                name: name(1),
                field: Some(name(0)),
            },
            Shape::SecondEntry => {
                let field = if template.starts_with("relationship definition") {
                    Some(name(2))
                } else {
                    None
                };
                Target::Schema {
                    name: name(1),
                    field,
                }
            }
            Shape::FieldName => Target::Field { name: name(0) },
            Shape::Secret => Target::Secret { name: name(0) },
        };
        let code = match shape {
            Shape::Secret => "ampx-missing-secret",
            _ => "ampx-schema-error",
        };
        out.push(Located {
            target,
            code,
            message: message_from(line),
        });
    }
    out
}

/// The message part of an output line, without an `[ErrorName]` or `∟ Caused by:` prefix.
fn message_from(line: &str) -> String {
    let line = line.trim();
    let line = line.strip_prefix("∟ Caused by: ").unwrap_or(line);
    match error_header(line) {
        Some((_, message)) => message,
        None => line.to_owned(),
    }
}

/// Maps the located problems of a failure to diagnostics on the project's files; what cannot be
/// placed is left out (it is in the message).
pub fn diagnostics(failure: &Failure, project: &Project, model: &SchemaModel) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    for located in &failure.located {
        let Some((path, range)) = place(&located.target, project, model) else {
            continue;
        };
        let diagnostic = Diagnostic {
            path,
            range,
            severity: Severity::Error,
            code: located.code,
            message: located.message.clone(),
        };
        if !out.contains(&diagnostic) {
            out.push(diagnostic);
        }
    }
    out
}

fn span_place(project: &Project, span: &Span) -> Option<(PathBuf, std::ops::Range<usize>)> {
    let file = project.files().get(span.file.0 as usize)?;
    Some((file.path.clone(), span.range.clone()))
}

fn place(
    target: &Target,
    project: &Project,
    model: &SchemaModel,
) -> Option<(PathBuf, std::ops::Range<usize>)> {
    match target {
        Target::File { path, line, column } => {
            let path = Path::new(path);
            let path = if path.is_absolute() {
                path.to_path_buf()
            } else {
                project.root.join(path)
            };
            let file = project.find(&path)?;
            let position = LineCol {
                line: line.checked_sub(1)?,
                character: column.saturating_sub(1),
            };
            let start = file.lines.offset(&file.text, position);
            // Mark the word at the position, or one character.
            let rest = file.text.get(start..)?;
            let word = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .unwrap_or(rest.len());
            let end = if word > 0 {
                start + word
            } else {
                start + rest.chars().next().map_or(0, char::len_utf8)
            };
            Some((file.path.clone(), start..end))
        }
        Target::Schema { name, field } => {
            let mut matches = model
                .schemas
                .iter()
                .flat_map(|s| s.entries.iter())
                .filter(|e| e.name.text == *name);
            let entry = matches.next()?;
            if matches.next().is_some() {
                return None;
            }
            let field_name = field.as_deref().and_then(|f| {
                let fields: &[Field] = match &entry.def {
                    TypeDef::Model(id) => &model.models.get(id.0)?.fields,
                    TypeDef::CustomType(t) => &t.fields,
                    TypeDef::Operation(op) => op.arguments.as_deref().unwrap_or(&[]),
                    _ => &[],
                };
                fields.iter().find(|x| x.name.text == f).map(|x| &x.name)
            });
            span_place(project, &field_name.unwrap_or(&entry.name).span)
        }
        Target::Field { name } => {
            let mut fields = model
                .models
                .iter()
                .flat_map(|m| m.fields.iter())
                .filter(|f| f.name.text == *name);
            let field = fields.next()?;
            if fields.next().is_some() {
                return None;
            }
            span_place(project, &field.name.span)
        }
        Target::Secret { name } => {
            let secret: Option<&Name> = model.schemas.iter().find_map(|s| match &s.database {
                Database::Sql(sql) => sql
                    .connection_secret
                    .as_ref()
                    .filter(|secret| secret.text == *name),
                Database::DynamoDb => None,
            });
            span_place(project, &secret?.span)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaned(text: &str) -> Vec<String> {
        text.lines().map(clean_line).collect()
    }

    #[test]
    fn cleans_time_stamps_and_colours() {
        assert_eq!(
            clean_line("10:40:22 AM \u{1b}[32m✔\u{1b}[39m Backend synthesized in 1.5 seconds"),
            "✔ Backend synthesized in 1.5 seconds"
        );
        assert_eq!(
            clean_line("23:01:02 Synthesizing backend..."),
            "Synthesizing backend..."
        );
        assert_eq!(clean_line("1:2 not a stamp"), "1:2 not a stamp");
    }

    #[test]
    fn reads_phases() {
        let phases: Vec<Option<Phase>> = [
            "Running type checks...",
            "Synthesizing backend...",
            "✔ Backend synthesized in 1.91 seconds",
            "Building and publishing assets...",
            "Deployment in progress...",
            "✔ Deployment completed in 40.3 seconds",
            "[Sandbox] Watching for file changes...",
        ]
        .iter()
        .map(|l| phase_of(l))
        .collect();
        assert_eq!(
            phases,
            [
                Some(Phase::TypeChecking),
                Some(Phase::Synthesizing),
                None,
                Some(Phase::Publishing),
                Some(Phase::Deploying),
                Some(Phase::Deployed),
                Some(Phase::Watching),
            ]
        );
    }

    #[test]
    fn reads_the_missing_credentials_failure() {
        let failure = parse_failure(&cleaned(
            "ampx sandbox\n\n[InvalidCredentialError] Failed to load default AWS credentials\n  \
             ∟ Caused by: [CredentialsProviderError] Could not load credentials from any providers\n\
             Resolution: To configure a new Amplify profile, use npx ampx configure profile.\n",
        ));
        assert_eq!(
            failure.summary().as_deref(),
            Some(
                "Failed to load default AWS credentials (InvalidCredentialError): Could not load \
                 credentials from any providers (CredentialsProviderError). To configure a new \
                 Amplify profile, use npx ampx configure profile."
            )
        );
        assert!(failure.located.is_empty());
    }

    #[test]
    fn reads_typescript_errors_in_both_formats() {
        let failure = parse_failure(&cleaned(
            "amplify/data/resource.ts(4,7): error TS2322: Type 'number' is not assignable to type 'string'.\n\
             amplify/backend.ts:2:10 - error TS2305: Module './auth/resource' has no exported member 'auht'.",
        ));
        assert_eq!(
            failure.located,
            [
                Located {
                    target: Target::File {
                        path: "amplify/data/resource.ts".to_owned(),
                        line: 4,
                        column: 7
                    },
                    code: "ampx-typescript",
                    message: "Type 'number' is not assignable to type 'string'.".to_owned(),
                },
                Located {
                    target: Target::File {
                        path: "amplify/backend.ts".to_owned(),
                        line: 2,
                        column: 10
                    },
                    code: "ampx-typescript",
                    message: "Module './auth/resource' has no exported member 'auht'.".to_owned(),
                },
            ]
        );
    }

    #[test]
    fn reads_schema_messages() {
        let failure = parse_failure(&cleaned(
            "[AmplifyDataConstructInitializationError] Failed to instantiate data construct\n  \
             ∟ Caused by: [Error] @auth on notes cannot specify 'sync' operation as it is not supported for SQL data sources\n\
             Error processing @hasMany directive on notes.evs. @belongsTo directive with references [\"id\"] was not found in connected model events\n\
             [SecretNotSetError] The secret SQL_CONNECTION_STRING specified in the backend does not exist.",
        ));
        let targets: Vec<&Target> = failure.located.iter().map(|l| &l.target).collect();
        assert_eq!(
            targets,
            [
                &Target::Schema {
                    name: "notes".to_owned(),
                    field: None
                },
                &Target::Schema {
                    name: "notes".to_owned(),
                    field: Some("evs".to_owned())
                },
                &Target::Secret {
                    name: "SQL_CONNECTION_STRING".to_owned()
                },
            ]
        );
        assert_eq!(
            failure.located[0].message,
            "@auth on notes cannot specify 'sync' operation as it is not supported for SQL data sources"
        );
    }

    /// The announcement example: a renamed SQL model, a connection secret, unique and shared
    /// field names.
    fn announcement() -> (Project, std::sync::Arc<SchemaModel>) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/announcement");
        let root = root.canonicalize().expect("examples/announcement");
        crate::host::load_from_disk(&root)
    }

    /// (file name, marked text) of each diagnostic of `output`.
    fn marked(output: &str) -> Vec<(String, String, &'static str)> {
        let (project, model) = announcement();
        let failure = parse_failure(&cleaned(output));
        diagnostics(&failure, &project, &model)
            .into_iter()
            .map(|d| {
                let file = project.find(&d.path).expect("file");
                let name = d.path.file_name().unwrap_or_default().to_string_lossy();
                let text = file.text.get(d.range.clone()).unwrap_or("?").to_owned();
                let line = file.lines.line_of(d.range.start) + 1;
                (format!("{name}:{line}"), text, d.code)
            })
            .collect()
    }

    #[test]
    fn places_names_on_the_schema_and_stays_quiet_when_unsure() {
        let found = marked(
            "[SecretNotSetError] The secret SQL_CONNECTION_STRING specified in the backend does not exist.\n\
             @auth on Note cannot specify 'sync' operation as it is not supported for SQL data sources\n\
             Error processing @hasMany directive on Note.content. @belongsTo directive was not found\n\
             Invalid field definition for geom. DB-generated fields are only supported with PostgreSQL data sources.\n\
             Field id defined twice with conflicting definitions.\n\
             Invalid ref. Nope is referring to Missing which is not defined in the schema\n\
             amplify/data/resource.ts(999,1): error TS1005: ';' expected.\n\
             amplify/elsewhere.ts(1,1): error TS1005: ';' expected.",
        );
        let expected: Vec<(String, String, &str)> = vec![
            (
                "schema.sql.ts:11".into(),
                "SQL_CONNECTION_STRING".into(),
                "ampx-missing-secret",
            ),
            // The renamed model, where its new name is written.
            ("resource.ts:6".into(), "Note".into(), "ampx-schema-error"),
            (
                "schema.sql.ts:23".into(),
                "content".into(),
                "ampx-schema-error",
            ),
            (
                "schema.sql.ts:17".into(),
                "geom".into(),
                "ampx-schema-error",
            ),
            // `id` is a field of two models, `Nope` of none: nothing is marked for them. A line
            // past the end of the file marks its end; an unknown file, nothing.
            ("resource.ts:35".into(), String::new(), "ampx-typescript"),
        ];
        assert_eq!(found, expected);
    }

    #[test]
    fn odd_output_never_panics() {
        for line in [
            "[Sandbox] Watching for file changes...",
            "[",
            "[] x",
            "(1,: error TS",
            ":::: - error TS1: x",
            "Field  isn't defined.",
            "∟ Caused by: ",
        ] {
            assert_eq!(parse_failure(&[line.to_owned()]).summary(), None, "{line}");
            let _ = clean_line(line);
        }
        let _ = clean_line("\u{1b}[");
    }
}

//! Reads the schema model out of TypeScript syntax trees by evaluating the small part of
//! JavaScript the Amplify DSL uses: imports and exports, `const` bindings, object and array
//! literals, strings and their concatenation, arrow-function callbacks, and calls on the `a`,
//! `configure` and `secret` bindings. Builders mutate shared state in Amplify, so schemas and
//! models live in arenas and chain methods mutate them in source order, as module evaluation does.
//!
//! Whatever is not followed evaluates to [`Value::Unknown`], which makes the containing set
//! incomplete, so analyses stay quiet instead of guessing.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::{Node, Tree};

use crate::field;
use crate::model::*;
use crate::shift::Spans;
use crate::source_map::MappedText;
use crate::text::TextRange;

mod entry_memo;

use entry_memo::Callback;

/// The files the evaluator may read, parsed. Implemented over the disk by the CLI and over open
/// documents by the language server.
pub trait Sources {
    fn text(&self, file: FileId) -> &str;
    fn tree(&self, file: FileId) -> Option<&Tree>;
    fn path(&self, file: FileId) -> &Path;
    /// The project file a relative import specifier names, trying TypeScript's extensions.
    fn resolve_import(&self, from: FileId, specifier: &str) -> Option<FileId>;
    /// The module specifiers of the file's top-level imports and re-exports.
    fn import_specifiers(&self, file: FileId) -> Vec<String> {
        self.tree(file)
            .map(|tree| crate::import_specifiers(tree, self.text(file)))
            .unwrap_or_default()
    }
}

/// Evaluates `roots` (and whatever they import) and returns the model they build.
pub fn evaluate(sources: &dyn Sources, roots: &[FileId]) -> SchemaModel {
    evaluate_with(sources, roots, None)
}

/// [`evaluate`], starting from the state `memo` kept of an earlier evaluation where it still
/// applies, and keeping the state of this one for the next.
///
/// What is kept is the state right after the first module evaluated on a blank model, when that
/// module imports no project file (the generated `schema.sql.ts` imported by `resource.ts`): its
/// result depends on nothing but its own text, so an edit elsewhere does not evaluate its
/// thousands of models again.
pub fn evaluate_memoized(sources: &dyn Sources, roots: &[FileId], memo: &EvalMemo) -> SchemaModel {
    evaluate_with(sources, roots, Some(memo))
}

/// Evaluates `file` alone and keeps the result in `memo` for the evaluation of the whole project,
/// when the file imports nothing relative (the generated `schema.sql.ts`): the host runs this on
/// the thread that parsed the file while the other files are still being parsed. Its result is
/// that of the file evaluated as the project's first module (imports are evaluated at depth 0),
/// and [`evaluate_memoized`] takes it only where that holds.
pub fn evaluate_ahead(sources: &dyn Sources, file: FileId, memo: &EvalMemo) {
    let imports_relative = sources
        .import_specifiers(file)
        .iter()
        .any(|spec| spec.starts_with('.'));
    if !imports_relative && !memo.keeps(sources.path(file), sources.text(file)) {
        evaluate_alone(sources, file, memo);
    }
}

fn evaluate_with(sources: &dyn Sources, roots: &[FileId], memo: Option<&EvalMemo>) -> SchemaModel {
    let mut evaluator = evaluator(sources, memo);
    for &root in roots {
        evaluator.module(root);
    }
    if let Some(memo) = memo {
        let entry_paths = evaluator.entry_files.iter().map(|&f| sources.path(f));
        memo.entries
            .end_run(entry_paths, evaluator.entries_replayed);
        // Files no longer in the project (roots are all of them) are not kept any longer.
        let paths: HashSet<&Path> = roots.iter().map(|&root| sources.path(root)).collect();
        memo.kept().retain(|path, _| paths.contains(path.as_path()));
        memo.unsettled
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|path, _| paths.contains(path.as_path()));
    }
    evaluator.model
}

/// [`evaluate_with`] of one file, keeping what the memo keeps of other files.
fn evaluate_alone(sources: &dyn Sources, file: FileId, memo: &EvalMemo) {
    let mut evaluator = evaluator(sources, Some(memo));
    evaluator.module(file);
    let entry_paths = evaluator.entry_files.iter().map(|&f| sources.path(f));
    memo.entries
        .end_run(entry_paths, evaluator.entries_replayed);
}

fn evaluator<'s>(sources: &'s dyn Sources, memo: Option<&'s EvalMemo>) -> Evaluator<'s> {
    Evaluator {
        sources,
        model: SchemaModel::default(),
        modules: HashMap::new(),
        scopes: Vec::new(),
        file: FileId(0),
        depth: 0,
        entry_positions: HashMap::new(),
        memo,
        entry_files: HashSet::new(),
        entries_replayed: 0,
        memo_trail: None,
        reports_dropped: 0,
    }
}

/// The state of an evaluation after each module evaluated on a blank model that imports no
/// project file, kept for the next (see [`evaluate_memoized`]). One per project. By path: a
/// project's `auth/resource.ts` is such a module too, evaluated before `data/schema.sql.ts`.
#[derive(Default)]
pub struct EvalMemo {
    kept: std::sync::Mutex<HashMap<PathBuf, Arc<Kept>>>,
    /// By file, a fingerprint of the text last evaluated and not kept (see `Evaluator::keep`).
    unsettled: std::sync::Mutex<HashMap<PathBuf, u64>>,
    hasher: foldhash::quality::RandomState,
    entries: entry_memo::EntryMemo,
}

impl std::fmt::Debug for EvalMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvalMemo").finish_non_exhaustive()
    }
}

/// The evaluation [`EvalMemo::saved`] gives out to be saved: a handle on the kept state,
/// serialized only when asked (a caller first checks whether it saved this one already).
pub struct SavedEvaluation {
    kept: Arc<Kept>,
}

impl SavedEvaluation {
    /// The evaluated file.
    pub fn path(&self) -> &Path {
        &self.kept.path
    }

    /// Changes when another evaluation of that file is kept in this session.
    pub fn number(&self) -> u64 {
        self.kept.number
    }

    /// Whether this is the evaluation of `text`.
    pub fn is_of(&self, text: &str) -> bool {
        self.kept.text == text
    }

    /// The bytes [`EvalMemo::restore_saved`] reads; they hold the file's text, which it
    /// compares. `None` if serialization fails, or if they could not be read back: a value
    /// nested deeper than a reader allows (see `crate::nesting`) would be refused on every
    /// restore, and written again every session.
    pub fn to_bytes(&self) -> Option<Vec<u8>> {
        let bytes = postcard::to_stdvec(&*self.kept).ok()?;
        postcard::from_bytes::<Kept>(&bytes).ok()?;
        Some(bytes)
    }
}

/// Everything the evaluation of a module that imports no project file depends on, and its result.
#[derive(serde::Serialize, serde::Deserialize)]
struct Kept {
    file: FileId,
    path: PathBuf,
    text: String,
    depth: usize,
    model: SchemaModel,
    exports: Exports<'static>,
    /// Its number in this session (see [`SavedEvaluation::number`]); not saved.
    #[serde(skip)]
    number: u64,
}

impl Kept {
    /// Whether every id names an item of the kept model and every span lies in the kept file's
    /// text, as in any state the evaluator kept: the analyses index by them without checking, and
    /// a saved file read back may be damaged or crafted (its checksum is not a secret).
    fn is_consistent(&mut self) -> bool {
        let model = &self.model;
        let schema = |id: &SchemaId| id.0 < model.schemas.len();
        let model_id = |id: &ModelId| id.0 < model.models.len();
        let ids_hold = model.schemas.iter().all(|s| {
            s.combine.is_none_or(|c| c < model.combines.len())
                && s.entries.iter().all(|e| match &e.def {
                    TypeDef::Model(id) => model_id(id),
                    _ => true,
                })
        }) && model
            .models
            .iter()
            .all(|m| m.schema.as_ref().is_none_or(schema))
            && model.combines.iter().all(|c| c.schemas.iter().all(schema))
            && model.name_uses.iter().all(|u| match &u.target {
                UseTarget::Model(id) | UseTarget::Field(id, _) | UseTarget::UnknownField(id) => {
                    model_id(id)
                }
                UseTarget::UnknownModel(id) => schema(id),
            })
            && model.models_callbacks.iter().all(|c| schema(&c.schema))
            && self.exports.values().all(|v| v.ids_in(model));
        if !ids_hold {
            return false;
        }
        let (file, text) = (self.file, &self.text);
        let mut spans_hold = true;
        let mut check = |in_file: FileId, range: &mut TextRange| {
            spans_hold &= in_file == file
                && range.start <= range.end
                && text.is_char_boundary(range.start)
                && text.is_char_boundary(range.end);
        };
        self.model.each_span(&mut check);
        for value in self.exports.values_mut() {
            value.each_span(&mut check);
        }
        spans_hold
    }
}

impl EvalMemo {
    /// Whether the evaluation of the file at `path` with `text` is kept: a closed file then
    /// needs no tree until it changes (see `schemals_ide::ProjectFile::without_tree`).
    pub fn keeps(&self, path: &Path, text: &str) -> bool {
        self.kept().get(path).is_some_and(|k| k.text == text)
    }

    /// The largest kept evaluation (the generated schema's), to be saved for a later session;
    /// `None` when nothing is kept. Serialized (see [`SavedEvaluation::to_bytes`]) without
    /// holding the memo's lock.
    pub fn saved(&self) -> Option<SavedEvaluation> {
        let kept = Self::largest(&self.kept())?.clone();
        Some(SavedEvaluation { kept })
    }

    /// Whether the evaluation of `path` with `text` is worth keeping: always when none of it is
    /// kept; when the one kept is of another text, the file is being edited, and keeping each
    /// keystroke's evaluation would copy the whole model for nothing (a twentieth of a keystroke
    /// in a 1,000-model schema.sql.ts): it is kept once the same text is evaluated twice (the
    /// user went on in another file). A fingerprint that collides only keeps one sooner.
    fn settled(&self, path: &Path, text: &str) -> bool {
        let stale = self.kept().get(path).is_some_and(|k| k.text != text);
        let mut unsettled = self.unsettled.lock().unwrap_or_else(|e| e.into_inner());
        if !stale {
            unsettled.remove(path);
            return true;
        }
        let fingerprint = self.hasher.hash_one(text);
        if unsettled.get(path) == Some(&fingerprint) {
            unsettled.remove(path);
            return true;
        }
        unsettled.insert(path.to_path_buf(), fingerprint);
        false
    }

    /// A number for a newly kept evaluation, unique in the process (not per memo: a host that
    /// saves the evaluations of several memos, or of a memo made again, tells them apart by it).
    fn next_number(&self) -> u64 {
        static KEPT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        KEPT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1
    }

    fn largest(kept: &HashMap<PathBuf, Arc<Kept>>) -> Option<&Arc<Kept>> {
        kept.values().max_by_key(|k| (k.text.len(), &k.path))
    }

    /// Keeps the evaluation saved in `bytes` (see [`EvalMemo::saved`]) if it is that of the file
    /// at `path` with `text`. False when it is not, or the bytes hold no evaluation (written by
    /// another version, or damaged): the file is then evaluated as usual.
    pub fn restore_saved(&self, bytes: &[u8], path: &Path, text: &str) -> bool {
        let Ok(mut kept) = postcard::from_bytes::<Kept>(bytes) else {
            return false;
        };
        if kept.path != path || kept.text != text || !kept.is_consistent() {
            return false;
        }
        kept.number = self.next_number();
        self.kept().insert(kept.path.clone(), Arc::new(kept));
        true
    }

    /// How many schema entries the last evaluation replayed instead of evaluating them.
    pub fn entries_replayed(&self) -> usize {
        self.entries.replayed()
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Arc<Kept>>> {
        // Replaced whole: a poisoned lock still holds consistent data.
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Nesting beyond this evaluates to unknown, so deeply nested input cannot overflow the stack.
const MAX_DEPTH: usize = 200;

#[derive(Clone, serde::Serialize, serde::Deserialize)]
enum Value<'t> {
    Unknown,
    /// The `a` namespace, and its `a.handler` member.
    A,
    AHandler,
    Configure,
    Secret,
    /// A function of Amplify's packages that only reads what it is given (`defineData`, ...).
    AmplifyReader,
    Str {
        text: MappedText,
        span: Span,
    },
    Array(
        #[serde(deserialize_with = "crate::nesting::nested")] Vec<Value<'t>>,
        bool,
    ),
    Object(
        #[serde(deserialize_with = "crate::nesting::nested")] Vec<(Name, Value<'t>)>,
        bool,
    ),
    // The large payloads are boxed: a `Value` is kept by the thousand (a renameModels callback's
    // pairs, entry values), and its size is its largest variant's.
    DbConfig(Box<Database>),
    Secretref(Name),
    Schema(SchemaId),
    Combined,
    Model(ModelId),
    Field(
        Box<Field>,
        #[serde(with = "crate::interned::option")] Option<crate::interned::StaticStr>,
    ),
    CustomType(CustomType),
    Enum(EnumDef),
    Operation(Box<Operation>),
    Ai,
    Handler(Box<Handler>),
    Allow(AuthLevel),
    Rule(Box<AuthRule>),
    /// The `models` parameter of `setAuthorization`/`setRelationships`.
    Models(SchemaId),
    ModelOf(ModelId),
    FieldsOf(ModelId),
    FieldOf(ModelId, usize),
    /// Never kept (see [`Value::without_code`]), so never serialized. Last: serde numbers the
    /// variants after a skipped one differently when writing and when reading.
    #[serde(skip)]
    Closure {
        file: FileId,
        node: Node<'t>,
    },
}

impl Value<'_> {
    /// Whether the ids this value holds name items of `model` (see [`Kept::is_consistent`]).
    fn ids_in(&self, model: &SchemaModel) -> bool {
        match self {
            Value::Schema(id) | Value::Models(id) => id.0 < model.schemas.len(),
            Value::Model(id) | Value::ModelOf(id) | Value::FieldsOf(id) => {
                id.0 < model.models.len()
            }
            Value::FieldOf(id, field) => model
                .models
                .get(id.0)
                .is_some_and(|m| *field < m.fields.len()),
            Value::Array(items, _) => items.iter().all(|v| v.ids_in(model)),
            Value::Object(entries, _) => entries.iter().all(|(_, v)| v.ids_in(model)),
            _ => true,
        }
    }

    /// The same value detached from the syntax trees, or `None` if it holds code (a closure).
    fn without_code(&self) -> Option<Value<'static>> {
        Some(match self {
            Value::Closure { .. } => return None,
            Value::Array(items, complete) => Value::Array(
                items
                    .iter()
                    .map(Value::without_code)
                    .collect::<Option<_>>()?,
                *complete,
            ),
            Value::Object(entries, complete) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| Some((k.clone(), v.without_code()?)))
                    .collect::<Option<_>>()?,
                *complete,
            ),
            Value::Unknown => Value::Unknown,
            Value::A => Value::A,
            Value::AHandler => Value::AHandler,
            Value::Configure => Value::Configure,
            Value::Secret => Value::Secret,
            Value::AmplifyReader => Value::AmplifyReader,
            Value::Str { text, span } => Value::Str {
                text: text.clone(),
                span: span.clone(),
            },
            Value::DbConfig(db) => Value::DbConfig(db.clone()),
            Value::Secretref(name) => Value::Secretref(name.clone()),
            Value::Schema(id) => Value::Schema(*id),
            Value::Combined => Value::Combined,
            Value::Model(id) => Value::Model(*id),
            Value::Field(field, modifier) => Value::Field(field.clone(), *modifier),
            Value::CustomType(t) => Value::CustomType(t.clone()),
            Value::Enum(e) => Value::Enum(e.clone()),
            Value::Operation(op) => Value::Operation(op.clone()),
            Value::Ai => Value::Ai,
            Value::Handler(h) => Value::Handler(h.clone()),
            Value::Allow(level) => Value::Allow(*level),
            Value::Rule(rule) => Value::Rule(rule.clone()),
            Value::Models(id) => Value::Models(*id),
            Value::ModelOf(id) => Value::ModelOf(*id),
            Value::FieldsOf(id) => Value::FieldsOf(*id),
            Value::FieldOf(id, i) => Value::FieldOf(*id, *i),
        })
    }
}

type Exports<'t> = HashMap<String, Value<'t>>;

enum ModuleState<'t> {
    InProgress,
    Done(Exports<'t>),
}

struct Scope<'t> {
    bindings: HashMap<String, Value<'t>>,
    exports: Exports<'t>,
}

struct Evaluator<'s> {
    sources: &'s dyn Sources,
    model: SchemaModel,
    modules: HashMap<FileId, ModuleState<'s>>,
    scopes: Vec<Scope<'s>>,
    file: FileId,
    depth: usize,
    /// Positions of each schema's entries by name, in order (a name can repeat after a rename):
    /// `models.X` and renames look names up thousands of times in a large schema. Kept in step
    /// with the two places that change entries, `add_entry` and `rename`.
    entry_positions: HashMap<SchemaId, HashMap<NameText, Vec<usize>>>,
    memo: Option<&'s EvalMemo>,
    /// Files whose schema entries this evaluation looked up in the memo, and how many it
    /// replayed (see `entry_memo`).
    entry_files: HashSet<FileId>,
    entries_replayed: usize,
    /// The memo keys of the texts looked up while a kept `setAuthorization` callback is being
    /// recorded (its authorization callbacks): its replay keeps them too.
    memo_trail: Option<Vec<u64>>,
    /// Reports not added because the same one was already there.
    reports_dropped: usize,
}

fn is_amplify_package(specifier: &str) -> bool {
    matches!(
        specifier,
        "@aws-amplify/backend" | "@aws-amplify/data-schema" | "@aws-amplify/data-schema/internals"
    )
}

impl<'s> Evaluator<'s> {
    // ----- modules and statements -----

    fn module(&mut self, file: FileId) -> Exports<'s> {
        match self.modules.get(&file) {
            Some(ModuleState::Done(exports)) => return exports.clone(),
            Some(ModuleState::InProgress) => return Exports::new(),
            None => {}
        }
        // On a blank model, a module that imports no project file evaluates the same as last
        // time if its text has not changed (its tree is not even needed then).
        let memoizable =
            self.memo.is_some() && self.model_is_blank() && !self.imports_project_file(file);
        if memoizable && let Some(exports) = self.restore(file) {
            return exports;
        }
        let Some(tree) = self.sources.tree(file) else {
            return Exports::new();
        };
        let exports = self.evaluate_module(file, tree);
        if memoizable {
            self.keep(file, &exports);
        }
        exports
    }

    fn model_is_blank(&self) -> bool {
        let m = &self.model;
        m.schemas.is_empty()
            && m.models.is_empty()
            && m.combines.is_empty()
            && m.diagnostics.is_empty()
            && m.name_uses.is_empty()
            && m.models_callbacks.is_empty()
    }

    /// Whether a top-level import or re-export of `file` names a file of the project.
    fn imports_project_file(&self, file: FileId) -> bool {
        self.sources
            .import_specifiers(file)
            .iter()
            .any(|spec| spec.starts_with('.') && self.sources.resolve_import(file, spec).is_some())
    }

    /// The kept state of `file`'s evaluation, if it was evaluated from the same text, path and
    /// depth: the model and the module's exports take those values.
    fn restore(&mut self, file: FileId) -> Option<Exports<'s>> {
        let memo = self.memo?;
        let kept = memo.kept();
        let kept = kept.get(self.sources.path(file)).filter(|k| {
            k.file == file && k.depth == self.depth && k.text == self.sources.text(file)
        })?;
        self.model = kept.model.clone();
        self.entry_positions.clear();
        let exports: Exports<'s> = kept.exports.clone();
        self.modules
            .insert(file, ModuleState::Done(exports.clone()));
        Some(exports)
    }

    /// Keeps the state after evaluating `file` on a blank model, unless its exports hold code
    /// (a function is a node of this evaluation's trees).
    fn keep(&self, file: FileId, exports: &Exports<'s>) {
        let Some(memo) = self.memo else { return };
        let path = self.sources.path(file).to_path_buf();
        let text = self.sources.text(file);
        if !memo.settled(&path, text) {
            return;
        }
        let Some(exports) = exports
            .iter()
            .map(|(name, value)| Some((name.clone(), value.without_code()?)))
            .collect::<Option<Exports<'static>>>()
        else {
            return;
        };
        let kept = Kept {
            file,
            path: path.clone(),
            text: text.to_owned(),
            depth: self.depth,
            model: self.model.clone(),
            exports,
            number: memo.next_number(),
        };
        memo.kept().insert(path, Arc::new(kept));
    }

    fn evaluate_module(&mut self, file: FileId, tree: &'s Tree) -> Exports<'s> {
        self.modules.insert(file, ModuleState::InProgress);
        let saved_file = std::mem::replace(&mut self.file, file);
        let saved_scopes = std::mem::take(&mut self.scopes);
        self.scopes.push(Scope {
            bindings: HashMap::new(),
            exports: Exports::new(),
        });
        let root = tree.root_node();
        let mut cursor = root.walk();
        for statement in root.named_children(&mut cursor) {
            self.statement(statement, true);
        }
        let exports = self
            .scopes
            .pop()
            .map(|scope| scope.exports)
            .unwrap_or_default();
        self.scopes = saved_scopes;
        self.file = saved_file;
        self.modules
            .insert(file, ModuleState::Done(exports.clone()));
        exports
    }

    /// Evaluates one statement; returns the value of a `return`.
    fn statement(&mut self, node: Node<'s>, top_level: bool) -> Option<Value<'s>> {
        match node.kind() {
            "import_statement" if top_level => self.import(node),
            "export_statement" if top_level => self.export(node),
            "lexical_declaration" | "variable_declaration" => {
                self.declaration(node, false);
            }
            "expression_statement" => {
                if let Some(expr) = node.named_child(0) {
                    let value = self.expr(expr);
                    self.discarded(expr, &value);
                }
            }
            "return_statement" => {
                return Some(node.named_child(0).map_or(Value::Unknown, |e| self.expr(e)));
            }
            "function_declaration" => {
                if let Some(name) = node.child_by_field_id(field::name()) {
                    let name = self.node_text(name).to_owned();
                    self.bind(name, Value::Unknown);
                }
            }
            _ => {}
        }
        None
    }

    fn declaration(&mut self, node: Node<'s>, exported: bool) {
        let mut cursor = node.walk();
        for declarator in node.named_children(&mut cursor) {
            if declarator.kind() != "variable_declarator" {
                continue;
            }
            let Some(name) = declarator.child_by_field_id(field::name()) else {
                continue;
            };
            let value = declarator
                .child_by_field_id(field::value())
                .map_or(Value::Unknown, |v| self.expr(v));
            if name.kind() == "identifier" {
                let name = self.node_text(name).to_owned();
                if exported {
                    self.export_value(name.clone(), value.clone());
                }
                self.bind(name, value);
            } else {
                // Destructuring: bind every identifier of the pattern to an unknown value.
                for ident in descendants_of_kind(name, "identifier").chain(descendants_of_kind(
                    name,
                    "shorthand_property_identifier_pattern",
                )) {
                    let ident = self.node_text(ident).to_owned();
                    if exported {
                        self.export_value(ident.clone(), Value::Unknown);
                    }
                    self.bind(ident, Value::Unknown);
                }
            }
        }
    }

    fn import(&mut self, node: Node<'s>) {
        let Some(source) = node.child_by_field_id(field::source()) else {
            return;
        };
        let specifier = string_literal_text(self.node_text(source));
        let exports = if is_amplify_package(&specifier) {
            let mut exports = Exports::new();
            exports.insert("a".into(), Value::A);
            if specifier.ends_with("/internals") {
                exports.insert("configure".into(), Value::Configure);
            }
            if specifier == "@aws-amplify/backend" {
                exports.insert("secret".into(), Value::Secret);
                for reader in [
                    "defineData",
                    "defineFunction",
                    "defineAuth",
                    "defineBackend",
                    "defineStorage",
                ] {
                    exports.insert(reader.into(), Value::AmplifyReader);
                }
            }
            Some(exports)
        } else if specifier.starts_with('.') {
            self.sources
                .resolve_import(self.file, &specifier)
                .map(|file| self.module(file))
        } else {
            None
        };
        let mut cursor = node.walk();
        for clause in node.named_children(&mut cursor) {
            if clause.kind() != "import_clause" {
                continue;
            }
            let mut inner = clause.walk();
            for part in clause.named_children(&mut inner) {
                match part.kind() {
                    // `import x from '...'`
                    "identifier" => {
                        let value = exports
                            .as_ref()
                            .and_then(|e| e.get("default").cloned())
                            .unwrap_or(Value::Unknown);
                        let name = self.node_text(part).to_owned();
                        self.bind(name, value);
                    }
                    // `import * as x from '...'`
                    "namespace_import" => {
                        let Some(ident) = part.named_child(0) else {
                            continue;
                        };
                        let value = match &exports {
                            Some(e) => Value::Object(
                                e.iter()
                                    .map(|(k, v)| {
                                        (
                                            Name {
                                                text: k.as_str().into(),
                                                span: self.span(ident),
                                            },
                                            v.clone(),
                                        )
                                    })
                                    .collect(),
                                true,
                            ),
                            None => Value::Unknown,
                        };
                        let name = self.node_text(ident).to_owned();
                        self.bind(name, value);
                    }
                    "named_imports" => {
                        let mut specs = part.walk();
                        for spec in part.named_children(&mut specs) {
                            if spec.kind() != "import_specifier" {
                                continue;
                            }
                            let Some(imported) = spec.child_by_field_id(field::name()) else {
                                continue;
                            };
                            let local = spec.child_by_field_id(field::alias()).unwrap_or(imported);
                            let imported = string_literal_text(self.node_text(imported));
                            let value = exports
                                .as_ref()
                                .and_then(|e| e.get(&imported).cloned())
                                .unwrap_or(Value::Unknown);
                            let local = self.node_text(local).to_owned();
                            self.bind(local, value);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn export(&mut self, node: Node<'s>) {
        if let Some(declaration) = node.child_by_field_id(field::declaration()) {
            match declaration.kind() {
                "lexical_declaration" | "variable_declaration" => {
                    self.declaration(declaration, true)
                }
                "function_declaration" => {
                    if let Some(name) = declaration.child_by_field_id(field::name()) {
                        let name = self.node_text(name).to_owned();
                        self.export_value(name.clone(), Value::Unknown);
                        self.bind(name, Value::Unknown);
                    }
                }
                _ => {}
            }
            return;
        }
        if let Some(value) = node.child_by_field_id(field::value()) {
            let value = self.expr(value);
            self.export_value("default".into(), value);
            return;
        }
        let source_exports = node.child_by_field_id(field::source()).map(|source| {
            let specifier = string_literal_text(self.node_text(source));
            if specifier.starts_with('.') {
                self.sources
                    .resolve_import(self.file, &specifier)
                    .map(|file| self.module(file))
                    .unwrap_or_default()
            } else {
                Exports::new()
            }
        });
        let mut cursor = node.walk();
        let mut has_clause = false;
        for child in node.named_children(&mut cursor) {
            if child.kind() != "export_clause" {
                continue;
            }
            has_clause = true;
            let mut specs = child.walk();
            for spec in child.named_children(&mut specs) {
                let Some(name) = spec.child_by_field_id(field::name()) else {
                    continue;
                };
                let alias = spec.child_by_field_id(field::alias()).unwrap_or(name);
                let name = string_literal_text(self.node_text(name));
                let alias = string_literal_text(self.node_text(alias));
                let value = match &source_exports {
                    Some(exports) => exports.get(&name).cloned().unwrap_or(Value::Unknown),
                    None => self.lookup(&name),
                };
                self.export_value(alias, value);
            }
        }
        // `export * from './x'`
        if !has_clause && let Some(exports) = source_exports {
            for (name, value) in exports {
                if name != "default" {
                    self.export_value(name, value);
                }
            }
        }
    }

    // ----- scopes -----

    fn bind(&mut self, name: String, value: Value<'s>) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.bindings.insert(name, value);
        }
    }

    fn export_value(&mut self, name: String, value: Value<'s>) {
        if let Some(scope) = self.scopes.first_mut() {
            scope.exports.insert(name, value);
        }
    }

    fn lookup(&self, name: &str) -> Value<'s> {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.bindings.get(name).cloned())
            .unwrap_or(Value::Unknown)
    }

    // ----- expressions -----

    fn expr(&mut self, node: Node<'s>) -> Value<'s> {
        if self.depth >= MAX_DEPTH {
            return Value::Unknown;
        }
        self.depth += 1;
        let value = self.expr_inner(node);
        self.depth -= 1;
        value
    }

    fn expr_inner(&mut self, node: Node<'s>) -> Value<'s> {
        match node.kind() {
            "identifier" => self.lookup(self.node_text(node)),
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion" => node
                .named_child(0)
                .map_or(Value::Unknown, |inner| self.expr(inner)),
            "string" | "template_string" => {
                let (text, span) = self.string(node);
                Value::Str { text, span }
            }
            "binary_expression" => self.binary(node),
            "array" => self.array(node),
            "object" => self.object(node),
            "arrow_function" | "function_expression" | "function" => Value::Closure {
                file: self.file,
                node,
            },
            "member_expression" => {
                let Some(object) = node.child_by_field_id(field::object()) else {
                    return Value::Unknown;
                };
                let Some(property) = node.child_by_field_id(field::property()) else {
                    return Value::Unknown;
                };
                let object = self.expr(object);
                self.member(object, property)
            }
            "subscript_expression" => {
                let Some(object) = node.child_by_field_id(field::object()) else {
                    return Value::Unknown;
                };
                let Some(index) = node.child_by_field_id(field::index()) else {
                    return Value::Unknown;
                };
                let object = self.expr(object);
                match (object, self.expr(index)) {
                    (Value::Object(entries, _), Value::Str { text, .. }) => entries
                        .into_iter()
                        .find(|(k, _)| k.text == text.text)
                        .map_or(Value::Unknown, |(_, v)| v),
                    _ => Value::Unknown,
                }
            }
            "call_expression" => self.call(node),
            _ => Value::Unknown,
        }
    }

    fn string(&mut self, node: Node<'s>) -> (MappedText, Span) {
        string_value(node, self.sources.text(self.file), self.file)
    }

    fn binary(&mut self, node: Node<'s>) -> Value<'s> {
        let operator = node
            .child_by_field_id(field::operator())
            .map(|o| self.node_text(o))
            .unwrap_or("");
        let (Some(left), Some(right)) = (
            node.child_by_field_id(field::left()),
            node.child_by_field_id(field::right()),
        ) else {
            return Value::Unknown;
        };
        if operator != "+" {
            return Value::Unknown;
        }
        match (self.expr(left), self.expr(right)) {
            (
                Value::Str {
                    text: mut l,
                    span: ls,
                },
                Value::Str { text: r, span: rs },
            ) => {
                l.append(&r);
                Value::Str {
                    text: l,
                    span: Span {
                        file: ls.file,
                        range: ls.range.start..rs.range.end.max(ls.range.start),
                    },
                }
            }
            (Value::Str { text: mut l, span }, _) | (_, Value::Str { text: mut l, span }) => {
                l.complete = false;
                Value::Str { text: l, span }
            }
            _ => Value::Unknown,
        }
    }

    fn array(&mut self, node: Node<'s>) -> Value<'s> {
        let mut items = Vec::new();
        let mut complete = true;
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            if child.kind() == "comment" {
                continue;
            }
            if child.kind() == "spread_element" {
                match child.named_child(0).map(|e| self.expr(e)) {
                    Some(Value::Array(inner, inner_complete)) => {
                        items.extend(inner);
                        complete &= inner_complete;
                    }
                    _ => complete = false,
                }
                continue;
            }
            items.push(self.expr(child));
        }
        Value::Array(items, complete)
    }

    fn object(&mut self, node: Node<'s>) -> Value<'s> {
        self.object_entries(node, false)
    }

    /// The object of a schema's entries (`a.schema({...})`, `addToSchema({...})`): each entry's
    /// value is evaluated once per text (see `entry_memo`).
    fn schema_entries(&mut self, node: Node<'s>) -> Value<'s> {
        if node.kind() != "object" || self.depth >= MAX_DEPTH {
            return self.expr(node);
        }
        self.depth += 1;
        let value = self.object_entries(node, true);
        self.depth -= 1;
        value
    }

    fn object_entries(&mut self, node: Node<'s>, schema_entries: bool) -> Value<'s> {
        let mut entries = ObjectEntries::default();
        let mut complete = true;
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "pair" => {
                    let (Some(key), Some(value)) = (
                        child.child_by_field_id(field::key()),
                        child.child_by_field_id(field::value()),
                    ) else {
                        continue;
                    };
                    let key = match key.kind() {
                        "property_identifier" | "number" => Some(self.name(key)),
                        "string" => {
                            let (text, span) = self.string(key);
                            Some(Name {
                                text: text.text.into(),
                                span,
                            })
                        }
                        "computed_property_name" => {
                            match key.named_child(0).map(|e| self.expr(e)) {
                                Some(Value::Str { text, span }) if text.complete => Some(Name {
                                    text: text.text.into(),
                                    span,
                                }),
                                _ => None,
                            }
                        }
                        _ => None,
                    };
                    let value = if schema_entries {
                        self.entry_value(value)
                    } else {
                        self.expr(value)
                    };
                    match key {
                        Some(key) => entries.set(key, value),
                        None => complete = false,
                    }
                }
                "shorthand_property_identifier" => {
                    let key = self.name(child);
                    let value = self.lookup(&key.text);
                    entries.set(key, value);
                }
                "spread_element" => match child.named_child(0).map(|e| self.expr(e)) {
                    Some(Value::Object(inner, inner_complete)) => {
                        for (k, v) in inner {
                            entries.set(k, v);
                        }
                        complete &= inner_complete;
                    }
                    _ => complete = false,
                },
                "method_definition" => {
                    if let Some(name) = child.child_by_field_id(field::name()) {
                        let key = self.name(name);
                        entries.set(key, Value::Unknown);
                    }
                }
                "comment" => {}
                _ => complete = false,
            }
        }
        Value::Object(entries.into_vec(), complete)
    }

    fn member(&mut self, object: Value<'s>, property: Node<'s>) -> Value<'s> {
        let prop = self.node_text(property);
        match object {
            Value::A => match prop {
                "handler" => Value::AHandler,
                _ => Value::Unknown,
            },
            Value::Object(entries, _) => entries
                .into_iter()
                .rev()
                .find(|(k, _)| k.text == prop)
                .map_or(Value::Unknown, |(_, v)| v),
            Value::Schema(id) if prop == "models" => Value::Models(id),
            Value::Models(schema) => self.model_by_name(schema, property),
            Value::ModelOf(model) if prop == "fields" => Value::FieldsOf(model),
            Value::FieldsOf(model) => {
                let m = &self.model.models[model.0];
                let position = m.fields.iter().position(|f| f.name.text == prop);
                let target = match position {
                    Some(_) => UseTarget::Field(model, prop.to_owned()),
                    None => UseTarget::UnknownField(model),
                };
                let span = self.span(property);
                self.model.name_uses.push(NameUse { span, target });
                let m = &self.model.models[model.0];
                match position {
                    Some(i) => Value::FieldOf(model, i),
                    None => {
                        if m.fields_complete {
                            let message =
                                format!("Field {prop} is not defined on model {}", m.name.text);
                            self.report(property, "unknown-field", message);
                        }
                        Value::Unknown
                    }
                }
            }
            _ => Value::Unknown,
        }
    }

    /// The first entry of `schema` named `name` (what `Schema::entry` finds), by index. A hit is
    /// checked against the entries, and a miss (rare: an unknown name is an error) scans them, so
    /// an index out of step can cost time but never a wrong answer or a panic.
    fn entry_position(&mut self, schema: SchemaId, name: &str) -> Option<usize> {
        self.indexed_position(schema, name).or_else(|| {
            self.model.schemas[schema.0]
                .entries
                .iter()
                .position(|e| e.name.text == name)
        })
    }

    /// The first entry of `schema` named `name` that the index gives (built on first use), each
    /// position checked against the entries. The index is kept in step by the places that change
    /// entries (`add_entry`, `rename`, `restore`), so a miss is an answer where a scan of a
    /// thousand entries per lookup would cost too much (`addToSchema`'s repeated names).
    fn indexed_position(&mut self, schema: SchemaId, name: &str) -> Option<usize> {
        let entries = &self.model.schemas[schema.0].entries;
        let positions = self.entry_positions.entry(schema).or_insert_with(|| {
            let mut positions: HashMap<NameText, Vec<usize>> = HashMap::new();
            for (i, e) in entries.iter().enumerate() {
                positions.entry(e.name.text.clone()).or_default().push(i);
            }
            positions
        });
        positions
            .get(name)?
            .iter()
            .copied()
            .find(|&i| entries.get(i).is_some_and(|e| e.name.text == name))
    }

    fn model_by_name(&mut self, schema: SchemaId, property: Node<'s>) -> Value<'s> {
        let prop = self.node_text(property);
        let position = self.entry_position(schema, prop);
        let s = &self.model.schemas[schema.0];
        let found = position.map(|i| &s.entries[i]);
        let target = match found.map(|e| &e.def) {
            Some(TypeDef::Model(id)) => Some(UseTarget::Model(*id)),
            Some(_) => None,
            None => Some(UseTarget::UnknownModel(schema)),
        };
        if let Some(target) = target {
            let span = self.span(property);
            self.model.name_uses.push(NameUse { span, target });
        }
        let s = &self.model.schemas[schema.0];
        if let Some(entry) = position.map(|i| &s.entries[i]) {
            return match entry.def {
                TypeDef::Model(id) => Value::ModelOf(id),
                _ => Value::Unknown,
            };
        }
        if s.entries_complete {
            let renamed = s
                .renames
                .iter()
                .find(|r| r.from.text == prop)
                .map(|r| format!(" (it was renamed to {})", r.to.text))
                .unwrap_or_default();
            let message = format!("Model {prop} is not defined in the schema{renamed}");
            self.report(property, "unknown-model", message);
        }
        Value::Unknown
    }

    fn call(&mut self, node: Node<'s>) -> Value<'s> {
        let Some(function) = node.child_by_field_id(field::function()) else {
            return Value::Unknown;
        };
        let args: Vec<Node<'s>> = node
            .child_by_field_id(field::arguments())
            .map(|a| {
                let mut cursor = a.walk();
                a.named_children(&mut cursor)
                    .filter(|c| c.kind() != "comment")
                    .collect()
            })
            .unwrap_or_default();
        if function.kind() == "member_expression" {
            let (Some(object), Some(property)) = (
                function.child_by_field_id(field::object()),
                function.child_by_field_id(field::property()),
            ) else {
                return Value::Unknown;
            };
            let object = self.expr(object);
            return self.method(object, property, &args);
        }
        let callee = self.expr(function);
        match callee {
            Value::Configure => {
                let config = args.first().map(|a| self.expr(*a));
                Value::DbConfig(Box::new(self.database(config)))
            }
            Value::Secret => match args.first().map(|a| self.expr(*a)) {
                Some(Value::Str { text, span }) => Value::Secretref(Name {
                    text: text.text.into(),
                    span,
                }),
                _ => Value::Unknown,
            },
            // `configure({...})({...})`, seen in hand-edited generated files.
            Value::DbConfig(database) => {
                self.new_schema(function, *database, args.first().copied())
            }
            Value::Closure { file, node } => {
                let values: Vec<Value<'s>> = args.iter().map(|a| self.expr(*a)).collect();
                self.invoke(file, node, values)
            }
            Value::AmplifyReader => {
                for arg in &args {
                    self.expr(*arg);
                }
                Value::Unknown
            }
            _ => {
                // Evaluate arguments anyway: schemas built inside them must still be seen, and
                // what is handed to unknown code may be changed there.
                for arg in &args {
                    let value = self.expr(*arg);
                    self.mark_opaque(&value);
                }
                Value::Unknown
            }
        }
    }

    /// Calls an arrow function or function expression with `args`.
    fn invoke(&mut self, file: FileId, node: Node<'s>, args: Vec<Value<'s>>) -> Value<'s> {
        if self.depth >= MAX_DEPTH {
            return Value::Unknown;
        }
        let saved_file = std::mem::replace(&mut self.file, file);
        let mut scope = Scope {
            bindings: HashMap::new(),
            exports: Exports::new(),
        };
        let params: Vec<Node<'s>> = if let Some(p) = node.child_by_field_id(field::parameter()) {
            vec![p]
        } else if let Some(ps) = node.child_by_field_id(field::parameters()) {
            let mut cursor = ps.walk();
            ps.named_children(&mut cursor)
                .filter_map(|p| {
                    if p.kind() == "identifier" {
                        Some(p)
                    } else {
                        p.child_by_field_id(field::pattern())
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut args = args.into_iter();
        for param in params {
            let value = args.next().unwrap_or(Value::Unknown);
            if param.kind() == "identifier" {
                scope
                    .bindings
                    .insert(self.node_text(param).to_owned(), value);
            }
        }
        self.scopes.push(scope);
        self.depth += 1;
        let result = match node.child_by_field_id(field::body()) {
            Some(body) if body.kind() == "statement_block" => {
                let mut result = Value::Unknown;
                let mut cursor = body.walk();
                for statement in body.named_children(&mut cursor) {
                    if let Some(value) = self.statement(statement, false) {
                        result = value;
                        break;
                    }
                }
                result
            }
            Some(body) => self.expr(body),
            None => Value::Unknown,
        };
        self.depth -= 1;
        self.scopes.pop();
        self.file = saved_file;
        result
    }

    fn callback(&mut self, node: Option<&Node<'s>>, args: Vec<Value<'s>>) -> Value<'s> {
        match node.map(|n| self.expr(*n)) {
            Some(Value::Closure { file, node }) => self.invoke(file, node, args),
            _ => Value::Unknown,
        }
    }

    fn database(&mut self, config: Option<Value<'s>>) -> Database {
        let Some(Value::Object(entries, _)) = config else {
            return Database::Sql(SqlDatabase::default());
        };
        let Some(Value::Object(db, _)) = entries
            .into_iter()
            .find(|(k, _)| k.text == "database")
            .map(|(_, v)| v)
        else {
            return Database::Sql(SqlDatabase::default());
        };
        let mut sql = SqlDatabase::default();
        for (key, value) in db {
            match (key.text.as_str(), value) {
                ("engine", Value::Str { text, span }) => {
                    if text.text == "dynamodb" {
                        return Database::DynamoDb;
                    }
                    sql.engine = Some(Name {
                        text: text.text.into(),
                        span,
                    });
                }
                ("connectionUri", Value::Secretref(name)) => sql.connection_secret = Some(name),
                ("identifier", Value::Str { text, span }) => {
                    sql.identifier = Some(Name {
                        text: text.text.into(),
                        span,
                    })
                }
                _ => {}
            }
        }
        Database::Sql(sql)
    }

    fn new_schema(
        &mut self,
        at: Node<'s>,
        database: Database,
        types: Option<Node<'s>>,
    ) -> Value<'s> {
        let id = SchemaId(self.model.schemas.len());
        let generated = self
            .sources
            .path(self.file)
            .to_string_lossy()
            .ends_with(".sql.ts");
        self.model.schemas.push(Schema {
            span: self.span(at),
            database,
            entries: Vec::new(),
            entries_complete: true,
            auth: None,
            renames: Vec::new(),
            combine: None,
            generated,
            opaque: false,
        });
        match types.map(|t| self.schema_entries(t)) {
            Some(Value::Object(entries, complete)) => {
                self.model.schemas[id.0].entries_complete = complete;
                for (name, value) in entries {
                    self.add_entry(id, name, value, false);
                }
            }
            _ => self.model.schemas[id.0].entries_complete = false,
        }
        Value::Schema(id)
    }

    fn add_entry(
        &mut self,
        schema: SchemaId,
        name: Name,
        value: Value<'s>,
        via_add_to_schema: bool,
    ) {
        let def = match value {
            Value::Model(id) => {
                if via_add_to_schema && self.model.schemas[schema.0].is_sql() {
                    self.report_span(
                        name.span.clone(),
                        "add-model-to-sql-schema",
                        format!(
                            "Invalid value specified for {} in addToSchema(). Models cannot be manually added to a SQL schema.",
                            name.text
                        ),
                    );
                }
                // A model placed in a second schema is a copy there.
                let id = if self.model.models[id.0].schema.is_some() {
                    let copy = self.model.models[id.0].clone();
                    self.model.models.push(copy);
                    ModelId(self.model.models.len() - 1)
                } else {
                    id
                };
                let model = &mut self.model.models[id.0];
                model.name = name.clone();
                model.schema = Some(schema);
                TypeDef::Model(id)
            }
            Value::CustomType(t) => TypeDef::CustomType(t),
            Value::Enum(e) => TypeDef::Enum(e),
            Value::Operation(op) => TypeDef::Operation(op),
            Value::Ai => TypeDef::Ai,
            _ => TypeDef::Unknown,
        };
        // The keys of one object literal are already unique; only `addToSchema` can repeat a name.
        let repeated = via_add_to_schema && self.indexed_position(schema, &name.text).is_some();
        let entries = &mut self.model.schemas[schema.0].entries;
        if repeated {
            entries.retain(|e| e.name.text != name.text);
            self.entry_positions.remove(&schema);
        }
        if let Some(positions) = self.entry_positions.get_mut(&schema) {
            positions
                .entry(name.text.clone())
                .or_default()
                .push(entries.len());
        }
        entries.push(SchemaEntry { name, def });
    }

    // ----- methods -----

    fn method(&mut self, object: Value<'s>, property: Node<'s>, args: &[Node<'s>]) -> Value<'s> {
        let name = self.node_text(property);
        match object {
            Value::A => self.a_method(property, name, args),
            Value::AHandler => self.handler(property, name, args),
            Value::DbConfig(database) if name == "schema" => {
                self.new_schema(property, *database, args.first().copied())
            }
            Value::Schema(id) => self.schema_method(id, property, name, args),
            Value::Model(id) | Value::ModelOf(id) => self.model_method(id, property, name, args),
            Value::Field(field, last) => self.field_method(*field, last, property, name, args),
            Value::FieldOf(model, index) => {
                if name == "authorization" {
                    let rules = self.auth_rules(property, args.first(), AuthLevel::Field);
                    self.set_field_rules(model, index, rules);
                }
                Value::FieldOf(model, index)
            }
            Value::Operation(op) => self.operation_method(*op, property, name, args),
            Value::Handler(mut handler)
                if name == "async" && matches!(*handler, Handler::Function { .. }) =>
            {
                if let Handler::Function { is_async, .. } = &mut *handler {
                    *is_async = true;
                }
                Value::Handler(handler)
            }
            Value::Allow(level) => self.allow(level, property, name, args),
            Value::Rule(rule) => self.rule_method(*rule, property, name, args),
            _ => {
                for arg in args {
                    let value = self.expr(*arg);
                    self.mark_opaque(&value);
                }
                Value::Unknown
            }
        }
    }

    fn a_method(&mut self, property: Node<'s>, name: &str, args: &[Node<'s>]) -> Value<'s> {
        let span = self.span(property);
        if let Some(scalar) = Scalar::from_factory(name) {
            return Value::Field(
                Box::new(Self::new_field(span, FieldType::Scalar(scalar))),
                None,
            );
        }
        match name {
            "schema" => self.new_schema(property, Database::DynamoDb, args.first().copied()),
            "combine" => {
                let Some(Value::Array(items, _)) = args.first().map(|a| self.expr(*a)) else {
                    return Value::Unknown;
                };
                let schemas: Vec<SchemaId> = items
                    .iter()
                    .filter_map(|v| match v {
                        Value::Schema(id) => Some(*id),
                        _ => None,
                    })
                    .collect();
                let index = self.model.combines.len();
                self.check_combine_collisions(&schemas, &span);
                for id in &schemas {
                    self.model.schemas[id.0].combine = Some(index);
                }
                self.model.combines.push(Combine { span, schemas });
                Value::Combined
            }
            "model" => {
                let (fields, complete) = match args.first().map(|a| self.expr(*a)) {
                    Some(Value::Object(entries, complete)) => (self.fields(entries), complete),
                    _ => (Vec::new(), false),
                };
                self.model.models.push(Model {
                    name: Name {
                        text: NameText::default(),
                        span: span.clone(),
                    },
                    original_name: None,
                    span,
                    fields: Arc::new(fields),
                    fields_complete: complete,
                    identifier: None,
                    auth: None,
                    schema: None,
                    secondary_indexes: None,
                    opaque: false,
                });
                Value::Model(ModelId(self.model.models.len() - 1))
            }
            "ref" => {
                let ty = match args.first().map(|a| self.expr(*a)) {
                    Some(Value::Str { text, span }) if text.complete => FieldType::Ref(Name {
                        text: text.text.into(),
                        span,
                    }),
                    _ => FieldType::Unknown,
                };
                Value::Field(Box::new(Self::new_field(span, ty)), None)
            }
            "customType" => match args.first().map(|a| self.expr(*a)) {
                Some(Value::Object(entries, complete)) => Value::CustomType(CustomType {
                    span,
                    fields: self.fields(entries),
                    complete,
                }),
                _ => Value::CustomType(CustomType {
                    span,
                    fields: Vec::new(),
                    complete: false,
                }),
            },
            "enum" => {
                let (values, complete) = match args.first().map(|a| self.expr(*a)) {
                    Some(Value::Array(items, complete)) => string_names(items, complete),
                    _ => (Vec::new(), false),
                };
                Value::Enum(EnumDef {
                    span,
                    values,
                    complete,
                })
            }
            "hasOne" | "hasMany" | "belongsTo" => {
                let kind = match name {
                    "hasOne" => RelationshipKind::HasOne,
                    "hasMany" => RelationshipKind::HasMany,
                    _ => RelationshipKind::BelongsTo,
                };
                let target = match args.first().map(|a| self.expr(*a)) {
                    Some(Value::Str { text, span }) if text.complete => Some(Name {
                        text: text.text.into(),
                        span,
                    }),
                    _ => None,
                };
                let (references, references_complete) = match args.get(1).map(|a| self.expr(*a)) {
                    Some(Value::Str { text, span }) if text.complete => (
                        vec![Name {
                            text: text.text.into(),
                            span,
                        }],
                        true,
                    ),
                    Some(Value::Array(items, complete)) => string_names(items, complete),
                    _ => (Vec::new(), false),
                };
                let ty = FieldType::Relationship(Relationship {
                    kind,
                    target,
                    references,
                    references_complete,
                });
                Value::Field(Box::new(Self::new_field(span, ty)), None)
            }
            "query" | "mutation" | "subscription" => {
                let kind = match name {
                    "query" => OperationKind::Query,
                    "mutation" => OperationKind::Mutation,
                    _ => OperationKind::Subscription,
                };
                Value::Operation(Box::new(Operation {
                    kind,
                    span,
                    arguments: None,
                    arguments_complete: true,
                    returns: None,
                    auth: None,
                    handlers: None,
                    handlers_complete: true,
                    handler_span: None,
                    sources: None,
                }))
            }
            "conversation" | "generation" => {
                for arg in args {
                    self.expr(*arg);
                }
                Value::Ai
            }
            _ => {
                for arg in args {
                    self.expr(*arg);
                }
                Value::Unknown
            }
        }
    }

    fn check_combine_collisions(&mut self, schemas: &[SchemaId], span: &Span) {
        let _ = span;
        let mut seen: HashMap<&str, (SchemaId, &Span)> = HashMap::new();
        let mut collisions = Vec::new();
        for &id in schemas {
            for entry in &self.model.schemas[id.0].entries {
                match seen.get(entry.name.text.as_str()) {
                    Some(&(other, first)) if other != id => {
                        collisions.push((entry.name.text.clone(), first.clone()));
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(&entry.name.text, (id, &entry.name.span));
                    }
                }
            }
        }
        // Amplify stops at the first collision; the first declaration is marked.
        if let Some((name, first)) = collisions.into_iter().next() {
            self.report_span(
                first,
                "combine-name-collision",
                format!(
                    "The schemas you are attempting to combine have a name collision. Please remove or rename {name}."
                ),
            );
        }
    }

    fn new_field(span: Span, ty: FieldType) -> Field {
        Field {
            name: Name {
                text: NameText::default(),
                span: span.clone(),
            },
            ty,
            required: false,
            array: false,
            list_required: false,
            default: None,
            auth: None,
            span,
        }
    }

    /// The fields of an object literal passed to `a.model`, `a.customType` or `.arguments`.
    fn fields(&mut self, entries: Vec<(Name, Value<'s>)>) -> Vec<Field> {
        entries
            .into_iter()
            .map(|(name, value)| {
                let mut field = match value {
                    Value::Field(field, _) => *field,
                    Value::Enum(e) => Self::new_field(e.span.clone(), FieldType::Enum(e)),
                    Value::CustomType(t) => {
                        Self::new_field(t.span.clone(), FieldType::CustomType(t))
                    }
                    _ => Self::new_field(name.span.clone(), FieldType::Unknown),
                };
                field.name = name;
                field
            })
            .collect()
    }

    fn handler(&mut self, property: Node<'s>, name: &str, args: &[Node<'s>]) -> Value<'s> {
        let span = self.span(property);
        let arg = args.first().map(|a| (*a, self.expr(*a)));
        let handler = match name {
            "inlineSql" => Handler::InlineSql {
                span,
                argument: arg.as_ref().map(|(n, _)| self.span(*n)),
                sql: match arg {
                    Some((_, Value::Str { text, .. })) => Some(text),
                    _ => None,
                },
            },
            "sqlReference" => {
                let path = match arg {
                    Some((_, Value::Str { text, span })) if text.complete => Some(Name {
                        text: text.text.into(),
                        span,
                    }),
                    _ => None,
                };
                let resolved = path.as_ref().map(|p| {
                    let written = Path::new(&p.text);
                    if written.is_absolute() {
                        written.to_path_buf()
                    } else {
                        let dir = self
                            .sources
                            .path(self.file)
                            .parent()
                            .map(Path::to_path_buf)
                            .unwrap_or_default();
                        normalize_path(&dir.join(written))
                    }
                });
                Handler::SqlReference {
                    span,
                    path,
                    resolved,
                }
            }
            "function" => Handler::Function {
                span,
                is_async: false,
            },
            "custom" => Handler::Custom { span },
            _ => Handler::Unknown { span },
        };
        Value::Handler(Box::new(handler))
    }

    fn schema_method(
        &mut self,
        id: SchemaId,
        property: Node<'s>,
        name: &str,
        args: &[Node<'s>],
    ) -> Value<'s> {
        match name {
            "authorization" => {
                let rules = self.auth_rules(property, args.first(), AuthLevel::Schema);
                self.model.schemas[id.0].auth = Some(rules);
            }
            "renameModels" => {
                let pairs = match args.first() {
                    Some(node) => self.callback_value(*node, Callback::Renames),
                    None => Value::Unknown,
                };
                match pairs {
                    Value::Array(items, complete) => {
                        if !complete {
                            self.model.schemas[id.0].entries_complete = false;
                        }
                        for item in items {
                            self.rename(id, item);
                        }
                    }
                    _ => self.model.schemas[id.0].entries_complete = false,
                }
            }
            "setAuthorization" => {
                self.models_callback(id, args.first());
                if let Some(callback) = args.first() {
                    self.set_authorization(id, *callback);
                }
            }
            "setRelationships" => {
                self.models_callback(id, args.first());
                self.callback(args.first(), vec![Value::Models(id)]);
            }
            "addToSchema" | "addQueries" | "addMutations" | "addSubscriptions" => {
                match args.first().map(|a| self.schema_entries(*a)) {
                    Some(Value::Object(entries, complete)) => {
                        if !complete {
                            self.model.schemas[id.0].entries_complete = false;
                        }
                        for (name, value) in entries {
                            self.add_entry(id, name, value, true);
                        }
                    }
                    _ => self.model.schemas[id.0].entries_complete = false,
                }
            }
            _ => {
                for arg in args {
                    self.expr(*arg);
                }
                return Value::Unknown;
            }
        }
        Value::Schema(id)
    }

    /// Remembers which schema's `models` a `setAuthorization`/`setRelationships` callback gets.
    fn models_callback(&mut self, schema: SchemaId, callback: Option<&Node<'s>>) {
        if let Some(node) = callback {
            let span = self.span(*node);
            self.model
                .models_callbacks
                .push(ModelsCallback { span, schema });
        }
    }

    fn rename(&mut self, schema: SchemaId, pair: Value<'s>) {
        let Value::Array(items, _) = pair else {
            self.model.schemas[schema.0].entries_complete = false;
            return;
        };
        let mut items = items.into_iter();
        let (
            Some(Value::Str {
                text: from,
                span: from_span,
            }),
            Some(to),
        ) = (items.next(), items.next())
        else {
            self.model.schemas[schema.0].entries_complete = false;
            return;
        };
        let from = Name {
            text: from.text.into(),
            span: from_span,
        };
        let Value::Str {
            text: to,
            span: to_span,
        } = to
        else {
            self.model.schemas[schema.0].entries_complete = false;
            return;
        };
        let to = Name {
            text: to.text.into(),
            span: to_span,
        };
        let found = self.entry_position(schema, &from.text);
        let s = &self.model.schemas[schema.0];
        let Some(position) = found else {
            if s.entries_complete {
                self.report_span(
                    from.span.clone(),
                    "rename-unknown-model",
                    format!(
                        "Invalid renameModels call. {} is not defined in the schema",
                        from.text
                    ),
                );
            }
            return;
        };
        if to.text.is_empty() {
            // Mark the quotes: an empty range would be invisible.
            // An unterminated literal at the end of the file has no closing quote.
            let text_len = self.sources.text(to.span.file).len();
            let quotes = Span {
                file: to.span.file,
                range: to.span.range.start.saturating_sub(1)..(to.span.range.end + 1).min(text_len),
            };
            self.report_span(
                quotes,
                "rename-empty-name",
                "Invalid renameModels call. New name must be a non-empty string. Received: \"\""
                    .to_owned(),
            );
            return;
        }
        if let Some(positions) = self.entry_positions.get_mut(&schema) {
            if let Some(old) = positions.get_mut(&from.text) {
                old.retain(|&i| i != position);
                if old.is_empty() {
                    positions.remove(&from.text);
                }
            }
            let new = positions.entry(to.text.clone()).or_default();
            let at = new.partition_point(|&i| i < position);
            new.insert(at, position);
        }
        let s = &mut self.model.schemas[schema.0];
        let entry = &mut s.entries[position];
        let old_name = std::mem::replace(&mut entry.name, to.clone());
        if let TypeDef::Model(id) = entry.def {
            let model = &mut self.model.models[id.0];
            if model.original_name.is_none() {
                model.original_name = Some(old_name);
            }
            model.name = to.clone();
        }
        s.renames.push(Rename { from, to });
    }

    fn model_method(
        &mut self,
        id: ModelId,
        property: Node<'s>,
        name: &str,
        args: &[Node<'s>],
    ) -> Value<'s> {
        match name {
            "identifier" => {
                let span = self.span(property);
                let identifier = match args.first().map(|a| self.expr(*a)) {
                    Some(Value::Array(items, complete)) => {
                        let (fields, all) = string_names(items, complete);
                        Identifier {
                            span,
                            fields,
                            complete: all,
                        }
                    }
                    _ => Identifier {
                        span,
                        fields: Vec::new(),
                        complete: false,
                    },
                };
                self.model.models[id.0].identifier = Some(identifier);
            }
            "authorization" => {
                let rules = self.auth_rules(property, args.first(), AuthLevel::Model);
                self.model.models[id.0].auth = Some(rules);
            }
            "secondaryIndexes" => {
                self.model.models[id.0].secondary_indexes = Some(self.span(property));
            }
            "relationships" => match args.first().map(|a| self.expr(*a)) {
                Some(Value::Object(entries, complete)) => {
                    let fields = self.fields(entries);
                    let model = &mut self.model.models[id.0];
                    if !fields.is_empty() {
                        let model_fields = Arc::make_mut(&mut model.fields);
                        for field in fields {
                            model_fields.retain(|f| f.name.text != field.name.text);
                            model_fields.push(field);
                        }
                    }
                    model.fields_complete &= complete;
                }
                _ => self.model.models[id.0].fields_complete = false,
            },
            _ => {
                for arg in args {
                    self.expr(*arg);
                }
            }
        }
        Value::Model(id)
    }

    fn field_method(
        &mut self,
        mut field: Field,
        last: Option<&'static str>,
        property: Node<'s>,
        name: &str,
        args: &[Node<'s>],
    ) -> Value<'s> {
        let method: &'static str = match name {
            "required" => {
                let list = match field.ty {
                    FieldType::Ref(_) => field.array,
                    _ => last == Some("array"),
                };
                if list {
                    field.list_required = true;
                } else {
                    field.required = true;
                }
                "required"
            }
            "valueRequired" => {
                field.required = true;
                "valueRequired"
            }
            "array" => {
                field.array = true;
                "array"
            }
            "default" => {
                field.default = Some(FieldDefault {
                    span: self.span(property),
                    has_value: !args.is_empty(),
                });
                "default"
            }
            "authorization" => {
                let level = AuthLevel::Field;
                field.auth = Some(Box::new(self.auth_rules(property, args.first(), level)));
                "authorization"
            }
            _ => {
                for arg in args {
                    self.expr(*arg);
                }
                "other"
            }
        };
        Value::Field(Box::new(field), Some(method))
    }

    fn operation_method(
        &mut self,
        mut op: Operation,
        property: Node<'s>,
        name: &str,
        args: &[Node<'s>],
    ) -> Value<'s> {
        match name {
            "arguments" => match args.first().map(|a| self.expr(*a)) {
                Some(Value::Object(entries, complete)) => {
                    op.arguments = Some(self.fields(entries));
                    op.arguments_complete = complete;
                }
                _ => {
                    op.arguments = Some(Vec::new());
                    op.arguments_complete = false;
                }
            },
            "returns" => {
                let span = self.span(property);
                op.returns = Some(match args.first().map(|a| self.expr(*a)) {
                    Some(Value::Field(field, _)) => Returns {
                        ty: field.ty,
                        array: field.array,
                        required: field.required || field.list_required,
                        span,
                    },
                    Some(Value::CustomType(t)) => Returns {
                        ty: FieldType::CustomType(t),
                        array: false,
                        required: false,
                        span,
                    },
                    Some(Value::Enum(e)) => Returns {
                        ty: FieldType::Enum(e),
                        array: false,
                        required: false,
                        span,
                    },
                    _ => Returns {
                        ty: FieldType::Unknown,
                        array: false,
                        required: false,
                        span,
                    },
                });
            }
            "authorization" => {
                let level = if op.kind == OperationKind::Conversation {
                    AuthLevel::Conversation
                } else {
                    AuthLevel::Operation
                };
                op.auth = Some(self.auth_rules(property, args.first(), level));
            }
            "handler" => {
                op.handler_span = Some(self.span(property));
                self.handlers(&mut op, property, args);
            }
            "for" => {
                for arg in args {
                    self.expr(*arg);
                }
                op.sources = Some(self.span(property));
            }
            _ => {
                for arg in args {
                    self.expr(*arg);
                }
            }
        }
        Value::Operation(Box::new(op))
    }

    /// `.handler(h)` or `.handler([h1, h2])` of a custom operation.
    fn handlers(&mut self, op: &mut Operation, property: Node<'s>, args: &[Node<'s>]) {
        match args.first().map(|a| self.expr(*a)) {
            Some(Value::Handler(h)) => op.handlers = Some(vec![*h]),
            Some(Value::Array(items, complete)) => {
                let mut all = complete;
                let handlers = items
                    .into_iter()
                    .filter_map(|v| match v {
                        Value::Handler(h) => Some(*h),
                        _ => {
                            all = false;
                            None
                        }
                    })
                    .collect();
                op.handlers = Some(handlers);
                op.handlers_complete = all;
            }
            _ => {
                op.handlers = Some(vec![Handler::Unknown {
                    span: self.span(property),
                }]);
                op.handlers_complete = false;
            }
        }
    }

    // ----- authorization -----

    fn auth_rules(
        &mut self,
        property: Node<'s>,
        callback: Option<&Node<'s>>,
        level: AuthLevel,
    ) -> AuthRules {
        let span = self.span(property);
        let result = match callback {
            Some(node) => self.callback_value(*node, Callback::Authorization(level)),
            None => Value::Unknown,
        };
        let (rules, complete) = match result {
            Value::Rule(rule) => (vec![*rule], true),
            Value::Array(items, complete) => {
                let mut all = complete;
                let rules = items
                    .into_iter()
                    .filter_map(|v| match v {
                        Value::Rule(rule) => Some(*rule),
                        _ => {
                            all = false;
                            None
                        }
                    })
                    .collect();
                (rules, all)
            }
            _ => (Vec::new(), false),
        };
        AuthRules {
            span,
            rules,
            complete,
        }
    }

    fn allow(
        &mut self,
        level: AuthLevel,
        property: Node<'s>,
        name: &str,
        args: &[Node<'s>],
    ) -> Value<'s> {
        let values: Vec<Value<'s>> = args.iter().map(|a| self.expr(*a)).collect();
        let builder = self.name(property);
        let allowed = allow_builders(level);
        if !allowed.contains(&name) {
            let known = ALLOW_BUILDERS;
            if known.contains(&name) {
                self.report(
                    property,
                    "auth-builder-not-allowed",
                    format!("allow.{name} is not a function"),
                );
            }
            return Value::Unknown;
        }
        let as_name = |v: &Value<'s>| match v {
            Value::Str { text, span } if text.complete => Some(Name {
                text: text.text.as_str().into(),
                span: span.clone(),
            }),
            _ => None,
        };
        let mut complete = true;
        let (field, provider) = match name {
            "ownerDefinedIn" | "ownersDefinedIn" | "groupDefinedIn" | "groupsDefinedIn" => {
                let field = values.first().and_then(as_name);
                complete &= field.is_some();
                (field, values.get(1).and_then(as_name))
            }
            "group" | "groups" => (None, values.get(1).and_then(as_name)),
            "resource" => (None, None),
            _ => (None, values.first().and_then(as_name)),
        };
        let provider_index = match name {
            "ownerDefinedIn" | "ownersDefinedIn" | "groupDefinedIn" | "groupsDefinedIn"
            | "group" | "groups" => 1,
            _ => 0,
        };
        if name != "resource"
            && values
                .get(provider_index)
                .is_some_and(|p| !matches!(p, Value::Str { .. }))
        {
            complete = false;
        }
        if let Some(p) = &provider {
            let valid: Option<&[&str]> = match name {
                "authenticated" => Some(&["userPools", "oidc", "identityPool"]),
                "owner" | "ownerDefinedIn" | "ownersDefinedIn" => Some(&["userPools", "oidc"]),
                _ => None,
            };
            if let Some(valid) = valid
                && !valid.contains(&p.text.as_str())
            {
                self.report_span(
                    p.span.clone(),
                    "invalid-auth-provider",
                    format!("Invalid provider ({}) given!", p.text),
                );
            }
        }
        Value::Rule(Box::new(AuthRule {
            builder,
            provider,
            field,
            operations: None,
            to_span: None,
            complete,
        }))
    }

    fn rule_method(
        &mut self,
        mut rule: AuthRule,
        property: Node<'s>,
        name: &str,
        args: &[Node<'s>],
    ) -> Value<'s> {
        match name {
            "to" => {
                rule.to_span = Some(self.span(property));
                match args.first().map(|a| self.expr(*a)) {
                    Some(Value::Array(items, complete)) => {
                        let (operations, all) = string_names(items, complete);
                        rule.operations = Some(operations);
                        rule.complete &= all;
                    }
                    _ => rule.complete = false,
                }
            }
            _ => {
                for arg in args {
                    self.expr(*arg);
                }
            }
        }
        Value::Rule(Box::new(rule))
    }

    // ----- helpers -----

    /// The rules of field `index` of model `id`: its fields are copied first if shared.
    fn set_field_rules(&mut self, id: ModelId, index: usize, rules: AuthRules) {
        let fields = &mut self.model.models[id.0].fields;
        if index < fields.len() {
            Arc::make_mut(fields)[index].auth = Some(Box::new(rules));
        }
    }

    /// A schema transform whose result is thrown away: Amplify applies it through shared state,
    /// but the types that `ClientSchema` derives from the returned value do not see it.
    fn discarded(&mut self, expr: Node<'s>, value: &Value<'s>) {
        if !matches!(value, Value::Schema(_)) || expr.kind() != "call_expression" {
            return;
        }
        let Some(method) = expr
            .child_by_field_id(field::function())
            .filter(|f| f.kind() == "member_expression")
            .and_then(|f| f.child_by_field_id(field::property()))
        else {
            return;
        };
        let name = self.node_text(method);
        if matches!(
            name,
            "renameModels" | "setAuthorization" | "setRelationships" | "addToSchema"
        ) {
            let span = self.span(method);
            let diagnostic = ModelDiagnostic {
                span,
                code: "discarded-builder-result",
                message: format!(
                    "The result of {name}() is thrown away: the deployed API still gets the change through shared builder state, but the types ClientSchema derives from the schema do not"
                ),
                error: false,
            };
            self.model.diagnostics.push(diagnostic);
        }
    }

    fn mark_opaque(&mut self, value: &Value<'s>) {
        match value {
            Value::Schema(id) | Value::Models(id) => self.model.schemas[id.0].opaque = true,
            Value::Model(id) | Value::ModelOf(id) => self.model.models[id.0].opaque = true,
            Value::Object(entries, _) => {
                for (_, v) in entries {
                    self.mark_opaque(v);
                }
            }
            Value::Array(items, _) => {
                for v in items {
                    self.mark_opaque(v);
                }
            }
            _ => {}
        }
    }

    fn node_text(&self, node: Node<'s>) -> &'s str {
        let text: &'s str = self.sources.text(self.file_of(node));
        text.get(node.byte_range()).unwrap_or("")
    }

    /// The file a node belongs to: the file being evaluated. Closures restore their own file
    /// before their nodes are read.
    fn file_of(&self, _node: Node<'s>) -> FileId {
        self.file
    }

    fn span(&self, node: Node<'s>) -> Span {
        Span {
            file: self.file,
            range: node.byte_range(),
        }
    }

    fn name(&self, node: Node<'s>) -> Name {
        Name {
            text: self.node_text(node).into(),
            span: self.span(node),
        }
    }

    fn report(&mut self, node: Node<'s>, code: &'static str, message: String) {
        let span = self.span(node);
        self.report_span(span, code, message);
    }

    fn report_span(&mut self, span: Span, code: &'static str, message: String) {
        let diagnostic = ModelDiagnostic {
            span,
            code,
            message,
            error: true,
        };
        if self.model.diagnostics.contains(&diagnostic) {
            // What a replayed entry would report depends on this (see `entry_memo`).
            self.reports_dropped += 1;
        } else {
            self.model.diagnostics.push(diagnostic);
        }
    }
}

/// The names of an array of string literals, and whether every element was one.
fn string_names(items: Vec<Value<'_>>, complete: bool) -> (Vec<Name>, bool) {
    let mut all = complete;
    let names = items
        .into_iter()
        .filter_map(|v| match v {
            Value::Str { text, span } if text.complete => Some(Name {
                text: text.text.into(),
                span,
            }),
            _ => {
                all = false;
                None
            }
        })
        .collect();
    (names, all)
}

/// The entries of an object literal in JavaScript's order: a key set again keeps its first place
/// and takes the new value. Indexed, so a schema with thousands of models stays linear.
#[derive(Default)]
struct ObjectEntries<'t> {
    entries: Vec<(Name, Value<'t>)>,
    index: HashMap<NameText, usize>,
}

impl<'t> ObjectEntries<'t> {
    fn set(&mut self, key: Name, value: Value<'t>) {
        match self.index.get(&key.text) {
            Some(&i) => self.entries[i] = (key, value),
            None => {
                self.index.insert(key.text.clone(), self.entries.len());
                self.entries.push((key, value));
            }
        }
    }

    fn into_vec(self) -> Vec<(Name, Value<'t>)> {
        self.entries
    }
}

fn descendants_of_kind<'t>(node: Node<'t>, kind: &'static str) -> impl Iterator<Item = Node<'t>> {
    let mut found = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.kind() == kind {
            found.push(n);
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    found.into_iter()
}

/// The value of a module specifier or key written as a string literal (quotes removed).
pub(crate) fn string_literal_text(text: &str) -> String {
    let trimmed = text.trim();
    let unquoted = trimmed
        .strip_prefix(['"', '\'', '`'])
        .and_then(|t| t.strip_suffix(['"', '\'', '`']))
        .unwrap_or(trimmed);
    unquoted.to_owned()
}

/// The value of a string or template literal of `file` (whose text is `source`), mapped back
/// into the file, and the span of its contents (without the quotes).
pub(crate) fn string_value(node: Node<'_>, source: &str, file: FileId) -> (MappedText, Span) {
    let node_text = |n: Node<'_>| source.get(n.byte_range()).unwrap_or("");
    let mut text = MappedText::new();
    let mut cursor = node.walk();
    for part in node.named_children(&mut cursor) {
        match part.kind() {
            "string_fragment" => text.push_verbatim(file, node_text(part), part.start_byte()),
            "escape_sequence" => {
                let decoded = decode_escape(node_text(part));
                text.push_escape(file, &decoded, part.byte_range());
            }
            "template_substitution" => text.complete = false,
            _ => {}
        }
    }
    // The span of the contents, without the quotes. An unterminated string (error recovery)
    // has no closing quote: cutting a byte there could split a character (found by fuzzing).
    let range = node.byte_range();
    let raw = node_text(node);
    let quotes: &[char] = &['"', '\'', '`'];
    let opens = raw.starts_with(quotes);
    let closes = raw.len() > 1 && raw.ends_with(quotes);
    let start = (range.start + usize::from(opens)).min(range.end);
    let end = range.end.saturating_sub(usize::from(closes)).max(start);
    (
        text,
        Span {
            file,
            range: start..end,
        },
    )
}

/// Decodes one JavaScript escape sequence (including its backslash).
fn decode_escape(text: &str) -> String {
    let body = text.strip_prefix('\\').unwrap_or(text);
    let mut chars = body.chars();
    match chars.next() {
        Some('n') => "\n".into(),
        Some('t') => "\t".into(),
        Some('r') => "\r".into(),
        Some('b') => "\u{8}".into(),
        Some('f') => "\u{c}".into(),
        Some('v') => "\u{b}".into(),
        Some('0') if body.len() == 1 => "\0".into(),
        Some('\n' | '\r' | '\u{2028}' | '\u{2029}') => String::new(),
        Some('x') => u32::from_str_radix(chars.as_str(), 16)
            .ok()
            .and_then(char::from_u32)
            .map(String::from)
            .unwrap_or_default(),
        Some('u') => {
            let digits = chars.as_str().trim_start_matches('{').trim_end_matches('}');
            u32::from_str_radix(digits, 16)
                .ok()
                .and_then(char::from_u32)
                .map(String::from)
                .unwrap_or_default()
        }
        Some(c) => c.to_string(),
        None => String::new(),
    }
}

/// Removes `.` and `..` components without touching the disk.
pub fn normalize_path(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATH: &str = "/project/amplify/data/schema.sql.ts";
    const TEXT: &str = "export const schema = 1;\n";

    fn saved(exports: Exports<'static>) -> Vec<u8> {
        let kept = Kept {
            file: FileId(0),
            path: PathBuf::from(PATH),
            text: TEXT.to_owned(),
            depth: 0,
            model: SchemaModel::default(),
            exports,
            number: 0,
        };
        postcard::to_stdvec(&kept).expect("serialized")
    }

    fn restores(bytes: &[u8]) -> bool {
        // On a thread of the size the server reads saved evaluations on.
        let bytes = bytes.to_vec();
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || EvalMemo::default().restore_saved(&bytes, Path::new(PATH), TEXT))
            .expect("thread")
            .join()
            .expect("no panic")
    }

    fn export(value: Value<'static>) -> Exports<'static> {
        HashMap::from_iter([("x".to_owned(), value)])
    }

    /// `{ x: [[[...Unknown...]]] }` nested `depth` arrays deep, written byte by byte: serializing
    /// a value that deep would itself overflow the stack.
    fn nested_arrays(depth: usize) -> Vec<u8> {
        let mut bytes = saved(export(Value::Unknown));
        let unknown = bytes.pop().expect("the tag of Unknown ends the record");
        let array_tag = postcard::to_stdvec(&Value::Array(Vec::new(), false)).expect("tag")[0];
        for _ in 0..depth {
            bytes.extend([array_tag, 1]);
        }
        bytes.push(unknown);
        bytes.extend(std::iter::repeat_n(0, depth));
        bytes
    }

    #[test]
    fn a_saved_record_nested_beyond_reason_is_refused_without_overflowing_the_stack() {
        assert!(restores(&nested_arrays(50)));
        assert!(!restores(&nested_arrays(1_000_000)));
    }

    /// A custom type whose one field is a custom type, `depth` deep.
    fn nested_custom_type(depth: usize) -> Value<'static> {
        let span = Span {
            file: FileId(0),
            range: 0..1,
        };
        let mut ty = FieldType::Unknown;
        for _ in 0..depth {
            ty = FieldType::CustomType(CustomType {
                span: span.clone(),
                fields: vec![Evaluator::new_field(span.clone(), ty)],
                complete: true,
            });
        }
        match ty {
            FieldType::CustomType(t) => Value::CustomType(t),
            _ => Value::Unknown,
        }
    }

    /// Custom types nest through more frames of the reader per level than arrays: the deepest
    /// one read back still fits the thread's stack (a debug build's frames are the largest),
    /// and one level more is refused. The saving side reads its bytes back, so what it writes
    /// is always read.
    #[test]
    fn custom_types_as_deep_as_can_be_read_fit_the_stack_and_are_saved() {
        assert!(restores(&saved(export(nested_custom_type(127)))));
        assert!(!restores(&saved(export(nested_custom_type(129)))));
        let kept = |depth| {
            Arc::new(Kept {
                file: FileId(0),
                path: PathBuf::from(PATH),
                text: TEXT.to_owned(),
                depth: 0,
                model: SchemaModel::default(),
                exports: export(nested_custom_type(depth)),
                number: 0,
            })
        };
        assert!(SavedEvaluation { kept: kept(127) }.to_bytes().is_some());
        assert!(SavedEvaluation { kept: kept(129) }.to_bytes().is_none());
    }

    #[test]
    fn a_saved_record_naming_what_it_does_not_hold_is_refused() {
        assert!(restores(&saved(export(Value::Unknown))));
        // A model id, a schema id, a field of a model past the ends of the (empty) model.
        assert!(!restores(&saved(export(Value::Model(ModelId(3))))));
        assert!(!restores(&saved(export(Value::Models(SchemaId(0))))));
        assert!(!restores(&saved(export(Value::FieldOf(ModelId(0), 1)))));
        // A span of another file, and one past the end of the text.
        let span = |file, range| Value::Str {
            text: MappedText::new(),
            span: Span { file, range },
        };
        assert!(restores(&saved(export(span(FileId(0), 0..6)))));
        assert!(!restores(&saved(export(span(FileId(1), 0..6)))));
        assert!(!restores(&saved(export(span(
            FileId(0),
            0..TEXT.len() + 1
        )))));
        // A mapped text whose pieces lie outside it.
        let mut text = MappedText::new();
        text.push_verbatim(FileId(0), "export", 0);
        assert!(restores(&saved(export(Value::Str {
            text: text.clone(),
            span: Span {
                file: FileId(0),
                range: 0..6,
            },
        }))));
        // A piece that ends inside a character of the text.
        let mut split = MappedText::new();
        split.push_verbatim(FileId(0), "é", 0);
        split.text = "😀".to_owned();
        assert!(!restores(&saved(export(Value::Str {
            text: split,
            span: Span {
                file: FileId(0),
                range: 0..2,
            },
        }))));
        text.text.clear();
        assert!(!restores(&saved(export(Value::Str {
            text,
            span: Span {
                file: FileId(0),
                range: 0..6,
            },
        }))));
    }
}

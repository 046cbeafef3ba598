//! Evaluation by declaration: the value of each entry of a schema object (`"posts": a.model({...})`
//! in `a.schema({...})` or `addToSchema({...})`), the rules of each authorization callback
//! (`(allow) => [allow.owner()]`) and the pairs of a `renameModels` callback are kept between
//! evaluations, keyed by their text, and replayed when the text is unchanged, their spans moved to
//! where the text now is.
//!
//! A text can be replayed only if its value depends on it alone: every identifier in it is `a`
//! (Amplify's namespace) or a parameter of a callback written in it (`allow` in
//! `.authorization((allow) => ...)`), and its evaluation only created models and reported
//! diagnostics of its own. A model keystroke in a 1,000-model `schema.sql.ts` then evaluates one
//! entry instead of 1,000, the 1,000 `models.X.authorization(...)` of a `setAuthorization`
//! callback each look their rules up instead of evaluating them, and so do the 1,000 pairs of a
//! `renameModels` callback.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use tree_sitter::Node;

use super::{Evaluator, Value};
use crate::field;
use crate::model::{AuthLevel, FileId, Model, ModelDiagnostic, ModelId};
use crate::shift::{Moved, Shift, Spans};
use crate::text::TextRange;

/// The kept evaluations of schema entries, by file. Part of [`super::EvalMemo`].
#[derive(Default)]
pub(super) struct EntryMemo {
    files: Mutex<HashMap<PathBuf, Runs>>,
    hasher: std::hash::RandomState,
    /// Entries replayed by the last evaluation (for tests and logs).
    replayed: std::sync::atomic::AtomicUsize,
}

/// Entries used by the last evaluation of a file, and by the one before: what the last did not
/// use is dropped when the file is evaluated again.
#[derive(Default)]
struct Runs {
    current: HashMap<u64, Arc<Entry>>,
    previous: HashMap<u64, Arc<Entry>>,
}

/// What a kept text was evaluated as: the same text evaluates differently as a schema entry and
/// as the authorization callback of each level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Evaluated {
    Entry,
    Callback(Callback),
}

/// A callback whose value is kept by its text, and what it is called with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Callback {
    /// `.authorization((allow) => ...)`, called with the `allow` of its level.
    Authorization(AuthLevel),
    /// `renameModels(() => [['table', 'Model'], ...])`, called with nothing.
    Renames,
}

/// One entry's evaluation, its spans relative to the start of the entry's value and its model
/// ids relative to the first model it created.
struct Entry {
    file: FileId,
    depth: usize,
    evaluated: Evaluated,
    text: Box<str>,
    /// Identifiers written in the entry, and which of them are callback parameters.
    names: Vec<String>,
    parameters: HashSet<String>,
    value: Value<'static>,
    models: Vec<Model>,
    diagnostics: Vec<ModelDiagnostic>,
}

impl EntryMemo {
    fn files(&self) -> MutexGuard<'_, HashMap<PathBuf, Runs>> {
        // Entries are inserted whole: a poisoned lock still holds consistent data.
        self.files.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Ends an evaluation that evaluated the entries of `paths` (and replayed `replayed`).
    pub(super) fn end_run(&self, paths: &HashSet<PathBuf>, replayed: usize) {
        let mut files = self.files();
        for path in paths {
            if let Some(runs) = files.get_mut(path) {
                runs.previous = std::mem::take(&mut runs.current);
            }
        }
        self.replayed
            .store(replayed, std::sync::atomic::Ordering::Relaxed);
    }

    /// How many entries the last evaluation replayed instead of evaluating.
    pub(super) fn replayed(&self) -> usize {
        self.replayed.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn find(&self, path: &Path, key: u64, found: impl Fn(&Entry) -> bool) -> Option<Arc<Entry>> {
        let mut files = self.files();
        let runs = files.get_mut(path)?;
        if let Some(entry) = runs.current.get(&key).filter(|e| found(e)) {
            return Some(entry.clone());
        }
        let entry = runs.previous.remove(&key).filter(|e| found(e))?;
        runs.current.insert(key, entry.clone());
        Some(entry)
    }

    fn insert(&self, path: &Path, key: u64, entry: Entry) {
        self.files()
            .entry(path.to_path_buf())
            .or_default()
            .current
            .insert(key, Arc::new(entry));
    }
}

impl<'s> Evaluator<'s> {
    /// The value of a schema entry, replayed from the memo when its text was evaluated before.
    pub(super) fn entry_value(&mut self, node: Node<'s>) -> Value<'s> {
        self.memoized(node, Evaluated::Entry, |evaluator| evaluator.expr(node))
    }

    /// What callback `node` returns when called as `callback` says, replayed from the memo when
    /// its text was evaluated before.
    pub(super) fn callback_value(&mut self, node: Node<'s>, callback: Callback) -> Value<'s> {
        let args = match callback {
            Callback::Authorization(level) => vec![Value::Allow(level)],
            Callback::Renames => Vec::new(),
        };
        self.memoized(node, Evaluated::Callback(callback), |evaluator| {
            evaluator.callback(Some(&node), args)
        })
    }

    /// `evaluate`'s value of `node`, or the one kept for its text.
    fn memoized(
        &mut self,
        node: Node<'s>,
        evaluated: Evaluated,
        evaluate: impl FnOnce(&mut Self) -> Value<'s>,
    ) -> Value<'s> {
        let Some(memo) = self.memo.map(|m| &m.entries) else {
            return evaluate(self);
        };
        if node.has_error() {
            return evaluate(self);
        }
        let text = self.node_text(node);
        let path = self.sources.path(self.file).to_path_buf();
        let key = memo
            .hasher
            .hash_one((text, self.file, self.depth, evaluated));
        self.entry_paths.insert(path.clone());
        let found = |e: &Entry| {
            e.file == self.file
                && e.depth == self.depth
                && e.evaluated == evaluated
                && *e.text == *text
        };
        if let Some(entry) = memo.find(&path, key, found)
            && self.reads_nothing_outside(&entry.names, &entry.parameters)
        {
            self.entries_replayed += 1;
            return self.replay(&entry, node.start_byte());
        }
        let (names, parameters) = written_names(node, self.sources.text(self.file));
        if !self.reads_nothing_outside(&names, &parameters) {
            return evaluate(self);
        }
        let before = Counts::of(self);
        let value = evaluate(self);
        if let Some(entry) = self.record(node, evaluated, &before, &value, names, parameters) {
            memo.insert(&path, key, entry);
        }
        value
    }

    /// Whether every name written in an entry is `a`, bound to Amplify's namespace, or one of
    /// its callbacks' parameters, unbound outside it (so an occurrence outside the callback
    /// reads nothing either).
    fn reads_nothing_outside(&self, names: &[String], parameters: &HashSet<String>) -> bool {
        names.iter().all(|name| {
            if parameters.contains(name) {
                matches!(self.lookup(name), Value::Unknown)
            } else {
                name == "a" && matches!(self.lookup(name), Value::A)
            }
        })
    }

    /// The entry as kept, if its evaluation did nothing but create its own models and report.
    fn record(
        &self,
        node: Node<'s>,
        evaluated: Evaluated,
        before: &Counts,
        value: &Value<'s>,
        names: Vec<String>,
        parameters: HashSet<String>,
    ) -> Option<Entry> {
        // A report dropped as a repeat of one made outside the entry would be missing from the
        // entry where that other one is not made.
        if Counts::of(self).others != before.others || self.reports_dropped != before.dropped {
            return None;
        }
        let mut value = value.without_code()?;
        let start = isize::try_from(node.start_byte()).ok()?;
        let to_relative = Moved {
            file: self.file,
            from: 0,
            delta: -start,
        };
        let mut models = self.model.models.get(before.models..)?.to_vec();
        // A model placed in a schema (a copy made by `add_entry`) is not the entry's own.
        if models.iter().any(|m| m.schema.is_some()) {
            return None;
        }
        models.shift(&to_relative);
        let mut diagnostics = self.model.diagnostics.get(before.diagnostics..)?.to_vec();
        diagnostics.shift(&to_relative);
        if !offset_model_ids(&mut value, before.models, -1) {
            return None;
        }
        value.shift(&to_relative);
        Some(Entry {
            file: self.file,
            depth: self.depth,
            evaluated,
            text: self.node_text(node).into(),
            names,
            parameters,
            value,
            models,
            diagnostics,
        })
    }

    fn replay(&mut self, entry: &Entry, start: usize) -> Value<'s> {
        let to_here = Moved {
            file: entry.file,
            from: 0,
            delta: isize::try_from(start).unwrap_or(0),
        };
        let base = self.model.models.len();
        for model in &entry.models {
            let mut model = model.clone();
            model.shift(&to_here);
            self.model.models.push(model);
        }
        for diagnostic in &entry.diagnostics {
            let mut diagnostic = diagnostic.clone();
            diagnostic.shift(&to_here);
            // As `report_span` does: the same report twice is one.
            if self.model.diagnostics.contains(&diagnostic) {
                self.reports_dropped += 1;
            } else {
                self.model.diagnostics.push(diagnostic);
            }
        }
        let mut value = entry.value.clone();
        offset_model_ids(&mut value, base, 1);
        value.shift(&to_here);
        value
    }
}

/// What an entry's evaluation may change (models, diagnostics) and what it must not.
struct Counts {
    models: usize,
    diagnostics: usize,
    dropped: usize,
    others: [usize; 4],
}

impl Counts {
    fn of(evaluator: &Evaluator<'_>) -> Counts {
        let m = &evaluator.model;
        Counts {
            models: m.models.len(),
            diagnostics: m.diagnostics.len(),
            dropped: evaluator.reports_dropped,
            others: [
                m.schemas.len(),
                m.combines.len(),
                m.name_uses.len(),
                m.models_callbacks.len(),
            ],
        }
    }
}

/// The identifiers written under `node` (including shorthand properties, which read a binding),
/// and those declared as callback parameters.
fn written_names(node: Node<'_>, text: &str) -> (Vec<String>, HashSet<String>) {
    let mut names = HashSet::new();
    let mut parameters = HashSet::new();
    let mut cursor = node.walk();
    let mut stack = vec![node];
    let name_of = |n: Node<'_>| text.get(n.byte_range()).unwrap_or("").to_owned();
    while let Some(n) = stack.pop() {
        match n.kind() {
            "identifier" | "shorthand_property_identifier" => {
                names.insert(name_of(n));
            }
            // The parameters `invoke` binds.
            "arrow_function" | "function_expression" | "function" => {
                if let Some(p) = n.child_by_field_id(field::parameter()) {
                    parameters.insert(name_of(p));
                }
                if let Some(ps) = n.child_by_field_id(field::parameters()) {
                    let mut inner = ps.walk();
                    for p in ps.named_children(&mut inner) {
                        let p = if p.kind() == "identifier" {
                            Some(p)
                        } else {
                            p.child_by_field_id(field::pattern())
                        };
                        if let Some(p) = p.filter(|p| p.kind() == "identifier") {
                            parameters.insert(name_of(p));
                        }
                    }
                }
            }
            _ => {}
        }
        stack.extend(n.named_children(&mut cursor));
    }
    let mut names: Vec<String> = names.into_iter().collect();
    names.sort();
    (names, parameters)
}

/// Moves the model ids in `value` by `base` (`sign` 1) or back to relative (`sign` -1); false if
/// a relative id would be negative (the value names a model the entry did not create).
fn offset_model_ids(value: &mut Value<'_>, base: usize, sign: isize) -> bool {
    let move_id = |id: &mut ModelId| {
        if sign < 0 {
            match id.0.checked_sub(base) {
                Some(relative) => {
                    id.0 = relative;
                    true
                }
                None => false,
            }
        } else {
            id.0 += base;
            true
        }
    };
    match value {
        Value::Model(id) | Value::ModelOf(id) | Value::FieldsOf(id) | Value::FieldOf(id, _) => {
            move_id(id)
        }
        Value::Array(items, _) => items
            .iter_mut()
            .all(|item| offset_model_ids(item, base, sign)),
        Value::Object(entries, _) => entries
            .iter_mut()
            .all(|(_, item)| offset_model_ids(item, base, sign)),
        _ => true,
    }
}

impl Spans for Value<'_> {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        match self {
            Value::Str { text, span } => {
                text.each_span(f);
                span.each_span(f);
            }
            Value::Array(items, _) => items.each_span(f),
            Value::Object(entries, _) => {
                for (key, value) in entries {
                    key.each_span(f);
                    value.each_span(f);
                }
            }
            Value::DbConfig(database) => database.each_span(f),
            Value::Secretref(name) => name.each_span(f),
            Value::Field(field, _) => field.each_span(f),
            Value::CustomType(t) => t.each_span(f),
            Value::Enum(e) => e.each_span(f),
            Value::Operation(op) => op.each_span(f),
            Value::Handler(handler) => handler.each_span(f),
            Value::Rule(rule) => rule.each_span(f),
            Value::Unknown
            | Value::A
            | Value::AHandler
            | Value::Configure
            | Value::Secret
            | Value::AmplifyReader
            | Value::Closure { .. }
            | Value::Schema(_)
            | Value::Combined
            | Value::Model(_)
            | Value::Ai
            | Value::Allow(_)
            | Value::Models(_)
            | Value::ModelOf(_)
            | Value::FieldsOf(_)
            | Value::FieldOf(..) => {}
        }
    }
}

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
//!
//! A `setAuthorization` callback reads the models it names, so its value is not its text's alone:
//! one written as `(models) => [models.X.authorization(cb), models.X.fields.f.authorization(cb)]`
//! is kept as what it set on each named model and field, and replayed when every name still finds
//! its model and field (a keystroke in a model of `schema.sql.ts` then walks none of its 1,000
//! elements).

use foldhash::{HashMap, HashSet, HashSetExt};
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};

use crate::Node;

use super::{Evaluator, Value};
use crate::field;
use crate::model::{
    AuthLevel, AuthRules, FileId, Model, ModelDiagnostic, ModelId, NameUse, SchemaId, Span,
    TypeDef, UseTarget,
};
use crate::shift::{Moved, Shift, Spans};
use crate::text::TextRange;

/// The kept evaluations of schema entries, by file. Part of [`super::EvalMemo`].
#[derive(Default)]
pub(super) struct EntryMemo {
    files: Mutex<HashMap<PathBuf, Runs>>,
    hasher: foldhash::quality::RandomState,
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
    /// The callback of `setAuthorization`, called with a schema's `models`.
    SetAuthorization,
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
    outcome: Outcome,
    diagnostics: Vec<ModelDiagnostic>,
}

/// What evaluating a kept text gave, besides its diagnostics.
enum Outcome {
    /// Its value, and the models it created.
    Value {
        value: Value<'static>,
        models: Vec<Model>,
    },
    /// The rules a `setAuthorization` callback set, element by element, and the memo keys of
    /// its authorization callbacks (kept with it, for when its text changes).
    Authorizations(Vec<KeptAuthorization>, Vec<u64>),
}

/// One `models.X.authorization(cb)` (or `models.X.fields.f.authorization(cb)`) of a kept
/// `setAuthorization` callback: the names it looks up, and the rules its model or field ended with.
struct KeptAuthorization {
    model: (String, TextRange),
    field: Option<(String, TextRange)>,
    rules: AuthRules,
}

/// Where a memo entry is, or would be, kept.
struct Slot<'p> {
    path: &'p Path,
    key: u64,
}

impl EntryMemo {
    fn files(&self) -> MutexGuard<'_, HashMap<PathBuf, Runs>> {
        // Entries are inserted whole: a poisoned lock still holds consistent data.
        self.files.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Ends an evaluation that evaluated the entries of `paths` (and replayed `replayed`).
    pub(super) fn end_run<'p>(&self, paths: impl Iterator<Item = &'p Path>, replayed: usize) {
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

    /// Keeps the entries of `keys` for the next evaluation, as if this one had used them.
    fn keep(&self, path: &Path, keys: &[u64]) {
        let mut files = self.files();
        let Some(runs) = files.get_mut(path) else {
            return;
        };
        for key in keys {
            if let Some(entry) = runs.previous.remove(key) {
                runs.current.insert(*key, entry);
            }
        }
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
        let (slot, kept) = self.look_up(memo, node, evaluated);
        if let Some(trail) = &mut self.memo_trail {
            trail.push(slot.key);
        }
        if let Some(entry) = kept
            && let Outcome::Value { value, models } = &entry.outcome
        {
            self.entries_replayed += 1;
            return self.replay(&entry, value, models, node.start_byte());
        }
        let (names, parameters) = written_names(node, self.sources.text(self.file));
        if !self.reads_nothing_outside(&names, &parameters) {
            return evaluate(self);
        }
        let before = Counts::of(self);
        let value = evaluate(self);
        if let Some(entry) = self.record(node, evaluated, &before, &value, names, parameters) {
            memo.insert(slot.path, slot.key, entry);
        }
        value
    }

    /// Where `node`'s text evaluated as `evaluated` is kept, and what is kept there if it can be
    /// replayed here (the names it reads are still bound as they were).
    fn look_up(
        &mut self,
        memo: &EntryMemo,
        node: Node<'s>,
        evaluated: Evaluated,
    ) -> (Slot<'s>, Option<Arc<Entry>>) {
        let text = self.node_text(node);
        let path = self.sources.path(self.file);
        let key = memo
            .hasher
            .hash_one((text, self.file, self.depth, evaluated));
        self.entry_files.insert(self.file);
        let found = |e: &Entry| {
            e.file == self.file
                && e.depth == self.depth
                && e.evaluated == evaluated
                && *e.text == *text
        };
        let kept = memo
            .find(path, key, found)
            .filter(|entry| self.reads_nothing_outside(&entry.names, &entry.parameters));
        (Slot { path, key }, kept)
    }

    /// `setAuthorization(node)` on `schema`: the callback called with the schema's `models`, or
    /// what it set replayed when its text was evaluated before and each model and field it names
    /// is still found.
    pub(super) fn set_authorization(&mut self, schema: SchemaId, node: Node<'s>) {
        let evaluate = |evaluator: &mut Self| {
            evaluator.callback(
                Some(&node),
                vec![Value::Models(schema), Value::Schema(schema)],
            );
        };
        let Some(memo) = self.memo.map(|m| &m.entries) else {
            return evaluate(self);
        };
        if node.has_error() {
            return evaluate(self);
        }
        let (slot, kept) = self.look_up(memo, node, Evaluated::SetAuthorization);
        if let Some(entry) = kept
            && let Outcome::Authorizations(elements, callbacks) = &entry.outcome
            && let Some(targets) = self.targets(schema, elements)
        {
            self.entries_replayed += 1;
            memo.keep(slot.path, callbacks);
            self.replay_authorizations(&entry, elements, &targets, node.start_byte());
            return;
        }
        let shape = authorization_shape(node, self.sources.text(self.file))
            .filter(|shape| self.reads_nothing_outside(&shape.names, &shape.parameters));
        let Some(Shape {
            elements: shape,
            names,
            parameters,
        }) = shape
        else {
            return evaluate(self);
        };
        let before = Counts::of(self);
        let outer_trail = self.memo_trail.replace(Vec::new());
        evaluate(self);
        let callbacks = std::mem::replace(&mut self.memo_trail, outer_trail).unwrap_or_default();
        if let Some(entry) =
            self.record_authorizations(node, &before, &shape, names, parameters, callbacks)
        {
            memo.insert(slot.path, slot.key, entry);
        }
    }

    /// The model (and field index) each kept element names now, if every name is still found.
    fn targets(
        &mut self,
        schema: SchemaId,
        elements: &[KeptAuthorization],
    ) -> Option<Vec<(ModelId, Option<usize>)>> {
        elements
            .iter()
            .map(|element| {
                let position = self.entry_position(schema, &element.model.0)?;
                let TypeDef::Model(id) = self.model.schemas[schema.0].entries[position].def else {
                    return None;
                };
                let field = match &element.field {
                    Some((name, _)) => Some(
                        self.model.models[id.0]
                            .fields
                            .iter()
                            .position(|f| f.name.text == *name)?,
                    ),
                    None => None,
                };
                Some((id, field))
            })
            .collect()
    }

    /// Does what the kept callback's evaluation did, on the models and fields found now: the
    /// name uses, the rules, the diagnostics.
    fn replay_authorizations(
        &mut self,
        entry: &Entry,
        elements: &[KeptAuthorization],
        targets: &[(ModelId, Option<usize>)],
        start: usize,
    ) {
        let to_here = Moved {
            file: entry.file,
            from: 0,
            delta: isize::try_from(start).unwrap_or(0),
        };
        let span_here = |range: &TextRange| Span {
            file: entry.file,
            range: range.start + start..range.end + start,
        };
        for (element, &(id, field)) in elements.iter().zip(targets) {
            self.model.name_uses.push(NameUse {
                span: span_here(&element.model.1),
                target: UseTarget::Model(id),
            });
            let mut rules = element.rules.clone();
            rules.shift(&to_here);
            match (&element.field, field) {
                (Some((name, range)), Some(index)) => {
                    self.model.name_uses.push(NameUse {
                        span: span_here(range),
                        target: UseTarget::Field(id, name.clone()),
                    });
                    self.set_field_rules(id, index, rules);
                }
                (None, _) => self.model.models[id.0].auth = Some(rules),
                // `targets` found every field it names before anything was replayed.
                (Some(_), None) => {}
            }
        }
        self.replay_diagnostics(&entry.diagnostics, &to_here);
    }

    /// The callback as kept, if its evaluation did what its shape says and nothing else: one
    /// name use per model and field named (each found), no model created, nothing else changed.
    fn record_authorizations(
        &self,
        node: Node<'s>,
        before: &Counts,
        shape: &[ElementShape],
        names: Vec<String>,
        parameters: HashSet<String>,
        callbacks: Vec<u64>,
    ) -> Option<Entry> {
        let after = Counts::of(self);
        let [schemas, combines, name_uses, models_callbacks] = before.others;
        let written = shape
            .iter()
            .map(|e| 1 + usize::from(e.field.is_some()))
            .sum::<usize>();
        if after.others != [schemas, combines, name_uses + written, models_callbacks]
            || after.models != before.models
            || self.reports_dropped != before.dropped
        {
            return None;
        }
        let start = node.start_byte();
        let to_relative = Moved {
            file: self.file,
            from: 0,
            delta: -isize::try_from(start).ok()?,
        };
        let relative = |range: &TextRange| -> Option<TextRange> {
            Some(range.start.checked_sub(start)?..range.end.checked_sub(start)?)
        };
        let text = self.sources.text(self.file);
        let mut uses = self.model.name_uses.get(name_uses..)?.iter();
        let mut elements = Vec::with_capacity(shape.len());
        for element in shape {
            let model_use = uses.next()?;
            let UseTarget::Model(id) = model_use.target else {
                return None;
            };
            if model_use.span.range.start != element.model.start {
                return None;
            }
            let model = self.model.models.get(id.0)?;
            let (field, auth) = match &element.field {
                Some(range) => {
                    let field_use = uses.next()?;
                    let UseTarget::Field(field_model, name) = &field_use.target else {
                        return None;
                    };
                    if *field_model != id || field_use.span.range.start != range.start {
                        return None;
                    }
                    let field = model.fields.iter().find(|f| f.name.text == *name)?;
                    (
                        Some((name.clone(), relative(range)?)),
                        field.auth.as_deref(),
                    )
                }
                None => (None, model.auth.as_ref()),
            };
            let mut rules = auth?.clone();
            rules.shift(&to_relative);
            let name = text.get(element.model.clone())?.to_owned();
            elements.push(KeptAuthorization {
                model: (name, relative(&element.model)?),
                field,
                rules,
            });
        }
        let mut diagnostics = self.model.diagnostics.get(before.diagnostics..)?.to_vec();
        diagnostics.shift(&to_relative);
        Some(Entry {
            file: self.file,
            depth: self.depth,
            evaluated: Evaluated::SetAuthorization,
            text: self.node_text(node).into(),
            names,
            parameters,
            outcome: Outcome::Authorizations(elements, callbacks),
            diagnostics,
        })
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
            outcome: Outcome::Value { value, models },
            diagnostics,
        })
    }

    fn replay(
        &mut self,
        entry: &Entry,
        value: &Value<'static>,
        models: &[Model],
        start: usize,
    ) -> Value<'s> {
        let to_here = Moved {
            file: entry.file,
            from: 0,
            delta: isize::try_from(start).unwrap_or(0),
        };
        let base = self.model.models.len();
        for model in models {
            let mut model = model.clone();
            model.shift(&to_here);
            self.model.models.push(model);
        }
        self.replay_diagnostics(&entry.diagnostics, &to_here);
        let mut value = value.clone();
        offset_model_ids(&mut value, base, 1);
        value.shift(&to_here);
        value
    }

    fn replay_diagnostics(&mut self, diagnostics: &[ModelDiagnostic], to_here: &Moved) {
        for diagnostic in diagnostics {
            let mut diagnostic = diagnostic.clone();
            diagnostic.shift(to_here);
            // As `report_span` does: the same report twice is one.
            if self.model.diagnostics.contains(&diagnostic) {
                self.reports_dropped += 1;
            } else {
                self.model.diagnostics.push(diagnostic);
            }
        }
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
    visit_names(
        node,
        text,
        |name| {
            names.insert(name.to_owned());
        },
        |parameter| {
            parameters.insert(parameter.to_owned());
        },
    );
    let mut names: Vec<String> = names.into_iter().collect();
    names.sort();
    (names, parameters)
}

/// The node kinds [`visit_names`] acts on, as symbol ids (every id of each name), looked up once
/// instead of a `&str` made of each node's C name. Tree-sitter's moves between nodes dominate the
/// walk either way (callgrind); not descending into literals is what makes it cheaper.
struct NameKinds {
    identifiers: Vec<u16>,
    functions: Vec<u16>,
    /// Nodes that hold no identifier: their children are not visited (a rename callback is
    /// thousands of string literals).
    leaves: Vec<u16>,
}

static NAME_KINDS: LazyLock<NameKinds> = LazyLock::new(|| {
    let language: tree_sitter::Language = tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into();
    let ids_of = |names: &[&str]| {
        (0..language.node_kind_count())
            .filter_map(|id| u16::try_from(id).ok())
            .filter(|&id| {
                language.node_kind_is_named(id)
                    && language
                        .node_kind_for_id(id)
                        .is_some_and(|kind| names.contains(&kind))
            })
            .collect()
    };
    NameKinds {
        identifiers: ids_of(&["identifier", "shorthand_property_identifier"]),
        functions: ids_of(&["arrow_function", "function_expression", "function"]),
        leaves: ids_of(&["string", "comment", "number"]),
    }
});

/// Calls `on_name` with each identifier written under `node` (shorthand properties included),
/// and `on_parameter` with each parameter of a callback written under it (the ones `invoke` binds).
fn visit_names<'t>(
    node: Node<'_>,
    text: &'t str,
    mut on_name: impl FnMut(&'t str),
    mut on_parameter: impl FnMut(&'t str),
) {
    let kinds = &*NAME_KINDS;
    let name_of = |n: Node<'_>| text.get(n.byte_range()).unwrap_or("");
    let mut cursor = node.walk();
    'walk: loop {
        let n = cursor.node();
        let kind = n.kind_id();
        if kinds.identifiers.contains(&kind) {
            on_name(name_of(n));
        } else if kinds.functions.contains(&kind) {
            parameters_of(n, |p| on_parameter(name_of(p)));
        }
        if !kinds.leaves.contains(&kind) && cursor.goto_first_child() {
            continue;
        }
        // The cursor does not leave `node`: at it, there is no sibling and no parent.
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
}

/// Calls `on_parameter` with each identifier parameter of a function node.
fn parameters_of<'t>(function: Node<'t>, mut on_parameter: impl FnMut(Node<'t>)) {
    if let Some(p) = function.child_by_field_id(field::parameter()) {
        on_parameter(p);
    }
    if let Some(ps) = function.child_by_field_id(field::parameters()) {
        let mut inner = ps.walk();
        for p in ps.named_children(&mut inner) {
            let p = if p.kind() == "identifier" {
                Some(p)
            } else {
                p.child_by_field_id(field::pattern())
            };
            if let Some(p) = p.filter(|p| p.kind() == "identifier") {
                on_parameter(p);
            }
        }
    }
}

/// A `setAuthorization` callback whose evaluation can only set the rules of the models and fields
/// it names: those names, and the identifiers and parameters written in it (as [`written_names`]).
struct Shape {
    elements: Vec<ElementShape>,
    names: Vec<String>,
    parameters: HashSet<String>,
}

/// The byte ranges of the names one element of a `setAuthorization` callback looks up.
struct ElementShape {
    model: TextRange,
    field: Option<TextRange>,
}

/// The elements of a `setAuthorization` callback written as
/// `(models) => [models.X.authorization(cb), models.X.fields.f.authorization(cb), ...]`, where
/// each `cb` reads nothing but its own parameters and `a`; None for any other shape, whose
/// evaluation could do more than set the rules of the models and fields it names.
fn authorization_shape<'t>(node: Node<'t>, text: &'t str) -> Option<Shape> {
    if node.kind() != "arrow_function" {
        return None;
    }
    // The names written in it, gathered on the way (a walk of its own over 1,000 elements cost
    // as much as their evaluation): its parameters, each element's `models`, and its callbacks'.
    let mut names: HashSet<&str> = HashSet::new();
    let mut parameters: HashSet<&str> = HashSet::new();
    let mut outer = Vec::new();
    match node.child_by_field_id(field::parameter()) {
        Some(p) => outer.push(p),
        None => {
            let ps = node.child_by_field_id(field::parameters())?;
            let mut cursor = ps.walk();
            for p in ps.named_children(&mut cursor) {
                // A bare name: no default value or type that would be read or written.
                if p.kind() != "required_parameter" || p.named_child_count() != 1 {
                    return None;
                }
                outer.push(p.child_by_field_id(field::pattern())?);
            }
        }
    }
    let mut outer_names = Vec::with_capacity(outer.len());
    for p in &outer {
        if p.kind() != "identifier" {
            return None;
        }
        let name = text.get(p.byte_range())?;
        names.insert(name);
        parameters.insert(name);
        outer_names.push(name);
    }
    let models = text.get(outer.first()?.byte_range())?;
    let mut body = node.child_by_field_id(field::body())?;
    while body.kind() == "parenthesized_expression" && body.named_child_count() == 1 {
        body = body.named_child(0)?;
    }
    if body.kind() != "array" {
        return None;
    }
    let name = |n: Node<'_>| text.get(n.byte_range());
    // `object.property` with nothing else (no `?.`, no computed property).
    let member = |n: Node<'t>| -> Option<(Node<'t>, Node<'t>)> {
        if n.kind() != "member_expression" || n.named_child_count() != 2 {
            return None;
        }
        let property = n.child_by_field_id(field::property())?;
        (property.kind() == "property_identifier")
            .then_some((n.child_by_field_id(field::object())?, property))
    };
    let mut elements = Vec::new();
    let mut checked: HashSet<&str> = HashSet::new();
    let mut cursor = body.walk();
    for element in body.named_children(&mut cursor) {
        match element.kind() {
            "comment" => continue,
            "call_expression" => {}
            _ => return None,
        }
        let (target, method) = member(element.child_by_field_id(field::function())?)?;
        if name(method)? != "authorization" {
            return None;
        }
        let arguments = element.child_by_field_id(field::arguments())?;
        let mut inner = arguments.walk();
        let mut args = arguments
            .named_children(&mut inner)
            .filter(|c| c.kind() != "comment");
        let (Some(callback), None) = (args.next(), args.next()) else {
            return None;
        };
        // Models share rules: each distinct callback text is walked once.
        let callback_text = text.get(callback.byte_range())?;
        if !checked.contains(callback_text) {
            let mut callback_names = Vec::new();
            let mut callback_parameters = Vec::new();
            visit_names(
                callback,
                text,
                |n| callback_names.push(n),
                |p| callback_parameters.push(p),
            );
            // No name of the callback around it, even where a function inside declares one:
            // `((s) => 0), s.authorization(...)` reads the schema's `s` and changes the schema.
            if !callback_names
                .iter()
                .all(|n| (*n == "a" || callback_parameters.contains(n)) && !outer_names.contains(n))
            {
                return None;
            }
            names.extend(callback_names);
            parameters.extend(callback_parameters);
            checked.insert(callback_text);
        }
        // `models.X` or `models.X.fields.f`, `models` being the callback's first parameter.
        let (head, last) = member(target)?;
        let (head, shape) = match member(head) {
            Some((fields_of, fields)) if name(fields)? == "fields" => {
                let (head, model) = member(fields_of)?;
                let shape = ElementShape {
                    model: model.byte_range(),
                    field: Some(last.byte_range()),
                };
                (head, shape)
            }
            Some(_) => return None,
            None => {
                let shape = ElementShape {
                    model: last.byte_range(),
                    field: None,
                };
                (head, shape)
            }
        };
        // (`models`, a parameter, is among the names already.)
        if head.kind() != "identifier" || name(head)? != models {
            return None;
        }
        elements.push(shape);
    }
    let mut names: Vec<String> = names.into_iter().map(str::to_owned).collect();
    names.sort();
    Some(Shape {
        elements,
        names,
        parameters: parameters.into_iter().map(str::to_owned).collect(),
    })
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

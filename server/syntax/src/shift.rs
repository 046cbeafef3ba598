//! Moving the spans of a schema model after an edit that changed a file's length but nothing the
//! model was read from before or after it (see [`crate::patch`]).

use std::sync::Arc;

use crate::model::*;
use crate::source_map::MappedText;
use crate::text::TextRange;

/// An offset at or after `from` moves by `delta`; one before stays.
fn shift_offset(offset: usize, from: usize, delta: isize) -> usize {
    if offset >= from {
        offset.saturating_add_signed(delta)
    } else {
        offset
    }
}

pub(crate) fn shift_range(range: &TextRange, from: usize, delta: isize) -> TextRange {
    shift_offset(range.start, from, delta)..shift_offset(range.end, from, delta)
}

/// Where an edit moved the rest of a file: offsets of `file` at or after `from` (in the text before
/// the edit) move by `delta`.
pub(crate) struct Moved {
    pub file: FileId,
    pub from: usize,
    pub delta: isize,
}

/// Something that holds spans: every one is visited (the host ranges of mapped texts too), so
/// an edit can move them ([`Shift`]) and a restored model can be checked against its file.
pub(crate) trait Spans {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange));
}

/// Moves the spans an edit moved.
pub(crate) trait Shift {
    fn shift(&mut self, moved: &Moved);
}

impl<T: Spans> Shift for T {
    fn shift(&mut self, moved: &Moved) {
        self.each_span(&mut |file, range| {
            if file == moved.file {
                *range = shift_range(range, moved.from, moved.delta);
            }
        });
    }
}

impl<T: Spans> Spans for Option<T> {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        if let Some(inner) = self {
            inner.each_span(f);
        }
    }
}

impl<T: Spans> Spans for Vec<T> {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        for item in self {
            item.each_span(f);
        }
    }
}

/// A shared value is copied only when a span in it changes (a shift of another file, or of text
/// after it, leaves it shared).
impl<T: Spans + Clone> Spans for Arc<T> {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        if let Some(inner) = Arc::get_mut(self) {
            return inner.each_span(f);
        }
        let mut copy = (**self).clone();
        let mut changed = false;
        copy.each_span(&mut |file, range| {
            let before = range.clone();
            f(file, range);
            changed |= *range != before;
        });
        if changed {
            *self = Arc::new(copy);
        }
    }
}

impl<T: Spans> Spans for Box<T> {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        (**self).each_span(f);
    }
}

impl Spans for Span {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        f(self.file, &mut self.range);
    }
}

impl Spans for Name {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        self.span.each_span(f);
    }
}

impl Spans for MappedText {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        self.each_host_range(f);
    }
}

impl Spans for SchemaModel {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        // Exhaustive destructuring: a field added to the model must say whether it holds spans.
        let SchemaModel {
            schemas,
            models,
            combines,
            diagnostics,
            name_uses,
            models_callbacks,
        } = self;
        schemas.each_span(f);
        models.each_span(f);
        combines.each_span(f);
        diagnostics.each_span(f);
        name_uses.each_span(f);
        models_callbacks.each_span(f);
    }
}

impl Spans for Schema {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        let Schema {
            span,
            database,
            entries,
            entries_complete: _,
            auth,
            renames,
            combine: _,
            generated: _,
            opaque: _,
        } = self;
        span.each_span(f);
        database.each_span(f);
        entries.each_span(f);
        auth.each_span(f);
        for Rename { from, to } in renames {
            from.each_span(f);
            to.each_span(f);
        }
    }
}

impl Spans for Database {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        if let Database::Sql(SqlDatabase {
            engine,
            connection_secret,
            identifier,
        }) = self
        {
            engine.each_span(f);
            connection_secret.each_span(f);
            identifier.each_span(f);
        }
    }
}

impl Spans for SchemaEntry {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        self.name.each_span(f);
        match &mut self.def {
            TypeDef::CustomType(t) => t.each_span(f),
            TypeDef::Enum(e) => e.each_span(f),
            TypeDef::Operation(op) => op.each_span(f),
            TypeDef::Model(_) | TypeDef::Ai | TypeDef::Unknown => {}
        }
    }
}

impl Spans for Combine {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        self.span.each_span(f);
    }
}

impl Spans for ModelDiagnostic {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        self.span.each_span(f);
    }
}

impl Spans for NameUse {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        self.span.each_span(f);
    }
}

impl Spans for ModelsCallback {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        self.span.each_span(f);
    }
}

impl Spans for Model {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        let Model {
            name,
            original_name,
            span,
            fields,
            fields_complete: _,
            identifier,
            auth,
            schema: _,
            secondary_indexes,
            opaque: _,
        } = self;
        name.each_span(f);
        original_name.each_span(f);
        span.each_span(f);
        fields.each_span(f);
        if let Some(Identifier {
            span,
            fields,
            complete: _,
        }) = identifier
        {
            span.each_span(f);
            fields.each_span(f);
        }
        auth.each_span(f);
        secondary_indexes.each_span(f);
    }
}

impl Spans for Field {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        let Field {
            name,
            ty,
            required: _,
            array: _,
            list_required: _,
            default,
            auth,
            span,
        } = self;
        name.each_span(f);
        ty.each_span(f);
        if let Some(FieldDefault { span, has_value: _ }) = default {
            span.each_span(f);
        }
        auth.each_span(f);
        span.each_span(f);
    }
}

impl Spans for FieldType {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        match self {
            FieldType::Ref(name) => name.each_span(f),
            FieldType::Enum(e) => e.each_span(f),
            FieldType::CustomType(t) => t.each_span(f),
            FieldType::Relationship(Relationship {
                kind: _,
                target,
                references,
                references_complete: _,
            }) => {
                target.each_span(f);
                references.each_span(f);
            }
            FieldType::Scalar(_) | FieldType::Unknown => {}
        }
    }
}

impl Spans for CustomType {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        self.span.each_span(f);
        self.fields.each_span(f);
    }
}

impl Spans for EnumDef {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        self.span.each_span(f);
        self.values.each_span(f);
    }
}

impl Spans for AuthRules {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        self.span.each_span(f);
        self.rules.each_span(f);
    }
}

impl Spans for AuthRule {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        let AuthRule {
            builder,
            provider,
            field,
            operations,
            to_span,
            complete: _,
        } = self;
        builder.each_span(f);
        provider.each_span(f);
        field.each_span(f);
        operations.each_span(f);
        to_span.each_span(f);
    }
}

impl Spans for Operation {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        let Operation {
            kind: _,
            span,
            arguments,
            arguments_complete: _,
            returns,
            auth,
            handlers,
            handlers_complete: _,
            handler_span,
            sources,
        } = self;
        span.each_span(f);
        arguments.each_span(f);
        if let Some(Returns {
            ty,
            array: _,
            required: _,
            span,
        }) = returns
        {
            ty.each_span(f);
            span.each_span(f);
        }
        auth.each_span(f);
        handlers.each_span(f);
        handler_span.each_span(f);
        sources.each_span(f);
    }
}

impl Spans for Handler {
    fn each_span(&mut self, f: &mut impl FnMut(FileId, &mut TextRange)) {
        match self {
            Handler::InlineSql {
                span,
                sql,
                argument,
            } => {
                span.each_span(f);
                sql.each_span(f);
                argument.each_span(f);
            }
            Handler::SqlReference {
                span,
                path,
                resolved: _,
            } => {
                span.each_span(f);
                path.each_span(f);
            }
            Handler::Function { span, is_async: _ }
            | Handler::Custom { span }
            | Handler::Unknown { span } => span.each_span(f),
        }
    }
}

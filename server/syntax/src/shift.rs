//! Moving the spans of a schema model after an edit that changed a file's length but nothing the
//! model was read from before or after it (see [`crate::patch`]).

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

/// Something that holds spans.
pub(crate) trait Shift {
    fn shift(&mut self, moved: &Moved);
}

impl<T: Shift> Shift for Option<T> {
    fn shift(&mut self, moved: &Moved) {
        if let Some(inner) = self {
            inner.shift(moved);
        }
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn shift(&mut self, moved: &Moved) {
        for item in self {
            item.shift(moved);
        }
    }
}

impl<T: Shift> Shift for Box<T> {
    fn shift(&mut self, moved: &Moved) {
        (**self).shift(moved);
    }
}

impl Shift for Span {
    fn shift(&mut self, moved: &Moved) {
        if self.file == moved.file {
            self.range = shift_range(&self.range, moved.from, moved.delta);
        }
    }
}

impl Shift for Name {
    fn shift(&mut self, moved: &Moved) {
        self.span.shift(moved);
    }
}

impl Shift for MappedText {
    fn shift(&mut self, moved: &Moved) {
        self.shift_host(moved.file, moved.from, moved.delta);
    }
}

impl Shift for SchemaModel {
    fn shift(&mut self, moved: &Moved) {
        // Exhaustive destructuring: a field added to the model must say whether it holds spans.
        let SchemaModel {
            schemas,
            models,
            combines,
            diagnostics,
            name_uses,
            models_callbacks,
        } = self;
        schemas.shift(moved);
        models.shift(moved);
        combines.shift(moved);
        diagnostics.shift(moved);
        name_uses.shift(moved);
        models_callbacks.shift(moved);
    }
}

impl Shift for Schema {
    fn shift(&mut self, moved: &Moved) {
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
        span.shift(moved);
        database.shift(moved);
        entries.shift(moved);
        auth.shift(moved);
        for Rename { from, to } in renames {
            from.shift(moved);
            to.shift(moved);
        }
    }
}

impl Shift for Database {
    fn shift(&mut self, moved: &Moved) {
        if let Database::Sql(SqlDatabase {
            engine,
            connection_secret,
            identifier,
        }) = self
        {
            engine.shift(moved);
            connection_secret.shift(moved);
            identifier.shift(moved);
        }
    }
}

impl Shift for SchemaEntry {
    fn shift(&mut self, moved: &Moved) {
        self.name.shift(moved);
        match &mut self.def {
            TypeDef::CustomType(t) => t.shift(moved),
            TypeDef::Enum(e) => e.shift(moved),
            TypeDef::Operation(op) => op.shift(moved),
            TypeDef::Model(_) | TypeDef::Ai | TypeDef::Unknown => {}
        }
    }
}

impl Shift for Combine {
    fn shift(&mut self, moved: &Moved) {
        self.span.shift(moved);
    }
}

impl Shift for ModelDiagnostic {
    fn shift(&mut self, moved: &Moved) {
        self.span.shift(moved);
    }
}

impl Shift for NameUse {
    fn shift(&mut self, moved: &Moved) {
        self.span.shift(moved);
    }
}

impl Shift for ModelsCallback {
    fn shift(&mut self, moved: &Moved) {
        self.span.shift(moved);
    }
}

impl Shift for Model {
    fn shift(&mut self, moved: &Moved) {
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
        name.shift(moved);
        original_name.shift(moved);
        span.shift(moved);
        fields.shift(moved);
        if let Some(Identifier {
            span,
            fields,
            complete: _,
        }) = identifier
        {
            span.shift(moved);
            fields.shift(moved);
        }
        auth.shift(moved);
        secondary_indexes.shift(moved);
    }
}

impl Shift for Field {
    fn shift(&mut self, moved: &Moved) {
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
        name.shift(moved);
        ty.shift(moved);
        if let Some(FieldDefault { span, has_value: _ }) = default {
            span.shift(moved);
        }
        auth.shift(moved);
        span.shift(moved);
    }
}

impl Shift for FieldType {
    fn shift(&mut self, moved: &Moved) {
        match self {
            FieldType::Ref(name) => name.shift(moved),
            FieldType::Enum(e) => e.shift(moved),
            FieldType::CustomType(t) => t.shift(moved),
            FieldType::Relationship(Relationship {
                kind: _,
                target,
                references,
                references_complete: _,
            }) => {
                target.shift(moved);
                references.shift(moved);
            }
            FieldType::Scalar(_) | FieldType::Unknown => {}
        }
    }
}

impl Shift for CustomType {
    fn shift(&mut self, moved: &Moved) {
        self.span.shift(moved);
        self.fields.shift(moved);
    }
}

impl Shift for EnumDef {
    fn shift(&mut self, moved: &Moved) {
        self.span.shift(moved);
        self.values.shift(moved);
    }
}

impl Shift for AuthRules {
    fn shift(&mut self, moved: &Moved) {
        self.span.shift(moved);
        self.rules.shift(moved);
    }
}

impl Shift for AuthRule {
    fn shift(&mut self, moved: &Moved) {
        let AuthRule {
            builder,
            provider,
            field,
            operations,
            to_span,
            complete: _,
        } = self;
        builder.shift(moved);
        provider.shift(moved);
        field.shift(moved);
        operations.shift(moved);
        to_span.shift(moved);
    }
}

impl Shift for Operation {
    fn shift(&mut self, moved: &Moved) {
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
        span.shift(moved);
        arguments.shift(moved);
        if let Some(Returns {
            ty,
            array: _,
            required: _,
            span,
        }) = returns
        {
            ty.shift(moved);
            span.shift(moved);
        }
        auth.shift(moved);
        handlers.shift(moved);
        handler_span.shift(moved);
        sources.shift(moved);
    }
}

impl Shift for Handler {
    fn shift(&mut self, moved: &Moved) {
        match self {
            Handler::InlineSql {
                span,
                sql,
                argument,
            } => {
                span.shift(moved);
                sql.shift(moved);
                argument.shift(moved);
            }
            Handler::SqlReference {
                span,
                path,
                resolved: _,
            } => {
                span.shift(moved);
                path.shift(moved);
            }
            Handler::Function { span, is_async: _ }
            | Handler::Custom { span }
            | Handler::Unknown { span } => span.shift(moved),
        }
    }
}

//! The entries of each schema by name, indexed once per run of the checks: a name is resolved
//! for every reference field and every return type, and a scan of a 1,000-entry schema for each
//! was a twentieth of a keystroke's time.

use foldhash::{HashMap, HashMapExt};

use schemals_syntax::model::{SchemaEntry, SchemaId, SchemaModel};

pub(crate) struct Entries<'a> {
    by_schema: Vec<HashMap<&'a str, &'a SchemaEntry>>,
}

impl<'a> Entries<'a> {
    pub(crate) fn new(model: &'a SchemaModel) -> Entries<'a> {
        let by_schema = model
            .schemas
            .iter()
            .map(|schema| {
                let mut names = HashMap::with_capacity(schema.entries.len());
                // The first entry of a name, as `Schema::entry` finds it.
                for entry in &schema.entries {
                    names.entry(entry.name.text.as_str()).or_insert(entry);
                }
                names
            })
            .collect();
        Entries { by_schema }
    }

    /// The first entry named `name` in `schema` (what `Schema::entry` returns).
    pub(crate) fn get(&self, schema: SchemaId, name: &str) -> Option<&'a SchemaEntry> {
        self.by_schema.get(schema.0)?.get(name).copied()
    }
}

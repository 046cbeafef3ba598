//! Lookup structures built once per catalog, so that every request is a hash lookup instead of a
//! scan of a thousand tables.

use std::collections::HashMap;

use crate::{Catalog, Table};

/// Name lookups over a [`Catalog`]. Build it once when the catalog changes and share it.
#[derive(Debug, Default, Clone)]
pub struct CatalogIndex {
    /// (schema, table) exactly as stored → position in `Catalog::tables`.
    by_qualified: HashMap<(String, String), usize>,
    /// Table name as stored → positions, in search-path order first, then the rest.
    by_name: HashMap<String, Vec<usize>>,
    /// Lower-cased table name → positions, for case-insensitive matching.
    by_folded_name: HashMap<String, Vec<usize>>,
    /// Lower-cased schema names present in the catalog.
    schemas: HashMap<String, String>,
}

impl CatalogIndex {
    pub fn new(catalog: &Catalog) -> CatalogIndex {
        let mut index = CatalogIndex::default();
        let search_rank = |schema: &str| {
            catalog
                .search_path
                .iter()
                .position(|s| s == schema)
                .unwrap_or(usize::MAX)
        };
        let mut order: Vec<usize> = (0..catalog.tables.len()).collect();
        order.sort_by_key(|&i| search_rank(&catalog.tables[i].schema));
        for i in order {
            let table = &catalog.tables[i];
            index
                .by_qualified
                .insert((table.schema.clone(), table.name.clone()), i);
            index.by_name.entry(table.name.clone()).or_default().push(i);
            index
                .by_folded_name
                .entry(table.name.to_lowercase())
                .or_default()
                .push(i);
            index
                .schemas
                .entry(table.schema.to_lowercase())
                .or_insert_with(|| table.schema.clone());
        }
        index
    }

    /// The table `schema.name`, names as stored.
    pub fn table<'c>(&self, catalog: &'c Catalog, schema: &str, name: &str) -> Option<&'c Table> {
        self.by_qualified
            .get(&(schema.to_owned(), name.to_owned()))
            .and_then(|&i| catalog.tables.get(i))
    }

    /// Tables named `name` exactly, those on the search path first.
    pub fn tables_named<'c>(
        &self,
        catalog: &'c Catalog,
        name: &str,
    ) -> impl Iterator<Item = &'c Table> + use<'c, '_> {
        self.by_name
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|&i| catalog.tables.get(i))
    }

    /// Tables whose name equals `name` ignoring case, those on the search path first.
    pub fn tables_named_ignoring_case<'c>(
        &self,
        catalog: &'c Catalog,
        name: &str,
    ) -> impl Iterator<Item = &'c Table> + use<'c, '_> {
        self.by_folded_name
            .get(&name.to_lowercase())
            .into_iter()
            .flatten()
            .filter_map(|&i| catalog.tables.get(i))
    }

    /// The table an unqualified name refers to: the first on the search path.
    pub fn resolve_unqualified<'c>(&self, catalog: &'c Catalog, name: &str) -> Option<&'c Table> {
        self.tables_named(catalog, name)
            .find(|t| catalog.search_path.iter().any(|s| s == &t.schema))
    }

    /// The schema's stored spelling, if a schema of that name (ignoring case) holds tables.
    pub fn schema_named(&self, name: &str) -> Option<&str> {
        self.schemas.get(&name.to_lowercase()).map(String::as_str)
    }
}

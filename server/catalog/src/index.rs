//! Lookup structures built once per catalog, so that every request is a hash lookup instead of a
//! scan of a thousand tables.

use foldhash::HashMap;

use crate::{Catalog, Function, Table};

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
    /// (lower-cased table name, position), sorted: tables whose name starts with a prefix.
    sorted_names: Vec<(String, usize)>,
    /// Position of a table → positions of the tables its foreign keys reference and of the tables
    /// whose foreign keys reference it.
    neighbours: HashMap<usize, Vec<usize>>,
    /// (lower-cased function name, position in `Catalog::functions`), sorted.
    sorted_functions: Vec<(String, usize)>,
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
        index.sorted_names = catalog
            .tables
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.to_lowercase(), i))
            .collect();
        index.sorted_names.sort();
        for (i, table) in catalog.tables.iter().enumerate() {
            for fk in &table.foreign_keys {
                let Some(&target) = index
                    .by_qualified
                    .get(&(fk.referenced_schema.clone(), fk.referenced_table.clone()))
                else {
                    continue;
                };
                index.neighbours.entry(i).or_default().push(target);
                index.neighbours.entry(target).or_default().push(i);
            }
        }
        for list in index.neighbours.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        index.sorted_functions = catalog
            .functions
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.to_lowercase(), i))
            .collect();
        index.sorted_functions.sort();
        index
    }

    /// Tables whose name starts with `prefix`, ignoring case, in name order.
    pub fn tables_with_prefix<'c>(
        &self,
        catalog: &'c Catalog,
        prefix: &str,
    ) -> impl Iterator<Item = &'c Table> + use<'c, '_> {
        self.table_positions_with_prefix(prefix)
            .filter_map(|i| catalog.tables.get(i))
    }

    /// [`CatalogIndex::tables_with_prefix`] as positions in the catalog's table list.
    pub fn table_positions_with_prefix(
        &self,
        prefix: &str,
    ) -> impl Iterator<Item = usize> + use<'_> {
        let prefix = prefix.to_lowercase();
        let start = self
            .sorted_names
            .partition_point(|(name, _)| name.as_str() < prefix.as_str());
        self.sorted_names[start..]
            .iter()
            .take_while(move |(name, _)| name.starts_with(&prefix))
            .map(|&(_, i)| i)
    }

    /// The tables linked to `schema.name` by a foreign key, in either direction.
    pub fn foreign_key_neighbours<'c>(
        &self,
        catalog: &'c Catalog,
        schema: &str,
        name: &str,
    ) -> impl Iterator<Item = &'c Table> + use<'c, '_> {
        self.by_qualified
            .get(&(schema.to_owned(), name.to_owned()))
            .and_then(|i| self.neighbours.get(i))
            .into_iter()
            .flatten()
            .filter_map(|&i| catalog.tables.get(i))
    }

    /// Functions whose name starts with `prefix`, ignoring case, in name order (overloads once
    /// each).
    pub fn functions_with_prefix<'c>(
        &self,
        catalog: &'c Catalog,
        prefix: &str,
    ) -> impl Iterator<Item = &'c Function> + use<'c, '_> {
        let prefix = prefix.to_lowercase();
        let start = self
            .sorted_functions
            .partition_point(|(name, _)| name.as_str() < prefix.as_str());
        self.sorted_functions[start..]
            .iter()
            .take_while(move |(name, _)| name.starts_with(&prefix))
            .filter_map(|&(_, i)| catalog.functions.get(i))
    }

    /// The overloads of the function named `name`, ignoring case.
    pub fn functions_named<'c>(
        &self,
        catalog: &'c Catalog,
        name: &str,
    ) -> impl Iterator<Item = &'c Function> + use<'c, '_> {
        let name = name.to_lowercase();
        let start = self
            .sorted_functions
            .partition_point(|(n, _)| n.as_str() < name.as_str());
        self.sorted_functions[start..]
            .iter()
            .take_while(move |(n, _)| *n == name)
            .filter_map(|&(_, i)| catalog.functions.get(i))
    }

    /// The table `schema.name`, names as stored.
    pub fn table<'c>(&self, catalog: &'c Catalog, schema: &str, name: &str) -> Option<&'c Table> {
        // By name, then schema: a lookup by (schema, name) needed two owned strings per call
        // (drift looks up each of a thousand tables on every keystroke). The last of the name's
        // positions in that schema is the one `by_qualified` keeps.
        self.by_name
            .get(name)?
            .iter()
            .rev()
            .filter_map(|&i| catalog.tables.get(i))
            .find(|t| t.schema == schema)
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

-- The PostgreSQL catalog in one batch: six SELECTs answering rows `(part, json)`, one row each
-- except `columns` and `keys`, which answer a row per relation (none for a relation without any):
-- the caller reads rows as they arrive, so the largest parts never sit whole in one row.
-- Runs inside `BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY` (added by the caller), so every
-- part comes from the same snapshot. Only pg_catalog is read: information_schema hides objects the
-- role has no privileges on, and is slower.
--
-- Speed: relations, columns and keys are flat parts, one join each over whole catalogs, that the
-- caller puts together by relation oid (a subquery per table or per column costs a nested loop of
-- index lookups each). Rows become JSON with `json_agg(row)`, much cheaper than a
-- `json_build_object` per row.
--
-- User schemas: everything except pg_catalog, information_schema, pg_toast*, pg_temp_*.

SELECT 'meta'::text AS part, json_build_object(
    'database', current_database(),
    'search_path', current_schemas(false),
    'server_version', current_setting('server_version')
)::text AS body;

-- Tables, views, materialized views, foreign tables, partitioned tables and partitions.
SELECT 'relations'::text AS part, coalesce(json_agg(r), '[]')::text AS body
FROM (
    SELECT
        c.oid::int8 AS id,
        n.nspname AS schema,
        c.relname AS name,
        c.relkind AS kind,
        parent.name AS partition_of
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN LATERAL (
        SELECT json_build_object('schema', pn.nspname, 'name', pc.relname) AS name
        FROM pg_catalog.pg_inherits i
        JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
        JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
        WHERE c.relispartition AND i.inhrelid = c.oid
        LIMIT 1
    ) parent ON true
    WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p')
      AND n.nspname <> 'information_schema'
      AND n.nspname !~ '^pg_(catalog$|toast|temp_)'
) r;

-- Columns of those relations. `udt_name`, `nullable`, `default` and `character_maximum_length`
-- follow information_schema.columns (domains show their base type's name, one level deep, as
-- Amplify's generator sees them). A default never refers to a column (only a generated column's
-- expression does, and it is not shown), so it is deparsed without its relation: given one,
-- pg_get_expr opens and locks each relation, slow on a fresh connection and blocked by DDL.
SELECT 'columns'::text AS part, json_agg(r)::text AS body
FROM (
    SELECT
        a.attrelid::int8 AS relation,
        a.attname AS name,
        a.attnum AS ordinal,
        pg_catalog.format_type(a.atttypid, a.atttypmod) AS data_type,
        coalesce(bt.typname, t.typname) AS udt_name,
        coalesce(btn.nspname, tn.nspname) AS udt_schema,
        NOT (a.attnotnull OR (t.typtype = 'd' AND t.typnotnull)) AS nullable,
        CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(d.adbin, 0) END AS "default",
        a.attidentity <> '' OR a.attgenerated <> '' AS generated,
        l.labels AS enum_values,
        CASE
            WHEN t.typtype = 'd' THEN CASE
                WHEN t.typtypmod = -1 THEN NULL
                WHEN t.typbasetype IN (1042, 1043) THEN t.typtypmod - 4
                WHEN t.typbasetype IN (1560, 1562) THEN t.typtypmod
            END
            WHEN a.atttypmod = -1 THEN NULL
            WHEN a.atttypid IN (1042, 1043) THEN a.atttypmod - 4
            WHEN a.atttypid IN (1560, 1562) THEN a.atttypmod
        END AS character_maximum_length
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
    JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
    LEFT JOIN (pg_catalog.pg_type bt JOIN pg_catalog.pg_namespace btn ON btn.oid = bt.typnamespace)
        ON t.typtype = 'd' AND bt.oid = t.typbasetype
    LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    LEFT JOIN (
        SELECT e.enumtypid, json_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
        FROM pg_catalog.pg_enum e
        GROUP BY e.enumtypid
    ) l ON l.enumtypid = coalesce(bt.oid, t.oid)
    WHERE a.attnum > 0 AND NOT a.attisdropped
      AND c.relkind IN ('r', 'v', 'm', 'f', 'p')
      AND n.nspname <> 'information_schema'
      AND n.nspname !~ '^pg_(catalog$|toast|temp_)'
) r
GROUP BY r.relation;

-- Primary keys (`p`) and foreign keys (`f`) of those relations. Key columns are attribute numbers,
-- in key order, named from the `columns` part by the caller; a foreign key's referenced column names
-- come from here only when its table is not in that part (never, short of a key on a system table).
SELECT 'keys'::text AS part, json_agg(r)::text AS body
FROM (
    SELECT
        con.conrelid::int8 AS relation,
        con.contype AS kind,
        con.conname AS name,
        con.conkey AS columns,
        con.confrelid::int8 AS referenced_relation,
        rn.nspname AS referenced_schema,
        rc.relname AS referenced_table,
        con.confkey AS referenced_columns,
        CASE WHEN rn.nspname = 'information_schema' OR rn.nspname ~ '^pg_(catalog$|toast|temp_)'
            OR rc.relkind NOT IN ('r', 'v', 'm', 'f', 'p')
        THEN (
            SELECT json_agg(a.attname ORDER BY k.ord)
            FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
        ) END AS referenced_names
    FROM pg_catalog.pg_constraint con
    JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN (pg_catalog.pg_class rc JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace)
        ON rc.oid = con.confrelid
    WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p')
      AND n.nspname <> 'information_schema'
      AND n.nspname !~ '^pg_(catalog$|toast|temp_)'
      AND (con.contype = 'p' OR (con.contype = 'f' AND rc.oid IS NOT NULL
          -- A foreign key that references a partitioned table is stored once more for every
          -- partition it references, on the same table; only the parent constraint is the user's.
          AND NOT EXISTS (
              SELECT 1 FROM pg_catalog.pg_constraint up
              WHERE up.oid = con.conparentid AND up.conrelid = con.conrelid
          )))
) r
GROUP BY r.relation;

-- Enum types of the user schemas, labels in declaration order.
SELECT 'enums'::text AS part, coalesce(json_agg(r), '[]')::text AS body
FROM (
    SELECT
        n.nspname AS schema,
        t.typname AS name,
        (
            SELECT coalesce(json_agg(e.enumlabel ORDER BY e.enumsortorder), '[]')
            FROM pg_catalog.pg_enum e
            WHERE e.enumtypid = t.oid
        ) AS values
    FROM pg_catalog.pg_type t
    JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typtype = 'e'
      AND n.nspname <> 'information_schema'
      AND n.nspname !~ '^pg_(catalog$|toast|temp_)'
) r;

-- Functions, aggregates, window functions and procedures of every schema, pg_catalog included, for
-- completion. Skipped, as useless in hand-written SQL: functions that take or return the pseudo-types
-- only the server can supply (internal, cstring, handlers, trigger), operator implementations
-- (int4pl, geometry_overlaps, ...) and aggregate support functions. A fresh database gives about
-- 1,600 rows, one with PostGIS about 2,200.
SELECT 'functions'::text AS part, coalesce(json_agg(r), '[]')::text AS body
FROM (
    SELECT
        n.nspname AS schema,
        p.proname AS name,
        p.prokind AS kind,
        pg_catalog.pg_get_function_arguments(p.oid) AS arguments,
        coalesce(pg_catalog.pg_get_function_result(p.oid), '') AS result
    FROM pg_catalog.pg_proc p
    JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname <> 'information_schema'
      AND n.nspname !~ '^pg_(toast|temp_)'
      AND NOT EXISTS (
          SELECT 1 FROM unnest(p.proargtypes::oid[] || p.prorettype) AS x(typ)
          WHERE x.typ IN (
              'pg_catalog.internal'::regtype, 'pg_catalog.cstring'::regtype,
              'pg_catalog.cstring[]'::regtype, 'pg_catalog.language_handler'::regtype,
              'pg_catalog.fdw_handler'::regtype, 'pg_catalog.index_am_handler'::regtype,
              'pg_catalog.tsm_handler'::regtype, 'pg_catalog.table_am_handler'::regtype,
              'pg_catalog.trigger'::regtype, 'pg_catalog.event_trigger'::regtype
          )
      )
      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_operator o WHERE o.oprcode = p.oid)
      AND p.oid NOT IN (
          SELECT unnest(ARRAY[g.aggtransfn, g.aggfinalfn, g.aggcombinefn, g.aggserialfn,
                              g.aggdeserialfn, g.aggmtransfn, g.aggminvtransfn, g.aggmfinalfn]::oid[])
          FROM pg_catalog.pg_aggregate g
      )
) r;

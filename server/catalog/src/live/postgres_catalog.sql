-- The PostgreSQL catalog in one batch: four SELECTs, each answering one row `(part, json)`.
-- Runs inside `BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY` (added by the caller), so every
-- part comes from the same snapshot. Only pg_catalog is read: information_schema hides objects the
-- role has no privileges on, and is slower.
--
-- User schemas: everything except pg_catalog, information_schema, pg_toast*, pg_temp_*.

SELECT 'meta'::text AS part, json_build_object(
    'database', current_database(),
    'search_path', current_schemas(false),
    'server_version', current_setting('server_version')
)::text AS body;

-- Tables, views, materialized views, foreign tables, partitioned tables and partitions.
-- `udt_name`, `nullable`, `default` and `character_maximum_length` follow information_schema.columns
-- (domains show their base type's name, one level deep, as Amplify's generator sees them).
SELECT 'tables'::text AS part, coalesce(json_agg(json_build_object(
    'schema', n.nspname,
    'name', c.relname,
    'kind', c.relkind,
    'partition_of', parent.name,
    'columns', cols.list,
    'primary_key', pk.list,
    'foreign_keys', fks.list
)), '[]')::text AS body
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
CROSS JOIN LATERAL (
    SELECT coalesce(json_agg(json_build_object(
        'name', a.attname,
        'ordinal', a.attnum,
        'data_type', pg_catalog.format_type(a.atttypid, a.atttypmod),
        'udt_name', coalesce(bt.typname, t.typname),
        'udt_schema', coalesce(btn.nspname, tn.nspname),
        'nullable', NOT (a.attnotnull OR (t.typtype = 'd' AND t.typnotnull)),
        'default', CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END,
        'generated', a.attidentity <> '' OR a.attgenerated <> '',
        'enum_values', (
            SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder)
            FROM pg_catalog.pg_enum e
            WHERE e.enumtypid = coalesce(bt.oid, t.oid)
        ),
        'character_maximum_length', CASE
            WHEN t.typtype = 'd' THEN CASE
                WHEN t.typtypmod = -1 THEN NULL
                WHEN t.typbasetype IN (1042, 1043) THEN t.typtypmod - 4
                WHEN t.typbasetype IN (1560, 1562) THEN t.typtypmod
            END
            WHEN a.atttypmod = -1 THEN NULL
            WHEN a.atttypid IN (1042, 1043) THEN a.atttypmod - 4
            WHEN a.atttypid IN (1560, 1562) THEN a.atttypmod
        END
    ) ORDER BY a.attnum), '[]') AS list
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
    JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
    LEFT JOIN (pg_catalog.pg_type bt JOIN pg_catalog.pg_namespace btn ON btn.oid = bt.typnamespace)
        ON t.typtype = 'd' AND bt.oid = t.typbasetype
    LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
) cols
CROSS JOIN LATERAL (
    SELECT coalesce(json_agg(a.attname ORDER BY k.ord), '[]') AS list
    FROM pg_catalog.pg_constraint con
    CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
    WHERE con.conrelid = c.oid AND con.contype = 'p'
) pk
CROSS JOIN LATERAL (
    SELECT coalesce(json_agg(json_build_object(
        'name', con.conname,
        'columns', (
            SELECT json_agg(a.attname ORDER BY k.ord)
            FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
        ),
        'referenced_schema', rn.nspname,
        'referenced_table', rc.relname,
        'referenced_columns', (
            SELECT json_agg(a.attname ORDER BY k.ord)
            FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
        )
    )), '[]') AS list
    FROM pg_catalog.pg_constraint con
    JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
    JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
    WHERE con.conrelid = c.oid AND con.contype = 'f'
      -- A foreign key that references a partitioned table is stored once more for every partition
      -- it references, on the same table; only the parent constraint is the user's.
      AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_constraint up
          WHERE up.oid = con.conparentid AND up.conrelid = con.conrelid
      )
) fks
WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p')
  AND n.nspname <> 'information_schema'
  AND n.nspname !~ '^pg_(catalog$|toast|temp_)';

-- Enum types of the user schemas, labels in declaration order.
SELECT 'enums'::text AS part, coalesce(json_agg(json_build_object(
    'schema', n.nspname,
    'name', t.typname,
    'values', (
        SELECT coalesce(json_agg(e.enumlabel ORDER BY e.enumsortorder), '[]')
        FROM pg_catalog.pg_enum e
        WHERE e.enumtypid = t.oid
    )
)), '[]')::text AS body
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e'
  AND n.nspname <> 'information_schema'
  AND n.nspname !~ '^pg_(catalog$|toast|temp_)';

-- Functions, aggregates, window functions and procedures of every schema, pg_catalog included, for
-- completion. Skipped, as useless in hand-written SQL: functions that take or return the pseudo-types
-- only the server can supply (internal, cstring, handlers, trigger), operator implementations
-- (int4pl, geometry_overlaps, ...) and aggregate support functions. A fresh database gives about
-- 1,600 rows, one with PostGIS about 2,200.
SELECT 'functions'::text AS part, coalesce(json_agg(json_build_object(
    'schema', n.nspname,
    'name', p.proname,
    'kind', p.prokind,
    'arguments', pg_catalog.pg_get_function_arguments(p.oid),
    'result', coalesce(pg_catalog.pg_get_function_result(p.oid), '')
)), '[]')::text AS body
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
  );

-- A cheap digest of everything the catalog is made of: it changes whenever a schema, table, column,
-- default, type, enum label, key, partition or function of a user schema changes (and on a server
-- upgrade). It reads the same system catalogs as postgres_catalog.sql but formats no types or
-- expressions, so it costs a few milliseconds.
SELECT 'fingerprint'::text AS part, md5(string_agg(item, E'\n' ORDER BY item)) AS body
FROM (
    SELECT format('v %s', current_setting('server_version_num'))
    UNION ALL
    SELECT format('s %s', current_schemas(false))
    UNION ALL
    SELECT format('n %s %s', n.oid, n.nspname)
    FROM pg_catalog.pg_namespace n
    WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_(catalog$|toast|temp_)'
    UNION ALL
    SELECT format('r %s %s %s %s %s', c.oid, c.relnamespace, c.relname, c.relkind, c.relispartition)
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p')
      AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_(catalog$|toast|temp_)'
    UNION ALL
    SELECT format('a %s %s %s %s %s %s %s %s %s', a.attrelid, a.attnum, a.attname, a.atttypid,
                  a.atttypmod, a.attnotnull, a.attidentity, a.attgenerated, d.oid)
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attnum > 0 AND NOT a.attisdropped
      AND c.relkind IN ('r', 'v', 'm', 'f', 'p')
      AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_(catalog$|toast|temp_)'
    UNION ALL
    SELECT format('t %s %s %s %s %s %s %s', t.oid, t.typnamespace, t.typname, t.typtype,
                  t.typbasetype, t.typtypmod, t.typnotnull)
    FROM pg_catalog.pg_type t
    JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typtype IN ('b', 'd', 'e', 'r', 'm')
      AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_(catalog$|toast|temp_)'
    UNION ALL
    SELECT format('e %s %s %s', e.enumtypid, e.enumsortorder, e.enumlabel)
    FROM pg_catalog.pg_enum e
    UNION ALL
    SELECT format('c %s %s %s %s %s %s %s', k.oid, k.conrelid, k.conname, k.contype, k.conkey,
                  k.confrelid, k.confkey)
    FROM pg_catalog.pg_constraint k
    WHERE k.contype IN ('p', 'f')
    UNION ALL
    SELECT format('i %s %s', i.inhrelid, i.inhparent)
    FROM pg_catalog.pg_inherits i
    UNION ALL
    SELECT format('f %s %s %s %s %s %s', p.oid, p.pronamespace, p.proname, p.prokind,
                  p.proargnames, p.proargdefaults)
    FROM pg_catalog.pg_proc p
    WHERE p.pronamespace <> 'pg_catalog'::regnamespace
) parts(item);

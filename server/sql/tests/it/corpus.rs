//! Valid SQL in the shapes real handlers use (see shared/amplify/real-world.md, "SQL found in
//! handlers"), plus legal constructs no project used yet. Every statement must give no diagnostic
//! against the test catalogs: a false alarm is as bad as a crash.

use schemals_sql::Severity;

use crate::check::Target;

const POSTGRESQL: &[&str] = &[
    // The announcement's example, and placeholders everywhere.
    "SELECT id, name, ST_X(geom) AS longitude, ST_Y(geom) AS latitude FROM events;",
    "SELECT * FROM public.notes WHERE owner = :owner ORDER BY id",
    "SELECT id, content FROM notes WHERE id IN (:a, :b, :c)",
    "SELECT * FROM public.orders WHERE placed_at BETWEEN :startDate::date AND :endDate::date",
    "SELECT * FROM orders WHERE placed_at >= :from::timestamptz AND placed_at < :to::timestamptz + INTERVAL '1 day' LIMIT :limit OFFSET :offset",
    "INSERT INTO public.events (name, geom) VALUES (:name, ST_SetSRID(ST_MakePoint(:long, :lat), 4326)) RETURNING id, name",
    // PostGIS.
    "SELECT e.id, e.name, ST_Distance(e.geom::geography, ST_MakePoint(:lng, :lat)::geography) AS meters
       FROM events e
      WHERE ST_DWithin(e.geom::geography, ST_SetSRID(ST_MakePoint(:lng, :lat), 4326)::geography, :radius)
      ORDER BY e.geom <-> ST_SetSRID(ST_MakePoint(:lng, :lat), 4326)
      LIMIT 20",
    "SELECT id, name FROM events WHERE geom && ST_MakeEnvelope(:minX, :minY, :maxX, :maxY, 4326)",
    "SELECT w.name, count(i.id) AS items FROM inventory.warehouses w LEFT JOIN inventory.items i ON i.warehouse_id = w.id GROUP BY w.name HAVING count(i.id) > :min",
    // Joins, schema-qualified everywhere.
    "SELECT o.id, o.total, c.email, c.\"firstName\"
       FROM public.orders o
       JOIN public.customers c ON c.id = o.customer_id
      WHERE o.status = 'SHIPPED' AND c.is_active",
    "SELECT q.id, q.question FROM logistics.template_question q WHERE q.template_id = :templateId ORDER BY q.position",
    "SELECT oi.*, p.name AS product_name FROM order_items oi INNER JOIN products p ON p.sku = oi.product_sku WHERE oi.order_id = :orderId::uuid",
    "SELECT * FROM orders JOIN order_items ON order_items.order_id = orders.id NATURAL JOIN customers",
    "SELECT * FROM customers JOIN active_customers USING (id, email)",
    "SELECT c.id, o.id AS order_id FROM customers c LEFT OUTER JOIN orders o ON o.customer_id = c.id AND o.status <> 'CANCELLED' RIGHT JOIN notes n ON n.owner = c.email FULL JOIN events ON true CROSS JOIN products",
    // DML with RETURNING.
    "UPDATE public.notes SET content = :content, owner = COALESCE(:owner, owner) WHERE id = :id RETURNING *",
    "UPDATE orders o SET total = sub.total FROM (SELECT order_id, sum(quantity * unit_price) AS total FROM order_items GROUP BY order_id) sub WHERE sub.order_id = o.id RETURNING o.id, o.total",
    "DELETE FROM notes WHERE id = :id RETURNING id",
    "DELETE FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE customer_id = :customerId AND status = 'CANCELLED')",
    "DELETE FROM orders o USING customers c WHERE c.id = o.customer_id AND c.email = :email",
    "INSERT INTO notes (content, owner) VALUES (:content, :owner), (:content2, DEFAULT) RETURNING notes.id, notes.*",
    "INSERT INTO notes VALUES (gen_random_uuid(), :content, current_user)",
    "INSERT INTO archive.orders (id, data) SELECT row_number() OVER (), to_jsonb(o) FROM public.orders o WHERE o.placed_at < now() - INTERVAL '1 year'",
    "INSERT INTO products (sku, name, price) VALUES (:sku, :name, :price) ON CONFLICT (sku) DO UPDATE SET price = EXCLUDED.price, stock = products.stock + 1 WHERE products.price <> EXCLUDED.price RETURNING sku",
    "INSERT INTO products AS p (sku, name, price) VALUES (:sku, :name, :price) ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name WHERE p.stock > 0",
    "INSERT INTO notes (content) VALUES (:c) ON CONFLICT DO NOTHING",
    "UPDATE customers SET (last_name, is_active) = (:lastName, true), tags = array_append(tags, :tag) WHERE id = :id",
    "UPDATE customers SET home_address.city = :city WHERE id = :id",
    // Aggregates, GROUP BY, EXTRACT, CASE, COALESCE.
    "SELECT EXTRACT(YEAR FROM placed_at) AS year, EXTRACT(MONTH FROM placed_at) AS month, sum(total) AS revenue
       FROM orders GROUP BY year, month ORDER BY year DESC, month",
    "SELECT date_trunc('month', placed_at) AS m, count(*) FILTER (WHERE status = 'SHIPPED') AS shipped FROM orders GROUP BY 1 ORDER BY 1",
    "SELECT customer_id, CASE WHEN sum(total) > 1000 THEN 'gold' WHEN sum(total) > 100 THEN 'silver' ELSE 'bronze' END AS tier FROM orders GROUP BY customer_id HAVING sum(total) > 0",
    "SELECT CASE status WHEN 'PENDING' THEN 0 ELSE 1 END, COALESCE(note, '') AS note, NULLIF(total, 0), GREATEST(total, 0), LEAST(total, 100) FROM orders",
    "SELECT string_agg(name, ', ' ORDER BY name) AS names, array_agg(DISTINCT stock) FROM products",
    "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY total) AS median FROM orders",
    "SELECT count(*) AS n, status FROM orders GROUP BY status HAVING count(*) > 1 ORDER BY n DESC",
    // Subqueries: derived, correlated, scalar, EXISTS, ANY.
    "SELECT c.email, (SELECT max(o.placed_at) FROM orders o WHERE o.customer_id = c.id) AS last_order FROM customers c",
    "SELECT * FROM customers c WHERE EXISTS (SELECT 1 FROM orders WHERE customer_id = c.id) AND NOT EXISTS (SELECT 1 FROM \"UserProfiles\" up WHERE up.\"userId\" = c.id)",
    "SELECT t.customer_id, t.n FROM (SELECT customer_id, count(*) AS n FROM orders GROUP BY customer_id) t WHERE t.n > :min",
    "SELECT s.* FROM (SELECT id, name FROM events UNION ALL SELECT id::int, content FROM notes) AS s(id, label) WHERE s.label ILIKE '%' || :q || '%'",
    "SELECT * FROM products WHERE sku = ANY(:skus::text[]) AND :tag = ANY(tags) AND tags && ARRAY[:tag]::text[]",
    "SELECT * FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE email LIKE :pattern) AND total > ALL (SELECT total FROM orders WHERE status = 'CANCELLED')",
    "SELECT id FROM events e WHERE name = (SELECT name FROM events WHERE id = e.id)",
    // UNION, INTERSECT, VALUES.
    "SELECT id, name FROM events UNION ALL SELECT id, question FROM logistics.template_question ORDER BY name LIMIT 10",
    "(SELECT sku FROM products) EXCEPT (SELECT product_sku FROM order_items) ORDER BY sku",
    "SELECT v.id, v.label FROM (VALUES (1, 'a'), (2, 'b')) AS v(id, label) JOIN events e ON e.id = v.id",
    "VALUES (1, 'one'), (2, 'two')",
    // Set-returning functions, LATERAL, unnest.
    "SELECT * FROM public.searchuser(:lookup)",
    "SELECT * FROM searchuser(:lookup) AS u WHERE u.email IS NOT NULL",
    "SELECT g.day FROM generate_series(:from::date, :to::date, INTERVAL '1 day') AS g(day)",
    "SELECT d FROM generate_series(1, 10) d",
    "SELECT c.id, t.tag FROM customers c, unnest(c.tags) AS t(tag)",
    "SELECT c.id, tag, n FROM customers c CROSS JOIN LATERAL unnest(c.tags) WITH ORDINALITY AS x(tag, n)",
    "SELECT c.id, last.placed_at FROM customers c LEFT JOIN LATERAL (SELECT placed_at FROM orders o WHERE o.customer_id = c.id ORDER BY placed_at DESC LIMIT 1) last ON true",
    "SELECT key, value FROM customers, jsonb_each_text(preferences) WHERE id = :id",
    "SELECT * FROM json_to_recordset(:items::json) AS x(sku text, qty int) JOIN products p ON p.sku = x.sku",
    // CTEs, recursive, data-modifying.
    "WITH recent AS (SELECT * FROM orders WHERE placed_at > now() - INTERVAL '7 days') SELECT r.id, r.total, c.email FROM recent r JOIN customers c ON c.id = r.customer_id",
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :max) SELECT i FROM n",
    "WITH moved AS (DELETE FROM orders WHERE status = 'CANCELLED' RETURNING id, to_jsonb(orders) AS data) INSERT INTO archive.orders (id, data) SELECT row_number() OVER (), data FROM moved",
    "WITH a AS (SELECT id FROM events), b AS (SELECT id FROM a WHERE id > 1) SELECT * FROM b JOIN a USING (id)",
    // Window functions.
    "SELECT id, total, rank() OVER (PARTITION BY customer_id ORDER BY total DESC) AS r, sum(total) OVER w AS running FROM orders WINDOW w AS (ORDER BY placed_at ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
    "SELECT DISTINCT ON (customer_id) customer_id, id, placed_at FROM orders ORDER BY customer_id, placed_at DESC",
    // JSON operators and functions.
    "SELECT id, preferences->>'theme' AS theme, preferences->'notifications'->>'email' AS mail, preferences #>> '{a,b}' FROM customers WHERE preferences @> :filter::jsonb AND preferences ? 'theme'",
    "SELECT jsonb_build_object('id', id, 'email', email) AS doc, row_to_json(c) FROM customers c",
    "SELECT json_agg(e) FROM events e",
    // Records and composite fields, a column named like a table.
    "SELECT (c.home_address).city, (home_address).zip FROM customers c",
    "SELECT name FROM products name WHERE name.price > 0",
    "SELECT e FROM events e",
    // Casts, time, strings.
    "SELECT now(), current_date, current_timestamp, localtimestamp, CAST(:n AS integer), :m::numeric(10, 2), 'x'::text, interval '2 hours'",
    "SELECT * FROM orders WHERE placed_at AT TIME ZONE 'UTC' > :ts AND date_part('dow', placed_at) = :dow AND age(placed_at) < INTERVAL '30 days'",
    "SELECT substring(email FROM 1 FOR 3), position('@' IN email), trim(BOTH ' ' FROM email), upper(email) || lower(last_name) FROM customers WHERE email ~* :re",
    "SELECT 'It''s :not_a_placeholder' AS s, E'a\\'b' AS t, $$ :nor_this $$ AS u FROM events",
    // System catalogs.
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'",
    "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :schema",
    "SELECT * FROM pg_catalog.pg_stat_activity",
    // Several statements, comments, trailing semicolons.
    "-- SELECT * FROM notes WHERE owner = :oldOwner\nSELECT * FROM notes WHERE owner = :owner; -- trailing :comment\n",
    "BEGIN; UPDATE products SET stock = stock - :qty WHERE sku = :sku; INSERT INTO order_items (order_id, line_no, product_sku, quantity, unit_price) VALUES (:orderId, 1, :sku, :qty, :price); COMMIT;",
    "/* report */ SELECT count(*) FROM events; SELECT count(*) FROM notes;;",
    // Temporary tables and DDL earlier in the text.
    "CREATE TEMP TABLE ids AS SELECT id FROM orders WHERE total > :min; SELECT o.* FROM orders o JOIN ids USING (id);",
    "CREATE TEMPORARY TABLE scratch (k text, v int); INSERT INTO scratch (k, v) VALUES ('a', 1); SELECT k, v FROM scratch",
    "CREATE TABLE IF NOT EXISTS notes (id uuid); SELECT content, owner FROM notes",
    "ALTER TABLE notes ADD COLUMN pinned boolean; UPDATE notes SET pinned = true WHERE id = :id",
    // Locking, FETCH, misc.
    "SELECT * FROM products WHERE sku = :sku FOR UPDATE",
    "SELECT * FROM orders ORDER BY placed_at DESC NULLS LAST FETCH FIRST 10 ROWS ONLY",
    "SELECT * FROM ONLY events TABLESAMPLE SYSTEM (10)",
    "SELECT id, name FROM events WHERE name IS DISTINCT FROM :name AND id IS NOT NULL AND name SIMILAR TO 'A%'",
    "SELECT count(DISTINCT owner) FROM notes",
    "SELECT * FROM \"UserProfiles\" WHERE \"isPublic\" AND \"displayName\" <> ''",
    "SELECT srid, auth_name FROM spatial_ref_sys WHERE srid = 4326",
    "SELECT app.public.events.id FROM app.public.events",
    "SELECT $1::int, id FROM events WHERE id = $2",
    "CALL refresh_totals(:customerId)",
    "EXPLAIN SELECT * FROM events",
    // Select-list aliases where they are allowed, shadowing, odd corners.
    "SELECT name AS n, count(*) AS c FROM events GROUP BY n HAVING count(*) > 1 ORDER BY c DESC, n",
    "SELECT * FROM events e WHERE e.id IN (SELECT e.id FROM events e WHERE e.name IS NOT NULL)",
    "SELECT e.id FROM events e, notes n WHERE n.owner = e.name AND e.name IN (SELECT owner FROM notes WHERE owner = e.name)",
    "SELECT id, row_number() OVER w AS rn, count(*) OVER () FROM events WINDOW w AS (ORDER BY name)",
    "SELECT id FROM events WHERE (name, id) = (:name, :id) AND id = (:id)::int",
    "SELECT DISTINCT owner FROM notes WHERE content @@ to_tsquery(:q) AND content LIKE '%!%%' ESCAPE '!'",
    "SELECT :a::text AS a, gen_random_uuid() AS id, now()::date AS today, CURRENT_DATE - 1 AS yesterday",
    "SELECT id FROM events WHERE name LIKE ANY (ARRAY['a%', 'b%']) ORDER BY random() LIMIT ALL",
    "SELECT id FROM events ORDER BY id OFFSET :o ROWS FETCH NEXT :n ROWS ONLY",
    "SELECT id FROM events GROUP BY id HAVING count(*) > 1 ORDER BY count(*) DESC, events.id",
    "SELECT name COLLATE \"C\" AS n FROM events ORDER BY 1",
    "SELECT 'events'::regclass, tags[1], tags[1:2], array_length(tags, 1) FROM customers",
    "SELECT preferences -> 'a' ->> 'b', preferences #> '{a}', jsonb_path_query(preferences, '$.a') FROM customers WHERE preferences ?| ARRAY['a', 'b']",
    "SELECT * FROM notes n WHERE n.owner = current_setting('app.user', true)",
    "INSERT INTO notes (content) SELECT unnest(:contents::text[])",
    "INSERT INTO notes (id, content) VALUES (:id, :c) ON CONFLICT ON CONSTRAINT notes_pkey DO NOTHING",
    "UPDATE events SET geom = ST_SetSRID(ST_MakePoint(:lng, :lat), 4326) WHERE id = :id RETURNING id, ST_AsGeoJSON(geom)::json AS geojson",
    "WITH x AS MATERIALIZED (SELECT id FROM events) SELECT x.id FROM x",
    "SELECT 1 AS one WHERE EXISTS (SELECT 1 FROM events)",
    "SELECT id FROM events WHERE id = :id::integer UNION SELECT 1 ORDER BY 1",
    "SELECT e.* FROM events AS e WHERE e.name IS NOT NULL",
    "SELECT sub.geom FROM (SELECT * FROM events) AS sub WHERE sub.geom IS NULL",
    "SELECT o.id, (SELECT json_agg(oi) FROM order_items oi WHERE oi.order_id = o.id) AS items FROM orders o",
    "SELECT c.id FROM customers c GROUP BY c.id HAVING (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) > :n",
    "SELECT status, count(*) FROM orders GROUP BY ROLLUP (status)",
    "SELECT x, y FROM unnest(ARRAY[1, 2], ARRAY['a', 'b']) AS t(x, y)",
    "SELECT round(avg(total)::numeric, 2) AS avg_total, max(placed_at)::date FROM orders WHERE status::text = :status",
    "SELECT t.* FROM events t WHERE t.geom IS NOT NULL AND ST_Within(t.geom, ST_GeomFromGeoJSON(:area))",
    "SELECT id FROM events e WHERE NOT EXISTS (SELECT FROM notes WHERE owner = e.name)",
    "DELETE FROM notes WHERE owner = :owner AND id = ANY(:ids::uuid[]) RETURNING *",
    "SELECT id, CASE WHEN geom IS NULL THEN NULL ELSE json_build_object('lng', ST_X(geom), 'lat', ST_Y(geom)) END AS position FROM events",
    "SELECT coalesce(sum(quantity), 0)::int AS qty FROM order_items WHERE product_sku = :sku",
    // More corners: system columns, USING aliases, window frames, row locks.
    "SELECT ctid, xmin, e.tableoid FROM events e",
    "SELECT * FROM events JOIN notes USING (id) AS j WHERE j.id = :id",
    "SELECT * FROM events e, LATERAL generate_series(1, e.id) g",
    "SELECT id FROM events e WHERE e.id = ANY (SELECT unnest(:ids::int[]))",
    "SELECT name(e), e.name FROM events e",
    "SELECT count(*) FILTER (WHERE e.geom IS NULL) OVER (PARTITION BY e.name) FROM events e",
    "SELECT * FROM events ORDER BY name USING <",
    "SELECT * FROM events WHERE name ILIKE ANY(:patterns)",
    "SELECT array_agg(e ORDER BY e.id) FROM events e",
    "SELECT * FROM events e JOIN LATERAL (SELECT count(*) AS n FROM notes WHERE owner = e.name) c ON c.n > 0",
    "SELECT t.x FROM json_array_elements_text(:arr::json) AS t(x)",
    "SELECT * FROM events WHERE id IN (VALUES (1), (2))",
    "SELECT to_char(placed_at, 'YYYY-MM') AS m FROM orders GROUP BY m",
    "SELECT placed_at::date AS d, count(*) FROM orders GROUP BY placed_at::date ORDER BY d",
    "SELECT id FROM events LIMIT :limit::int",
    "SELECT * FROM orders WHERE placed_at > now() - make_interval(days => :days)",
    "SELECT * FROM orders WHERE placed_at > now() - (:days || ' days')::interval",
    "SELECT jsonb_agg(to_jsonb(o) - 'customer_id') FROM orders o",
    "SELECT format('%s-%s', id, name) FROM events",
    "SELECT id FROM events WHERE name IS NOT NULL AND NOT (name = ANY ('{a,b}'::text[]))",
    "SELECT oi.order_id, sum(oi.quantity * oi.unit_price) OVER (PARTITION BY oi.order_id ORDER BY oi.line_no ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM order_items oi",
    "SELECT n.* FROM notes n WHERE n.id = :id::uuid FOR UPDATE OF n SKIP LOCKED",
    "SELECT id FROM events e WHERE EXISTS (SELECT 1 FROM notes n WHERE n.owner = e.name AND n.content ~ e.name)",
    "SELECT * FROM events TABLESAMPLE BERNOULLI (50) REPEATABLE (1)",
    "SELECT x.* FROM (SELECT id, name FROM events) x(a, b) WHERE x.a > 1 AND x.b IS NOT NULL",
    "SELECT \"e\".\"name\" FROM events \"e\"",
    "SELECT e.\"name\" FROM public.\"events\" e",
    "INSERT INTO notes (content) VALUES (:c) RETURNING old.content, new.content",
    "SELECT * FROM events WHERE geom IS NOT NULL ORDER BY geom <-> (SELECT geom FROM events WHERE id = :id)",
    "SELECT e1.id, e2.id FROM events e1 JOIN events e2 ON ST_DWithin(e1.geom, e2.geom, :d) AND e1.id < e2.id",
    "SELECT id FROM events UNION SELECT id::int FROM inventory.items ORDER BY id DESC",
    "SELECT id FROM events WHERE id = 1 INTERSECT SELECT id FROM events WHERE id = 2",
    "SELECT x FROM (SELECT 1 AS x UNION ALL SELECT 2) s",
    "SELECT e.id FROM events e WHERE e.id IN (SELECT n.id::int FROM notes n) ORDER BY e.name NULLS FIRST",
    "UPDATE notes n SET owner = c.email FROM customers c WHERE c.id::text = n.owner RETURNING n.id, c.email",
    "SELECT id, name FROM events WHERE to_tsvector('english', name) @@ plainto_tsquery('english', :q)",
    "SELECT substring(name, '^\\d+') FROM events",
    "SELECT id FROM events GROUP BY GROUPING SETS ((id), ())",
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM notes) THEN 'y' END",
    "SELECT id FROM events WHERE name SIMILAR TO :p ESCAPE '#'",
    "SELECT events.id FROM events, notes WHERE notes.owner = events.name",
    "SELECT c.email FROM customers c WHERE c.home_address IS NOT NULL AND (c.home_address).city = :city",
    "SELECT u.\"userId\" FROM \"UserProfiles\" AS u JOIN customers ON customers.id = u.\"userId\"",
    "WITH t AS (SELECT 1 AS a) SELECT * FROM t UNION ALL SELECT a FROM t",
    "WITH a AS (SELECT 1 AS x) SELECT (SELECT x FROM a) AS y",
    "SELECT (SELECT name FROM events WHERE id = o.total::int) FROM orders o",
    "SELECT id FROM events WHERE CAST(id AS text) = :id",
    "SELECT * FROM notes WHERE owner = ANY(string_to_array(:owners, ','))",
    "SELECT count(*) FROM (SELECT DISTINCT owner FROM notes) AS owners",
    "SELECT id FROM events OFFSET 5",
    "SELECT * FROM orders WHERE status IN ('PENDING'::order_status, 'SHIPPED')",
    // Statements besides DML, operators, bare statements.
    "SELECT",
    "SELECT;",
    "VALUES (1)",
    "ROLLBACK",
    "END",
    "ABORT",
    "START TRANSACTION ISOLATION LEVEL SERIALIZABLE",
    "SET search_path TO public",
    "SET LOCAL statement_timeout = '5s'",
    "SELECT set_config('app.user', :user, true)",
    "REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals",
    "TRUNCATE notes RESTART IDENTITY",
    "LOCK TABLE notes IN EXCLUSIVE MODE",
    "SELECT pg_advisory_xact_lock(:key)",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx ON notes (owner)",
    "COPY notes TO STDOUT",
    "SELECT 1 FROM events WHERE false GROUP BY ()",
    "SELECT * FROM events e WHERE e.id = :id OR e.name IS NULL ORDER BY 1 LIMIT 1 OFFSET 0",
    "SELECT row(1, 'a'), ROW(id, name) FROM events",
    "SELECT id FROM events WHERE (id, name) IN (SELECT id::int, owner FROM notes)",
    "SELECT * FROM notes WHERE content ~~ :pattern",
    "SELECT 1 WHERE 1 = ANY('{1,2}'::int[])",
    "SELECT * FROM events WHERE name = $$literal with :colon$$",
    "SELECT id, name FROM events WHERE name !~~* :p",
    "SELECT * FROM events WHERE geom ~= ST_MakePoint(1, 2)",
    "SELECT id FROM events WHERE id % 2 = 0 AND id # 3 > 0 AND ~id < 0 AND |/ 4 > 1 AND @ -5 > 0",
    "SELECT interval '1 day' * :n, :ts::timestamptz + (:mins || ' minutes')::interval",
    "SELECT id FROM events ORDER BY id LIMIT (SELECT count(*) FROM notes)",
    "SELECT normalize(name, NFC) FROM events",
    "SELECT * FROM events WHERE name IS NFC NORMALIZED",
    "SELECT id::text || ':' || name AS key FROM events",
    "SELECT e.id FROM events e WHERE e.id = :id::int AND e.name = :name::varchar(200)",
    "SELECT x.id FROM (SELECT * FROM events) x WHERE x.name = :name",
    "SELECT * FROM (events JOIN notes ON notes.owner = events.name) AS j",
];

const MYSQL: &[&str] = &[
    "SELECT * FROM customers WHERE email = :email;",
    "SELECT `id`, `first_name`, `lastName` FROM `customers` WHERE `is_active` = 1 ORDER BY `created_at` DESC LIMIT :offset, :limit",
    "SELECT c.first_name, o.id, o.total FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.placed_at > NOW() - INTERVAL :days DAY",
    "SELECT * FROM orders WHERE status IN (:s1, :s2) AND placed_at BETWEEN :from AND :to LIMIT 10 OFFSET 5",
    "SELECT DATE_FORMAT(placed_at, '%Y-%m') AS month, SUM(total) AS revenue FROM orders GROUP BY month HAVING revenue > :min ORDER BY month",
    "SELECT TIMESTAMPDIFF(MONTH, created_at, NOW()) AS months, DATE_ADD(created_at, INTERVAL 1 DAY), EXTRACT(YEAR FROM created_at) FROM customers",
    "SELECT IF(is_active, 'yes', 'no'), IFNULL(lastName, ''), COALESCE(preferences, '{}'), CASE WHEN is_active THEN 1 ELSE 0 END FROM customers",
    "SELECT GROUP_CONCAT(name ORDER BY name SEPARATOR ', ') FROM products WHERE status = 'active'",
    "SELECT JSON_EXTRACT(preferences, '$.theme'), preferences->>'$.lang' FROM customers WHERE id = :id",
    "INSERT INTO orders (id, customer_id, total) VALUES (UUID(), :customerId, :total)",
    "INSERT INTO products (sku, name, price) VALUES (:sku, :name, :price) ON DUPLICATE KEY UPDATE price = VALUES(price), name = VALUES(name), stock = stock + 1",
    "INSERT INTO products (sku, name, price) VALUES (:sku, :name, :price) AS new ON DUPLICATE KEY UPDATE price = new.price",
    "INSERT INTO audit_log (actor, action, payload) SELECT email, 'export', preferences FROM customers WHERE id = :id",
    "INSERT INTO audit_log SET actor = :actor, action = 'login'",
    "REPLACE INTO products (sku, name, price) VALUES (:sku, :name, :price)",
    "UPDATE customers SET first_name = :firstName, lastName = :lastName WHERE id = :id",
    "UPDATE orders o JOIN customers c ON c.id = o.customer_id SET o.note = :note, c.is_active = 1 WHERE c.email = :email",
    "UPDATE products SET stock = stock - 1 WHERE sku = :sku AND stock > 0 ORDER BY sku LIMIT 1",
    "DELETE FROM orders WHERE id = :id",
    "DELETE o FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email = :email",
    "DELETE FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE status = 'CANCELLED')",
    "DELETE FROM o USING orders AS o JOIN customers AS c ON c.id = o.customer_id WHERE c.is_active = 0",
    "SELECT id, name FROM events UNION ALL SELECT id, first_name FROM customers",
    "SELECT t.customer_id, t.n FROM (SELECT customer_id, COUNT(*) AS n FROM orders GROUP BY customer_id) AS t WHERE t.n > 1",
    "SELECT * FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)",
    "SELECT `UserProfiles`.`displayName`, u.Mood FROM `UserProfiles` JOIN `UserProfiles` u ON u.userId = `UserProfiles`.userId",
    "SELECT *, ST_Distance_Sphere(POINT(lng, lat), POINT(:lng, :lat)) AS distance FROM events HAVING distance < :radius ORDER BY distance",
    "SELECT * FROM products WHERE MATCH (name) AGAINST (:q IN NATURAL LANGUAGE MODE)",
    "SELECT name FROM products WHERE name REGEXP :re AND name LIKE CONCAT('%', :q, '%')",
    "SELECT @rank := @rank + 1 AS r, id FROM events, (SELECT @rank := 0) AS init",
    "SELECT * FROM JSON_TABLE(:items, '$[*]' COLUMNS (sku VARCHAR(32) PATH '$.sku')) AS jt JOIN products p ON p.sku = jt.sku",
    "WITH big AS (SELECT * FROM orders WHERE total > :min) SELECT customer_id, COUNT(*) FROM big GROUP BY customer_id",
    "SELECT id, RANK() OVER (PARTITION BY customer_id ORDER BY total DESC) AS r FROM orders",
    "SELECT 1 FROM DUAL",
    "SELECT * FROM shop.orders o JOIN shop.customers ON shop.customers.id = o.customer_id",
    "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()",
    "SELECT \"a double-quoted string\", 'x' FROM events # a comment with :placeholder\n",
    "CALL place_order(:customerId, :sku, :qty)",
    "SELECT * FROM customers FORCE INDEX (PRIMARY) WHERE id = :id",
    "SELECT CAST(total AS CHAR), CONVERT(note USING utf8mb4), CURDATE(), UTC_TIMESTAMP() FROM orders",
    "SELECT * FROM products p WHERE p.status = 'active' LIMIT 10; SELECT FOUND_ROWS();",
    "SELECT COUNT(*) AS cnt, customer_id FROM orders GROUP BY customer_id HAVING cnt > 1 ORDER BY cnt DESC",
    "SELECT * FROM orders WHERE placed_at > DATE_SUB(NOW(), INTERVAL :days DAY) AND status = \"SHIPPED\"",
    "SELECT * FROM customers WHERE JSON_CONTAINS(preferences, :v, '$.tags') AND JSON_UNQUOTE(JSON_EXTRACT(preferences, '$.lang')) = :lang",
    "INSERT INTO orders (id, customer_id) VALUES (:id, :c); SELECT * FROM orders WHERE id = LAST_INSERT_ID();",
    "UPDATE customers SET preferences = JSON_SET(preferences, '$.theme', :theme) WHERE id = :id",
    "INSERT INTO audit_log (actor, action) VALUES (:a1, 'x'), (:a2, 'y'), (:a3, 'z')",
    "SELECT c.*, (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) AS n FROM customers c",
    "SELECT o.id FROM orders o STRAIGHT_JOIN customers c ON c.id = o.customer_id",
    "SHOW TABLES",
    "SELECT DISTINCT status FROM orders ORDER BY status",
    "SELECT p.sku, SUM(oi.quantity) AS sold FROM products p LEFT JOIN order_items oi ON oi.product_sku = p.sku GROUP BY p.sku ORDER BY sold DESC LIMIT :n",
    "SHOW COLUMNS FROM customers",
    "DESCRIBE customers",
    "EXPLAIN FORMAT=JSON SELECT 1",
    "LOCK TABLES customers WRITE",
    "UNLOCK TABLES",
    "SET @a = 1",
    "SET NAMES utf8mb4",
    "SELECT SLEEP(1)",
    "START TRANSACTION",
    "SELECT * FROM customers WHERE id = :id FOR UPDATE",
    "SELECT * FROM customers LIMIT 1 FOR SHARE",
    "INSERT INTO customers (email, first_name) VALUES (:e, :f) ON DUPLICATE KEY UPDATE first_name = :f",
    "SELECT id FROM customers ORDER BY RAND() LIMIT 1",
    "SELECT COUNT(DISTINCT customer_id) FROM orders",
    "SELECT * FROM orders WHERE FIND_IN_SET(status, :statuses)",
    "SELECT id FROM customers WHERE email LIKE :q ESCAPE '!'",
    "SELECT LPAD(id, 6, '0'), DATEDIFF(NOW(), created_at) FROM customers",
    "SELECT JSON_LENGTH(preferences), JSON_KEYS(preferences) FROM customers",
    "SELECT * FROM customers WHERE created_at >= :from AND created_at < :to + INTERVAL 1 DAY",
    "SELECT id, first_name FROM customers WHERE id IN (SELECT customer_id FROM orders GROUP BY customer_id HAVING COUNT(*) > :n)",
    "SELECT CONCAT_WS(' ', first_name, lastName) AS full_name FROM customers HAVING full_name LIKE :q",
    "SELECT BINARY name FROM products",
    "SELECT name FROM products WHERE name COLLATE utf8mb4_bin = :n",
    "INSERT IGNORE INTO products (sku, name, price) VALUES (:s, :n, :p)",
    "INSERT INTO products (sku, name, price) SELECT sku, name, price FROM products WHERE stock = 0 ON DUPLICATE KEY UPDATE stock = stock + 1",
    "SELECT COUNT(*) INTO @n FROM orders",
    "DELETE FROM orders WHERE status = 'CANCELLED' ORDER BY placed_at LIMIT 10",
    "SELECT * FROM orders WHERE note <=> NULL",
    "SELECT SQL_NO_CACHE * FROM orders",
    "SELECT status, COUNT(*) FROM orders GROUP BY status WITH ROLLUP",
    "SELECT IF(EXISTS(SELECT 1 FROM orders), 1, 0)",
    "SELECT STR_TO_DATE(:d, '%Y-%m-%d'), GET_FORMAT(DATE, 'EUR'), WEEK(placed_at, 3) FROM orders",
    "SELECT * FROM orders USE INDEX (orders_status_placed_idx) WHERE status = :s",
    "SELECT JSON_ARRAYAGG(sku), JSON_OBJECT('sku', sku) FROM products",
    "SELECT preferences->'$.a', preferences->>'$.b' FROM customers",
    "SELECT _rowid FROM customers",
    "SELECT * FROM orders o WHERE o.total > (SELECT AVG(total) FROM orders WHERE customer_id = o.customer_id)",
    "SELECT HIGH_PRIORITY * FROM orders",
    "SELECT * FROM events WHERE starts_at >= CURRENT_TIMESTAMP AND starts_at < CURRENT_TIMESTAMP + INTERVAL 7 DAY",
    "SELECT id, name, (6371 * acos(cos(radians(:lat)) * cos(radians(lat)) * cos(radians(lng) - radians(:lng)) + sin(radians(:lat)) * sin(radians(lat)))) AS distance FROM events HAVING distance < :km ORDER BY distance",
    "SELECT TRIM(BOTH ' ' FROM name), SUBSTRING(name, 1, 3), SUBSTRING_INDEX(name, ' ', 1), LOCATE('a', name) FROM products",
    "SELECT * FROM `order_items` AS `oi` WHERE `oi`.`order_id` = :id",
    "SELECT customers.* FROM customers",
];

/// Analyzes every statement and lists those with diagnostics, all at once.
#[track_caller]
fn assert_quiet(target: Target, corpus: &[&str]) {
    let mut noisy = String::new();
    for sql in corpus {
        let analysis = target.analyze(sql);
        if !analysis.diagnostics.is_empty() {
            noisy.push_str(&format!("\n{sql}\n"));
            for d in &analysis.diagnostics {
                let at = sql.get(d.range.clone()).unwrap_or("?");
                noisy.push_str(&format!(
                    "  {:?} {:?} {} [{}]: {}\n",
                    d.range,
                    at,
                    d.severity.name(),
                    d.code,
                    d.message
                ));
            }
        }
    }
    assert!(
        noisy.is_empty(),
        "false alarms on valid SQL ({target:?}):{noisy}"
    );
}

#[test]
fn valid_postgresql_gives_no_diagnostic() {
    assert_quiet(Target::Pg, POSTGRESQL);
    assert_quiet(Target::PgBare, POSTGRESQL);
}

#[test]
fn valid_mysql_gives_no_diagnostic() {
    assert_quiet(Target::My, MYSQL);
    assert_quiet(Target::MyBare, MYSQL);
}

#[test]
fn corpus_is_large_enough() {
    assert!(POSTGRESQL.len() >= 40 && MYSQL.len() >= 40);
}

/// Valid SQL that sqlparser 0.64 cannot parse: a warning saying so, never an error.
const PARSER_GAPS: &[(Target, &str)] = &[
    (
        Target::My,
        "SELECT * FROM products WHERE sku = :s LOCK IN SHARE MODE",
    ),
    (
        Target::My,
        "UPDATE orders, customers SET orders.note = customers.email WHERE orders.customer_id = customers.id",
    ),
    (
        Target::My,
        "SELECT CONVERT(total, CHAR), total DIV 2, total MOD 2, is_active XOR 1 FROM orders, customers",
    ),
    (
        Target::Pg,
        "SELECT id FROM events WHERE id BETWEEN SYMMETRIC 1 AND 5",
    ),
    (Target::Pg, "TABLE events"),
    (
        Target::Pg,
        "SELECT * FROM ROWS FROM (generate_series(1, 2), generate_series(1, 3)) AS x(a, b)",
    ),
];

#[test]
fn parser_gaps_are_only_warnings() {
    for (target, sql) in PARSER_GAPS {
        let analysis = target.analyze(sql);
        let codes: Vec<_> = analysis
            .diagnostics
            .iter()
            .map(|d| (d.severity, d.code))
            .collect();
        assert_eq!(
            codes,
            [(Severity::Warning, "sql-unsupported-syntax")],
            "{sql}: {:?}",
            analysis.diagnostics
        );
    }
}

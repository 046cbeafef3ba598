//! Diagnostics, one fixture each: syntax, unknown tables, unknown columns and their scoping.

use crate::check::{Target, check, check_mysql, check_with};

// ---- empty text ----

#[test]
fn empty_and_whitespace_text() {
    for sql in ["", "   ", "\n\t \n"] {
        let analysis = Target::Pg.analyze(sql);
        let [d] = analysis.diagnostics.as_slice() else {
            panic!("{:?}", analysis.diagnostics)
        };
        assert_eq!(d.code, "sql-empty-statement");
        assert_eq!(d.range, 0..sql.len());
        assert_eq!(
            d.message,
            "@sql directive 'statement' argument must not be empty."
        );
    }
}

#[test]
fn only_comments_is_not_empty() {
    check("-- SELECT :old FROM events\n/* nothing */");
}

// ---- syntax ----

#[test]
fn syntax_error_on_the_offending_token() {
    check(
        r#"
SELECT 'café — 東京' FROM events WHERE id = = 1
--                                        ^ error[sql-syntax-error]: Expected: an expression, found: =
"#,
    );
}

#[test]
fn syntax_error_on_a_later_line_after_non_ascii_text() {
    check(
        r#"
-- Événements à Tōkyō
SELECT name
  FROM events
  WHERE name = '東京' AND id = = 1
--                           ^ error[sql-syntax-error]: Expected: an expression, found: =
"#,
    );
}

#[test]
fn unexpected_end_goes_on_the_last_token() {
    check(
        r#"
SELECT * FROM
--       ^^^^ error[sql-syntax-error]: Expected: identifier, found: EOF
"#,
    );
    check(
        r#"
SELECT * FROM events WHERE
--                   ^^^^^ error[sql-syntax-error]: Expected: an expression, found: EOF
-- trailing comment
"#,
    );
}

#[test]
fn unexpected_end_before_a_semicolon() {
    check(
        r#"
SELECT * FROM events WHERE id = ; SELECT 1;
--                            ^ error[sql-syntax-error]: Expected: an expression, found: EOF
"#,
    );
}

#[test]
fn unbalanced_parenthesis() {
    check(
        r#"
SELECT * FROM events WHERE (id = :id
--                               ^^^ error[sql-syntax-error]: Expected: ), found: EOF
"#,
    );
    check(
        r#"
SELECT count(*)) FROM events
--             ^ error[sql-syntax-error]: Expected: end of statement, found: )
"#,
    );
}

#[test]
fn unterminated_string_and_identifier() {
    check(
        r#"
SELECT * FROM events WHERE name = 'café
--                                ^ error[sql-syntax-error]: Unterminated string literal
"#,
    );
    check(
        r#"
SELECT "name FROM events
--     ^ error[sql-syntax-error]: Expected close delimiter '"' before EOF
"#,
    );
}

#[test]
fn keyword_typo_at_statement_start() {
    check(
        r#"
  SELEC * FROM events
--^^^^^ error[sql-syntax-error]: syntax error at or near "SELEC"; did you mean SELECT?
"#,
    );
}

#[test]
fn keyword_typo_where_a_clause_may_start() {
    check(
        r#"
SELECT * FROM notes ORDER BY id DESC LIMT 10
--                                   ^^^^ error[sql-syntax-error]: syntax error at or near "LIMT"; did you mean LIMIT?
"#,
    );
}

#[test]
fn dangling_comma_before_from() {
    check(
        r#"
SELECT id, name, FROM events
--               ^^^^ error[sql-syntax-error]: Expected: an expression, found: FROM
"#,
    );
}

#[test]
fn what_the_parser_cannot_read_is_only_a_warning() {
    check(
        r#"
SELECT * FROM ROWS FROM (generate_series(1, 2), generate_series(1, 3)) AS x(a, b)
--                 ^^^^ warning[sql-unsupported-syntax]: schemals' SQL parser cannot read this statement (Expected: end of statement, found: FROM); the database may still accept it
"#,
    );
}

#[test]
fn a_bad_statement_does_not_hide_the_others() {
    check(
        r#"
SELECT nme FROM events;
--     ^^^ error[sql-unknown-column]: Column "nme" does not exist in "events"; did you mean "name"?
SELECT * FROM WHERE;
--            ^^^^^ error[sql-syntax-error]: Expected: table name, found: WHERE
SELECT id FROM notez;
--             ^^^^^ error[sql-unknown-table]: Table "notez" does not exist in the database; did you mean "notes"?
"#,
    );
}

#[test]
fn too_deep_is_not_an_error() {
    let sql = format!("SELECT {}1{} FROM events", "(".repeat(200), ")".repeat(200));
    let analysis = Target::Pg.analyze(&sql);
    let codes: Vec<_> = analysis.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["sql-not-analyzed"]);
}

// ---- tables ----

#[test]
fn unknown_table() {
    check(
        r#"
SELECT id, name FROM evnts
--                   ^^^^^ error[sql-unknown-table]: Table "evnts" does not exist in the database; did you mean "events"?
"#,
    );
}

#[test]
fn unknown_table_in_a_known_schema() {
    check(
        r#"
SELECT * FROM public.evnts e JOIN inventory.itemz i ON i.id = e.id
--                   ^^^^^ error[sql-unknown-table]: Table "public.evnts" does not exist in the database; did you mean "events"?
--                                          ^^^^^ error[sql-unknown-table]: Table "inventory.itemz" does not exist in the database; did you mean "items"?
"#,
    );
}

#[test]
fn table_in_another_schema_than_the_search_path() {
    check(
        r#"
SELECT sku, qty FROM items WHERE qty < :min
--                   ^^^^^ error[sql-unknown-table]: Table "items" does not exist in the search path (public); schema "inventory" has it: write inventory.items
"#,
    );
}

#[test]
fn misspelled_schema_of_an_existing_table() {
    check(
        r#"
SELECT * FROM pubic.orders
--            ^^^^^ error[sql-unknown-table]: Schema "pubic" has no table "orders"; schema "public" has it
"#,
    );
}

#[test]
fn unknown_schema_without_such_a_table_is_quiet() {
    check("SELECT * FROM tiger.county WHERE statefp = :s");
}

#[test]
fn mixed_case_table_needs_quotes_in_postgresql() {
    check(
        r#"
SELECT * FROM UserProfiles;
--            ^^^^^^^^^^^^ error[sql-unknown-table]: Table "userprofiles" does not exist in the database; "UserProfiles" does: unquoted names are folded to lower case, so write it in double quotes
SELECT "userId", "displayName" FROM "UserProfiles" WHERE "isPublic"
"#,
    );
}

#[test]
fn quoted_name_is_exact_in_postgresql() {
    check(
        r#"
SELECT * FROM "Events"
--            ^^^^^^^^ error[sql-unknown-table]: Table "Events" does not exist in the database; did you mean "events"?
"#,
    );
}

#[test]
fn unknown_tables_in_dml() {
    check(
        r#"
INSERT INTO note (content) VALUES (:content);
--          ^^^^ error[sql-unknown-table]: Table "note" does not exist in the database; did you mean "notes"?
UPDATE evnts SET name = :name WHERE id = :id;
--     ^^^^^ error[sql-unknown-table]: Table "evnts" does not exist in the database; did you mean "events"?
DELETE FROM public.notess WHERE id = :id;
--                 ^^^^^^ error[sql-unknown-table]: Table "public.notess" does not exist in the database; did you mean "notes"?
"#,
    );
}

#[test]
fn unknown_table_in_subquery_and_cte() {
    check(
        r#"
WITH recent AS (SELECT * FROM orderz WHERE placed_at > now() - INTERVAL '1 day')
--                            ^^^^^^ error[sql-unknown-table]: Table "orderz" does not exist in the database; did you mean "orders"?
SELECT * FROM recent WHERE id IN (SELECT order_id FROM order_item)
--                                                     ^^^^^^^^^^ error[sql-unknown-table]: Table "order_item" does not exist in the database; did you mean "order_items"?
"#,
    );
}

#[test]
fn mysql_table_names_are_case_sensitive() {
    check_mysql(
        r#"
SELECT * FROM Customers
--            ^^^^^^^^^ warning[sql-unknown-table]: Table "Customers" does not exist in the database; "customers" differs only in case, and MySQL table names are case-sensitive on Linux
"#,
    );
    check_mysql(
        r#"
SELECT * FROM `UserProfiles` u JOIN customers c ON c.id = u.userId;
SELECT * FROM custmers
--            ^^^^^^^^ error[sql-unknown-table]: Table "custmers" does not exist in the database; did you mean "customers"?
"#,
    );
}

#[test]
fn mysql_database_qualified_names() {
    check_mysql(
        r#"
SELECT c.email FROM shop.customers c;
SELECT * FROM shop.custmers;
--                 ^^^^^^^^ error[sql-unknown-table]: Table "custmers" does not exist in the database; did you mean "customers"?
SELECT * FROM other_db.anything;
SELECT * FROM information_schema.tables WHERE table_schema = DATABASE()
"#,
    );
}

#[test]
fn no_catalog_no_name_checks() {
    check_with(
        Target::PgBare,
        "SELECT nme FROM evnts e WHERE x.y = 1 ORDER BY zz",
    );
    check_with(Target::MyBare, "SELECT nme FROM `evnts` LIMIT :a, :b");
}

// ---- columns ----

#[test]
fn unknown_column() {
    check(
        r#"
SELECT nme FROM events
--     ^^^ error[sql-unknown-column]: Column "nme" does not exist in "events"; did you mean "name"?
"#,
    );
}

#[test]
fn unknown_column_everywhere_in_a_select() {
    check(
        r#"
SELECT e.id, e.titel, count(*) AS n
--             ^^^^^ error[sql-unknown-column]: Column "titel" does not exist in "events"
FROM events e JOIN notes n ON n.owner = e.nam
--                                        ^^^ error[sql-unknown-column]: Column "nam" does not exist in "events"; did you mean "name"?
WHERE contnt ILIKE :q
--    ^^^^^^ error[sql-unknown-column]: Column "contnt" does not exist in "events" or "notes"; did you mean "content"?
GROUP BY e.id, e.titel
--               ^^^^^ error[sql-unknown-column]: Column "titel" does not exist in "events"
HAVING count(ownr) > 1
--           ^^^^ error[sql-unknown-column]: Column "ownr" does not exist in "events" or "notes"; did you mean "owner"?
ORDER BY n DESC, e.idd
--                 ^^^ error[sql-unknown-column]: Column "idd" does not exist in "events"; did you mean "id"?
"#,
    );
}

#[test]
fn unknown_qualifier() {
    check(
        r#"
SELECT ev.name FROM events e
--     ^^ error[sql-unknown-table]: Table or alias "ev" is not in the FROM clause
"#,
    );
    check(
        r#"
SELECT events.name FROM events e
--     ^^^^^^ error[sql-unknown-table]: Table or alias "events" is not in the FROM clause; the table is aliased as "e"
"#,
    );
}

#[test]
fn schema_qualified_column_reference() {
    check(
        r#"
SELECT public.events.name, events.id FROM public.events;
SELECT public.events.nam FROM events
--                   ^^^ error[sql-unknown-column]: Column "nam" does not exist in "events"; did you mean "name"?
"#,
    );
}

#[test]
fn mixed_case_column_needs_quotes_in_postgresql() {
    check(
        r#"
SELECT firstName FROM customers
--     ^^^^^^^^^ error[sql-unknown-column]: Column "firstname" does not exist in "customers"; "firstName" does: unquoted names are folded to lower case, so write it in double quotes
"#,
    );
}

#[test]
fn mysql_column_names_ignore_case() {
    check_mysql(
        r#"
SELECT ID, Email, FIRST_NAME, lastname FROM customers WHERE Is_Active = 1;
SELECT firstname FROM customers
--     ^^^^^^^^^ error[sql-unknown-column]: Column "firstname" does not exist in "customers"; did you mean "first_name"?
"#,
    );
}

#[test]
fn mysql_backticks() {
    check_mysql(
        r#"
SELECT `id`, `first_name` FROM `customers` WHERE `email` = :email;
SELECT `frist_name` FROM `customers`
--     ^^^^^^^^^^^^ error[sql-unknown-column]: Column "frist_name" does not exist in "customers"; did you mean "first_name"?
"#,
    );
}

#[test]
fn insert_column_list_and_returning() {
    check(
        r#"
INSERT INTO notes (id, contnt, owner) VALUES (:id, :content, :owner) RETURNING id, ownr
--                     ^^^^^^ error[sql-unknown-column]: Column "contnt" does not exist in "notes"; did you mean "content"?
--                                                                                 ^^^^ error[sql-unknown-column]: Column "ownr" does not exist in "notes"; did you mean "owner"?
"#,
    );
}

#[test]
fn insert_values_do_not_see_the_target_in_postgresql() {
    check(
        r#"
INSERT INTO notes (content) VALUES (owner)
--                                  ^^^^^ error[sql-unknown-column]: Column "owner" does not exist
"#,
    );
    check_mysql("INSERT INTO customers (email, first_name) VALUES (:email, email)");
}

#[test]
fn update_set_targets() {
    check(
        r#"
UPDATE notes SET contents = :c, owner = :o WHERE id = :id RETURNING *
--               ^^^^^^^^ error[sql-unknown-column]: Column "contents" does not exist in "notes"; did you mean "content"?
"#,
    );
    check(
        r#"
UPDATE orders o SET total = oi.unit_price FROM order_items oi WHERE oi.order_id = o.id AND o.statuss = 'PENDING'
--                                                                                           ^^^^^^^ error[sql-unknown-column]: Column "statuss" does not exist in "orders"; did you mean "status"?
"#,
    );
}

#[test]
fn update_set_target_must_be_in_the_target_table() {
    check(
        r#"
UPDATE orders SET unit_price = 1 FROM order_items WHERE order_items.order_id = orders.id
--                ^^^^^^^^^^ error[sql-unknown-column]: Column "unit_price" does not exist in "orders"
"#,
    );
}

#[test]
fn delete_using_and_returning() {
    check(
        r#"
DELETE FROM order_items oi USING orders o WHERE oi.order_id = o.id AND o.customer = :c RETURNING oi.line_no
--                                                                       ^^^^^^^^ error[sql-unknown-column]: Column "customer" does not exist in "orders"
"#,
    );
}

#[test]
fn on_conflict_columns() {
    check(
        r#"
INSERT INTO products (sku, name, price) VALUES (:sku, :name, :price)
ON CONFLICT (skuu) DO UPDATE SET price = EXCLUDED.prize
--           ^^^^ error[sql-unknown-column]: Column "skuu" does not exist in "products"; did you mean "sku"?
--                                                ^^^^^ error[sql-unknown-column]: Column "prize" does not exist in "excluded"; did you mean "price"?
"#,
    );
}

#[test]
fn mysql_on_duplicate_key_update() {
    check_mysql(
        r#"
INSERT INTO products (sku, name, price) VALUES (:sku, :name, :price)
ON DUPLICATE KEY UPDATE price = VALUES(price), stock = stock + 1, nme = VALUES(nme)
--                                                                ^^^ error[sql-unknown-column]: Column "nme" does not exist in "products"; did you mean "name"?
--                                                                             ^^^ error[sql-unknown-column]: Column "nme" does not exist in "products"; did you mean "name"?
"#,
    );
}

#[test]
fn using_columns() {
    check(
        r#"
SELECT * FROM orders JOIN order_items USING (order_id) JOIN customers USING (email);
--                                           ^^^^^^^^ error[sql-unknown-column]: Column "order_id" does not exist in "orders"
--                                                                           ^^^^^ error[sql-unknown-column]: Column "email" does not exist in "orders" or "order_items"
SELECT * FROM order_items JOIN orders USING (id)
--                                           ^^ error[sql-unknown-column]: Column "id" does not exist in "order_items"
"#,
    );
}

#[test]
fn cte_output_columns() {
    check(
        r#"
WITH totals (cid, amount) AS (SELECT customer_id, sum(total) FROM orders GROUP BY customer_id)
SELECT c.email, t.amount, t.total FROM customers c JOIN totals t ON t.cid = c.id
--                          ^^^^^ error[sql-unknown-column]: Column "total" does not exist in "totals"
"#,
    );
}

#[test]
fn derived_table_output_columns() {
    check(
        r#"
SELECT s.n, s.x FROM (SELECT id, name AS n FROM events) AS s
--            ^ error[sql-unknown-column]: Column "x" does not exist in "s"
"#,
    );
}

#[test]
fn derived_table_with_unnamed_columns_accepts_anything() {
    check("SELECT s.count, s.anything FROM (SELECT count(*) + 1 FROM events) s");
}

#[test]
fn correlated_subquery_sees_outer_tables() {
    check(
        r#"
SELECT c.email FROM customers c
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.total > c.credit)
--                                                                              ^^^^^^ error[sql-unknown-column]: Column "credit" does not exist in "customers"
"#,
    );
}

#[test]
fn union_branches_are_checked_separately() {
    check(
        r#"
SELECT id, name FROM events
UNION ALL
SELECT id, content FROM notes
UNION ALL
SELECT id, name FROM notes
--         ^^^^ error[sql-unknown-column]: Column "name" does not exist in "notes"
ORDER BY name
"#,
    );
}

#[test]
fn select_alias_is_not_visible_in_where() {
    check(
        r#"
SELECT id, name AS title FROM events WHERE title = :t ORDER BY title
--                                         ^^^^^ error[sql-unknown-column]: Column "title" does not exist in "events"
"#,
    );
}

#[test]
fn qualified_wildcard_needs_its_table() {
    check(
        r#"
SELECT e.*, x.* FROM events e
--          ^ error[sql-unknown-table]: Table or alias "x" is not in the FROM clause
"#,
    );
}

#[test]
fn delete_in_subquery() {
    check(
        r#"
DELETE FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE customer_id = :cid AND stat = 'CANCELLED')
--                                                                                            ^^^^ error[sql-unknown-column]: Column "stat" does not exist in "orders" or "order_items"
"#,
    );
}

#[test]
fn insert_select_checks_both_sides() {
    check(
        r#"
INSERT INTO archive.orders (id, data) SELECT id, to_jsonb(o) FROM orders o WHERE o.placed < :before
--                                                                                 ^^^^^^ error[sql-unknown-column]: Column "placed" does not exist in "orders"
"#,
    );
}

#[test]
fn column_of_a_view() {
    check(
        r#"
SELECT id, email, "firstName", last_name FROM active_customers
--                             ^^^^^^^^^ error[sql-unknown-column]: Column "last_name" does not exist in "active_customers"
"#,
    );
}

#[test]
fn temporary_table_created_earlier() {
    check(
        r#"
CREATE TEMP TABLE picked (id uuid, score int);
INSERT INTO picked SELECT id, 1 FROM orders WHERE total > :min;
SELECT p.id, p.score, p.rank FROM picked p
--                      ^^^^ error[sql-unknown-column]: Column "rank" does not exist in "picked"
"#,
    );
}

#[test]
fn tables_of_another_schema_with_the_same_name() {
    check(
        r#"
SELECT data FROM archive.orders;
SELECT data FROM orders
--     ^^^^ error[sql-unknown-column]: Column "data" does not exist in "orders"
"#,
    );
}

#[test]
fn order_by_after_union_sees_result_columns() {
    check(
        r#"
SELECT id, name AS label FROM events UNION ALL SELECT id, content FROM notes ORDER BY label, name
--                                                                                           ^^^^ error[sql-unknown-column]: Column "name" is not a result column
"#,
    );
}

#[test]
fn mysql_update_and_delete_columns() {
    check_mysql(
        r#"
UPDATE orders o JOIN customers c ON c.id = o.customer_id SET o.notes = :n, c.active = 0 WHERE c.email = :e;
--                                                             ^^^^^ error[sql-unknown-column]: Column "notes" does not exist in "orders"; did you mean "note"?
--                                                                           ^^^^^^ error[sql-unknown-column]: Column "active" does not exist in "customers"
DELETE o FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.mail = :e;
--                                                                      ^^^^ error[sql-unknown-column]: Column "mail" does not exist in "customers"; did you mean "email"?
INSERT INTO audit_log (actor, acton) SELECT email, 'x' FROM customers;
--                            ^^^^^ error[sql-unknown-column]: Column "acton" does not exist in "audit_log"; did you mean "actor"?
"#,
    );
}

#[test]
fn unknown_column_inside_a_cte_and_a_derived_table() {
    check(
        r#"
WITH big AS (SELECT id, totl FROM orders)
--                      ^^^^ error[sql-unknown-column]: Column "totl" does not exist in "orders"; did you mean "total"?
SELECT * FROM big JOIN (SELECT nme FROM events) e ON true
--                             ^^^ error[sql-unknown-column]: Column "nme" does not exist in "events"; did you mean "name"?
"#,
    );
}

#[test]
fn correlated_reference_to_a_missing_alias() {
    check(
        r#"
SELECT * FROM orders o WHERE EXISTS (SELECT 1 FROM order_items oi WHERE oi.order_id = ord.id)
--                                                                                    ^^^ error[sql-unknown-table]: Table or alias "ord" is not in the FROM clause
"#,
    );
}

#[test]
fn missing_semicolon_between_statements() {
    check(
        r#"
  SELECT * FROM events
  SELECT * FROM notes
--^^^^^^ error[sql-syntax-error]: Expected: end of statement, found: SELECT
"#,
    );
}

#[test]
fn quiet_where_columns_are_unknown() {
    // A table function, VALUES, an unknown table: nothing to check columns against.
    check(
        r#"
SELECT u.anything FROM searchuser(:q) u;
SELECT v.whatever FROM (VALUES (1)) v;
SELECT x.y FROM evnts x;
--              ^^^^^ error[sql-unknown-table]: Table "evnts" does not exist in the database; did you mean "events"?
SELECT anything FROM events, generate_series(1, 3);
SELECT * FROM pg_tables WHERE schemaname = 'public';
"#,
    );
}

-- The MySQL/MariaDB catalog in one batch, limited to the database of the URL (DATABASE()). Every
-- SELECT starts with a literal naming its part, so rows can be routed whatever the server returns
-- between result sets. Every name filter includes the schema: Amplify's generator joins STATISTICS
-- on the table name only and picks up keys of same-named tables in other databases.
--
-- @SECONDS@ and @MILLIS@ are replaced by the statement timeout. `/*M!100108 SET STATEMENT
-- max_statement_time=... FOR */` is executed by MariaDB only; MySQL reads it as a comment and obeys
-- the `/*+ MAX_EXECUTION_TIME(...) */` hint instead, which MariaDB reads as a comment.
-- The caller wraps the batch in SET NAMES utf8mb4, START TRANSACTION READ ONLY and COMMIT.

/*M!100108 SET STATEMENT max_statement_time=@SECONDS@ FOR */
SELECT /*+ MAX_EXECUTION_TIME(@MILLIS@) */ 'meta' AS part, DATABASE(), VERSION();

/*M!100108 SET STATEMENT max_statement_time=@SECONDS@ FOR */
SELECT /*+ MAX_EXECUTION_TIME(@MILLIS@) */ 'table' AS part, TABLE_NAME, TABLE_TYPE
FROM information_schema.TABLES
WHERE TABLE_SCHEMA = DATABASE();

/*M!100108 SET STATEMENT max_statement_time=@SECONDS@ FOR */
SELECT /*+ MAX_EXECUTION_TIME(@MILLIS@) */ 'column' AS part, TABLE_NAME, COLUMN_NAME,
       ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE, DATA_TYPE, COLUMN_TYPE,
       CHARACTER_MAXIMUM_LENGTH, EXTRA
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = DATABASE();

/*M!100108 SET STATEMENT max_statement_time=@SECONDS@ FOR */
SELECT /*+ MAX_EXECUTION_TIME(@MILLIS@) */ 'primary_key' AS part, TABLE_NAME, COLUMN_NAME, SEQ_IN_INDEX
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME = 'PRIMARY';

/*M!100108 SET STATEMENT max_statement_time=@SECONDS@ FOR */
SELECT /*+ MAX_EXECUTION_TIME(@MILLIS@) */ 'foreign_key' AS part, TABLE_NAME, CONSTRAINT_NAME,
       COLUMN_NAME, ORDINAL_POSITION, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME,
       REFERENCED_COLUMN_NAME
FROM information_schema.KEY_COLUMN_USAGE
WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL;

/*M!100108 SET STATEMENT max_statement_time=@SECONDS@ FOR */
SELECT /*+ MAX_EXECUTION_TIME(@MILLIS@) */ 'routine' AS part, SPECIFIC_NAME, ROUTINE_NAME,
       ROUTINE_TYPE, DTD_IDENTIFIER
FROM information_schema.ROUTINES
WHERE ROUTINE_SCHEMA = DATABASE();

/*M!100108 SET STATEMENT max_statement_time=@SECONDS@ FOR */
SELECT /*+ MAX_EXECUTION_TIME(@MILLIS@) */ 'parameter' AS part, SPECIFIC_NAME, ORDINAL_POSITION,
       PARAMETER_MODE, PARAMETER_NAME, DTD_IDENTIFIER
FROM information_schema.PARAMETERS
WHERE SPECIFIC_SCHEMA = DATABASE() AND ORDINAL_POSITION > 0;

-- The tables that have index rows, in the order the server lists them: with the order of the
-- columns above, this gives the order in which Amplify's generator sees the tables (its query joins
-- COLUMNS to STATISTICS, and MariaDB's block nested loop join answers the tables with index rows
-- first, in STATISTICS order, then the others). Amplify's own join costs seconds for 1,000 tables;
-- these rows cost milliseconds. No ORDER BY, on purpose.
/*M!100108 SET STATEMENT max_statement_time=@SECONDS@ FOR */
SELECT /*+ MAX_EXECUTION_TIME(@MILLIS@) */ 'indexed_table' AS part, TABLE_NAME
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_NAME IS NOT NULL;

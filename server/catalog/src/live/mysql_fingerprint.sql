-- A cheap digest of the catalog of the database of the URL: for each information_schema view that
-- the catalog reads, the row count, the sum of CRC32 and the XOR of an MD5 prefix of every row,
-- hashed together with the server version. It changes whenever a table, column, key, index (every
-- index: the tables with one come first in the generator's order) or routine of the database
-- changes. @SECONDS@ and @MILLIS@: see mysql_catalog.sql.
/*M!100108 SET STATEMENT max_statement_time=@SECONDS@ FOR */
SELECT /*+ MAX_EXECUTION_TIME(@MILLIS@) */ 'fingerprint' AS part, MD5(CONCAT_WS('/',
    VERSION(),
    DATABASE(),
    (SELECT CONCAT_WS(' ', COUNT(*), SUM(CRC32(r)), BIT_XOR(CAST(CONV(LEFT(MD5(r), 16), 16, 10) AS UNSIGNED)))
     FROM (SELECT CONCAT_WS('|', TABLE_NAME, TABLE_TYPE) AS r
           FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()) t),
    (SELECT CONCAT_WS(' ', COUNT(*), SUM(CRC32(r)), BIT_XOR(CAST(CONV(LEFT(MD5(r), 16), 16, 10) AS UNSIGNED)))
     FROM (SELECT CONCAT_WS('|', TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION,
                            IFNULL(COLUMN_DEFAULT, '<null>'), IS_NULLABLE, COLUMN_TYPE, EXTRA) AS r
           FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()) c),
    (SELECT CONCAT_WS(' ', COUNT(*), SUM(CRC32(r)), BIT_XOR(CAST(CONV(LEFT(MD5(r), 16), 16, 10) AS UNSIGNED)))
     FROM (SELECT CONCAT_WS('|', TABLE_NAME, INDEX_NAME, COLUMN_NAME, SEQ_IN_INDEX) AS r
           FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()) s),
    (SELECT CONCAT_WS(' ', COUNT(*), SUM(CRC32(r)), BIT_XOR(CAST(CONV(LEFT(MD5(r), 16), 16, 10) AS UNSIGNED)))
     FROM (SELECT CONCAT_WS('|', TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, ORDINAL_POSITION,
                            REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME) AS r
           FROM information_schema.KEY_COLUMN_USAGE
           WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL) k),
    (SELECT CONCAT_WS(' ', COUNT(*), SUM(CRC32(r)), BIT_XOR(CAST(CONV(LEFT(MD5(r), 16), 16, 10) AS UNSIGNED)))
     FROM (SELECT CONCAT_WS('|', SPECIFIC_NAME, ROUTINE_TYPE, IFNULL(DTD_IDENTIFIER, '<null>'), LAST_ALTERED) AS r
           FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()) f)
)) AS body;

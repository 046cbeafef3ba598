-- The inventory database behind examples/split-modules (MySQL 8 / MariaDB 10.11).
-- amplify/sqldata/schema.sql.ts was generated from exactly this DDL.
CREATE TABLE warehouses (
    id         INT AUTO_INCREMENT PRIMARY KEY,
    code       VARCHAR(16)  NOT NULL UNIQUE,
    name       VARCHAR(120) NOT NULL,
    city       VARCHAR(80),
    country    CHAR(2)      NOT NULL DEFAULT 'US'
) ENGINE = InnoDB;

CREATE TABLE stock_items (
    id           INT AUTO_INCREMENT PRIMARY KEY,
    warehouse_id INT          NOT NULL,
    sku          VARCHAR(40)  NOT NULL,
    quantity     INT          NOT NULL DEFAULT 0,
    reorder_at   INT,
    status       ENUM('in_stock', 'low', 'out') NOT NULL DEFAULT 'in_stock',
    updated_at   DATETIME,
    UNIQUE KEY stock_items_wh_sku (warehouse_id, sku),
    CONSTRAINT stock_items_wh_fk FOREIGN KEY (warehouse_id) REFERENCES warehouses (id)
) ENGINE = InnoDB;

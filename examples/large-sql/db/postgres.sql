-- "Harbor Goods": the database of a mid-sized online shop (PostgreSQL 15).
-- amplify/data/schema.sql.ts was generated from exactly this DDL with Amplify's generator.

CREATE TYPE customer_tier    AS ENUM ('standard', 'silver', 'gold', 'platinum');
CREATE TYPE address_kind     AS ENUM ('shipping', 'billing');
CREATE TYPE product_status   AS ENUM ('draft', 'active', 'discontinued');
CREATE TYPE po_status        AS ENUM ('draft', 'sent', 'received', 'cancelled');
CREATE TYPE order_status     AS ENUM ('pending', 'paid', 'packed', 'shipped', 'delivered', 'cancelled', 'refunded');
CREATE TYPE payment_method   AS ENUM ('card', 'paypal', 'bank_transfer', 'gift_card');
CREATE TYPE payment_status   AS ENUM ('authorized', 'captured', 'failed', 'refunded');
CREATE TYPE shipment_status  AS ENUM ('label_created', 'in_transit', 'delivered', 'lost');
CREATE TYPE return_status    AS ENUM ('requested', 'approved', 'received', 'rejected');
CREATE TYPE review_status    AS ENUM ('pending', 'published', 'hidden');
CREATE TYPE ticket_status    AS ENUM ('open', 'waiting', 'closed');
CREATE TYPE ticket_priority  AS ENUM ('low', 'normal', 'high', 'urgent');

-- Customers ---------------------------------------------------------------------------------------
CREATE TABLE customers (
    id               UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    email            VARCHAR(255) NOT NULL UNIQUE,
    first_name       VARCHAR(80),
    last_name        VARCHAR(80),
    phone            VARCHAR(40),
    marketing_opt_in BOOLEAN NOT NULL DEFAULT false,
    tier             customer_tier NOT NULL DEFAULT 'standard',
    tags             TEXT[],
    owner            TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ
);

CREATE TABLE customer_addresses (
    id           SERIAL PRIMARY KEY,
    customer_id  UUID NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind         address_kind NOT NULL,
    line1        VARCHAR(200) NOT NULL,
    line2        VARCHAR(200),
    city         VARCHAR(100) NOT NULL,
    region       VARCHAR(100),
    postal_code  VARCHAR(20),
    country_code CHAR(2) NOT NULL,
    is_default   BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX customer_addresses_customer_idx ON customer_addresses (customer_id);

CREATE TABLE loyalty_accounts (
    customer_id UUID PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    points      INTEGER NOT NULL DEFAULT 0,
    tier        customer_tier,
    joined_on   DATE NOT NULL DEFAULT CURRENT_DATE
);

CREATE TABLE newsletter_subscriptions (
    email           VARCHAR(255) PRIMARY KEY,
    customer_id     UUID REFERENCES customers (id) ON DELETE SET NULL,
    topics          TEXT[],
    subscribed_at   TIMESTAMP NOT NULL DEFAULT now(),
    unsubscribed_at TIMESTAMP
);

-- Catalog -----------------------------------------------------------------------------------------
CREATE TABLE categories (
    id          SERIAL PRIMARY KEY,
    parent_id   INTEGER REFERENCES categories (id),
    slug        VARCHAR(120) NOT NULL UNIQUE,
    name        VARCHAR(120) NOT NULL,
    description TEXT,
    sort_order  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE brands (
    id      SERIAL PRIMARY KEY,
    name    VARCHAR(120) NOT NULL UNIQUE,
    website VARCHAR(255)
);

CREATE TABLE products (
    id              SERIAL PRIMARY KEY,
    sku             VARCHAR(40) NOT NULL UNIQUE,
    brand_id        INTEGER REFERENCES brands (id),
    category_id     INTEGER NOT NULL REFERENCES categories (id),
    name            VARCHAR(200) NOT NULL,
    description     TEXT,
    status          product_status NOT NULL DEFAULT 'draft',
    price_cents     INTEGER NOT NULL CHECK (price_cents >= 0),
    currency        CHAR(3) NOT NULL DEFAULT 'USD',
    weight_grams    INTEGER,
    attributes      JSONB,
    search_keywords TEXT[],
    created_at      TIMESTAMP NOT NULL DEFAULT now()
);
CREATE INDEX products_category_idx ON products (category_id);

CREATE TABLE product_images (
    id         SERIAL PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    url        VARCHAR(500) NOT NULL,
    alt_text   VARCHAR(200),
    position   SMALLINT NOT NULL DEFAULT 0
);

CREATE TABLE product_variants (
    id            SERIAL PRIMARY KEY,
    product_id    INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    sku           VARCHAR(60) NOT NULL UNIQUE,
    option_values JSONB,
    price_cents   INTEGER,
    barcode       VARCHAR(32)
);

CREATE TABLE product_tags (
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    tag        VARCHAR(40) NOT NULL,
    PRIMARY KEY (product_id, tag)
);

CREATE TABLE price_rules (
    id                     SERIAL PRIMARY KEY,
    name                   VARCHAR(120) NOT NULL,
    applies_to_category_id INTEGER REFERENCES categories (id),
    percent_off            NUMERIC(5, 2) NOT NULL,
    starts_at              TIMESTAMP NOT NULL,
    ends_at                TIMESTAMP,
    priority               INTEGER NOT NULL DEFAULT 0
);

-- Inventory and purchasing -----------------------------------------------------------------------
CREATE TABLE warehouses (
    id           SERIAL PRIMARY KEY,
    code         VARCHAR(16) NOT NULL UNIQUE,
    name         VARCHAR(120) NOT NULL,
    city         VARCHAR(100),
    country_code CHAR(2) NOT NULL
);

CREATE TABLE inventory_levels (
    warehouse_id INTEGER NOT NULL REFERENCES warehouses (id),
    variant_id   INTEGER NOT NULL REFERENCES product_variants (id),
    on_hand      INTEGER NOT NULL DEFAULT 0,
    reserved     INTEGER NOT NULL DEFAULT 0,
    reorder_at   INTEGER,
    PRIMARY KEY (warehouse_id, variant_id)
);

CREATE TABLE suppliers (
    id            SERIAL PRIMARY KEY,
    name          VARCHAR(160) NOT NULL,
    contact_email VARCHAR(255),
    phone         VARCHAR(40),
    lead_days     SMALLINT
);

CREATE TABLE purchase_orders (
    id           SERIAL PRIMARY KEY,
    supplier_id  INTEGER NOT NULL REFERENCES suppliers (id),
    warehouse_id INTEGER NOT NULL REFERENCES warehouses (id),
    status       po_status NOT NULL DEFAULT 'draft',
    ordered_on   DATE,
    expected_on  DATE
);

CREATE TABLE purchase_order_lines (
    purchase_order_id INTEGER NOT NULL REFERENCES purchase_orders (id) ON DELETE CASCADE,
    line_no           SMALLINT NOT NULL,
    variant_id        INTEGER NOT NULL REFERENCES product_variants (id),
    quantity          INTEGER NOT NULL,
    unit_cost         NUMERIC(12, 2) NOT NULL,
    PRIMARY KEY (purchase_order_id, line_no)
);

-- Shopping ----------------------------------------------------------------------------------------
CREATE TABLE carts (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    customer_id UUID REFERENCES customers (id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL DEFAULT now(),
    expires_at  TIMESTAMP
);

CREATE TABLE cart_items (
    cart_id    UUID NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    variant_id INTEGER NOT NULL REFERENCES product_variants (id),
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    added_at   TIMESTAMP NOT NULL DEFAULT now(),
    PRIMARY KEY (cart_id, variant_id)
);

CREATE TABLE wishlists (
    id          SERIAL PRIMARY KEY,
    customer_id UUID NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    name        VARCHAR(120) NOT NULL,
    is_public   BOOLEAN NOT NULL DEFAULT false,
    owner       TEXT
);

CREATE TABLE wishlist_items (
    wishlist_id INTEGER NOT NULL REFERENCES wishlists (id) ON DELETE CASCADE,
    product_id  INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    added_at    TIMESTAMP NOT NULL DEFAULT now(),
    PRIMARY KEY (wishlist_id, product_id)
);

-- Orders ------------------------------------------------------------------------------------------
CREATE TABLE orders (
    id                  BIGSERIAL PRIMARY KEY,
    order_number        VARCHAR(20) NOT NULL UNIQUE,
    customer_id         UUID NOT NULL REFERENCES customers (id),
    status              order_status NOT NULL DEFAULT 'pending',
    currency            CHAR(3) NOT NULL DEFAULT 'USD',
    subtotal_cents      INTEGER NOT NULL,
    tax_cents           INTEGER NOT NULL DEFAULT 0,
    shipping_cents      INTEGER NOT NULL DEFAULT 0,
    total_cents         INTEGER NOT NULL,
    shipping_address_id INTEGER REFERENCES customer_addresses (id),
    billing_address_id  INTEGER REFERENCES customer_addresses (id),
    placed_at           TIMESTAMP NOT NULL DEFAULT now(),
    notes               TEXT,
    owner               TEXT
);
CREATE INDEX orders_customer_idx ON orders (customer_id, placed_at DESC);

CREATE TABLE order_items (
    order_id         BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no          SMALLINT NOT NULL,
    variant_id       INTEGER NOT NULL REFERENCES product_variants (id),
    product_name     VARCHAR(200) NOT NULL,
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_cents INTEGER NOT NULL,
    discount_cents   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (order_id, line_no)
);

CREATE TABLE order_status_history (
    id          SERIAL PRIMARY KEY,
    order_id    BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    from_status order_status,
    to_status   order_status NOT NULL,
    changed_at  TIMESTAMP NOT NULL DEFAULT now(),
    changed_by  TEXT
);

CREATE TABLE payments (
    id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    order_id     BIGINT NOT NULL REFERENCES orders (id),
    method       payment_method NOT NULL,
    status       payment_status NOT NULL,
    amount_cents INTEGER NOT NULL,
    provider_ref VARCHAR(120),
    paid_at      TIMESTAMP
);

CREATE TABLE refunds (
    id           SERIAL PRIMARY KEY,
    payment_id   UUID NOT NULL REFERENCES payments (id),
    amount_cents INTEGER NOT NULL,
    reason       TEXT,
    created_at   TIMESTAMP NOT NULL DEFAULT now()
);

CREATE TABLE shipping_methods (
    id           SERIAL PRIMARY KEY,
    code         VARCHAR(40) NOT NULL UNIQUE,
    name         VARCHAR(120) NOT NULL,
    base_cents   INTEGER NOT NULL,
    per_kg_cents INTEGER NOT NULL DEFAULT 0,
    active       BOOLEAN NOT NULL DEFAULT true
);

CREATE TABLE shipments (
    id                 SERIAL PRIMARY KEY,
    order_id           BIGINT NOT NULL REFERENCES orders (id),
    shipping_method_id INTEGER REFERENCES shipping_methods (id),
    carrier            VARCHAR(60),
    tracking_number    VARCHAR(80),
    status             shipment_status NOT NULL DEFAULT 'label_created',
    shipped_at         TIMESTAMP,
    delivered_at       TIMESTAMP
);

CREATE TABLE shipment_items (
    shipment_id INTEGER NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
    order_id    BIGINT NOT NULL,
    line_no     SMALLINT NOT NULL,
    quantity    INTEGER NOT NULL,
    PRIMARY KEY (shipment_id, order_id, line_no),
    FOREIGN KEY (order_id, line_no) REFERENCES order_items (order_id, line_no)
);

CREATE TABLE returns (
    id           SERIAL PRIMARY KEY,
    order_id     BIGINT NOT NULL REFERENCES orders (id),
    status       return_status NOT NULL DEFAULT 'requested',
    reason       TEXT,
    requested_at TIMESTAMP NOT NULL DEFAULT now()
);

CREATE TABLE return_items (
    return_id INTEGER NOT NULL REFERENCES returns (id) ON DELETE CASCADE,
    line_no   SMALLINT NOT NULL,
    quantity  INTEGER NOT NULL,
    PRIMARY KEY (return_id, line_no)
);

-- Promotions --------------------------------------------------------------------------------------
CREATE TABLE coupons (
    code             VARCHAR(40) PRIMARY KEY,
    description      TEXT,
    discount_percent NUMERIC(5, 2),
    discount_cents   INTEGER,
    valid_from       DATE NOT NULL,
    valid_until      DATE,
    max_redemptions  INTEGER,
    active           BOOLEAN NOT NULL DEFAULT true
);

CREATE TABLE coupon_redemptions (
    coupon_code VARCHAR(40) NOT NULL REFERENCES coupons (code),
    order_id    BIGINT NOT NULL REFERENCES orders (id),
    redeemed_at TIMESTAMP NOT NULL DEFAULT now(),
    PRIMARY KEY (coupon_code, order_id)
);

CREATE TABLE gift_cards (
    code          VARCHAR(40) PRIMARY KEY,
    balance_cents INTEGER NOT NULL,
    currency      CHAR(3) NOT NULL DEFAULT 'USD',
    issued_to     UUID REFERENCES customers (id),
    expires_on    DATE
);

CREATE TABLE loyalty_transactions (
    id          BIGSERIAL PRIMARY KEY,
    customer_id UUID NOT NULL REFERENCES loyalty_accounts (customer_id),
    points      INTEGER NOT NULL,
    reason      VARCHAR(120),
    order_id    BIGINT REFERENCES orders (id),
    created_at  TIMESTAMP NOT NULL DEFAULT now()
);

CREATE TABLE tax_rates (
    country_code CHAR(2) NOT NULL,
    region       VARCHAR(40) NOT NULL,
    rate         NUMERIC(6, 4) NOT NULL,
    PRIMARY KEY (country_code, region)
);

-- Reviews -----------------------------------------------------------------------------------------
CREATE TABLE reviews (
    id          SERIAL PRIMARY KEY,
    product_id  INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    customer_id UUID NOT NULL REFERENCES customers (id),
    rating      SMALLINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
    title       VARCHAR(200),
    body        TEXT,
    status      review_status NOT NULL DEFAULT 'pending',
    created_at  TIMESTAMP NOT NULL DEFAULT now(),
    owner       TEXT
);
CREATE INDEX reviews_product_idx ON reviews (product_id);

CREATE TABLE review_votes (
    review_id   INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    customer_id UUID NOT NULL REFERENCES customers (id),
    helpful     BOOLEAN NOT NULL,
    PRIMARY KEY (review_id, customer_id)
);

-- Support -----------------------------------------------------------------------------------------
CREATE TABLE support_tickets (
    id          SERIAL PRIMARY KEY,
    customer_id UUID NOT NULL REFERENCES customers (id),
    order_id    BIGINT REFERENCES orders (id),
    subject     VARCHAR(200) NOT NULL,
    status      ticket_status NOT NULL DEFAULT 'open',
    priority    ticket_priority NOT NULL DEFAULT 'normal',
    assignee    TEXT,
    owner       TEXT,
    created_at  TIMESTAMP NOT NULL DEFAULT now(),
    closed_at   TIMESTAMP
);

CREATE TABLE support_messages (
    id          SERIAL PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES support_tickets (id) ON DELETE CASCADE,
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    attachments TEXT[],
    sent_at     TIMESTAMP NOT NULL DEFAULT now()
);

-- Operations --------------------------------------------------------------------------------------
CREATE TABLE audit_events (
    id         BIGSERIAL PRIMARY KEY,
    actor      TEXT,
    action     VARCHAR(60) NOT NULL,
    entity     VARCHAR(60),
    entity_id  VARCHAR(60),
    payload    JSONB,
    ip         INET,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE store_settings (
    key        VARCHAR(80) PRIMARY KEY,
    value      JSONB NOT NULL,
    updated_at TIMESTAMP NOT NULL DEFAULT now()
);

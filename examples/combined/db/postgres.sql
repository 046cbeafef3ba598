-- The blog database behind examples/combined (PostgreSQL 15).
-- amplify/data/schema.sql.ts was generated from exactly this DDL.
CREATE TYPE post_status AS ENUM ('draft', 'published', 'archived');

CREATE TABLE authors (
    id           SERIAL PRIMARY KEY,
    display_name VARCHAR(120) NOT NULL,
    email        VARCHAR(255) NOT NULL UNIQUE,
    phone        VARCHAR(40),
    bio          TEXT,
    owner        TEXT,
    created_at   TIMESTAMP NOT NULL DEFAULT now()
);

CREATE TABLE posts (
    id           SERIAL PRIMARY KEY,
    author_id    INTEGER NOT NULL REFERENCES authors (id),
    title        VARCHAR(200) NOT NULL,
    slug         VARCHAR(200) NOT NULL UNIQUE,
    body         TEXT,
    status       post_status NOT NULL DEFAULT 'draft',
    tags         TEXT[],
    published_at TIMESTAMP,
    owner        TEXT
);
CREATE INDEX posts_author_id_idx ON posts (author_id);

CREATE TABLE post_views (
    post_id INTEGER NOT NULL REFERENCES posts (id),
    day     DATE NOT NULL,
    views   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (post_id, day)
);

-- +goose Up
-- Settings an administrator changes for every scope (issue 9: the share of
-- the expected units below which a figure is marked incomplete). One row
-- per setting; a missing row means the built-in default. Kept column for
-- column alike with the PostgreSQL migration of the same number.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by INTEGER REFERENCES users(id)
);

-- +goose Down
DROP TABLE settings;

-- +goose Up
-- Issue 14, cold start: the unit tree of one generation as one blob, read by
-- a starting server instead of the tree's tables (internal/org/stored.go).
-- The tables stay the truth: a blob is used only for the generation it was
-- made from, and only in the format of the build reading it. Kept column
-- for column alike with the other dialect's migration of the same number.
CREATE TABLE tree_snapshots (
    generation BIGINT PRIMARY KEY,
    format     INTEGER NOT NULL,
    data       BYTEA NOT NULL
);

-- +goose Down
DROP TABLE tree_snapshots;

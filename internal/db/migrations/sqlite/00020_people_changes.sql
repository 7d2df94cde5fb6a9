-- +goose Up
-- Issue 14, freshness across servers: the change feed of the people
-- register. Each write of the people feature writes, in the transaction
-- that moves people_state.generation, what it changed at that generation:
-- the units whose apparatus (DX roles, committees, focal units) changed
-- (kind 'unit'), the people whose details, roles or training changed (kind
-- 'person'), a target (kind 'target', id 0), or one row of kind 'none'
-- when it changed nothing the measured counts read (a course). Another server whose counts
-- are at generation g reads the rows above g and reads those units and
-- people again; a generation without rows (a bulk load, the generator) or
-- trimmed away makes it read the whole register again. Writes trim the
-- feed to its last generations. Kept column for column alike with the
-- other dialect's migration of the same number.
CREATE TABLE people_changes (
    generation INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    id         INTEGER NOT NULL,
    PRIMARY KEY (generation, kind, id)
);

-- +goose Down
DROP TABLE people_changes;

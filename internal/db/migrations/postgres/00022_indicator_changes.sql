-- +goose Up
-- Issue 14, freshness across servers: the change feed of the values. Each
-- save writes, in the transaction that moves a cell's generation, the units
-- whose value of that (indicator, period) it changed at that generation.
-- Another server whose copy of the cell is at generation g reads the rows
-- above g, and the values of those units, and patches its copy; a
-- generation without rows (a bulk load) or trimmed away makes it read the
-- whole cell again. Saves trim a cell's feed to its last generations. Kept
-- column for column alike with the other dialect's migration of the same
-- number.
CREATE TABLE indicator_changes (
    indicator_id BIGINT NOT NULL,
    period       TEXT NOT NULL,
    generation   BIGINT NOT NULL,
    unit_id      BIGINT NOT NULL,
    PRIMARY KEY (indicator_id, period, generation, unit_id)
);

-- +goose Down
DROP TABLE indicator_changes;

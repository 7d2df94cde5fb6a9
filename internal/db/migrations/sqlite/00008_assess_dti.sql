-- +goose Up
-- Assessment frameworks as issued, official results and rank goals
-- (issue 13). Kept column for column alike with the PostgreSQL migration of
-- the same number.

-- What a framework assesses (province, ministry, commune, department; ''
-- any), the years it applies to (year_to 0: still in force) and where its
-- structure came from.
ALTER TABLE frameworks ADD COLUMN level TEXT NOT NULL DEFAULT '';
ALTER TABLE frameworks ADD COLUMN year_from INTEGER NOT NULL DEFAULT 0;
ALTER TABLE frameworks ADD COLUMN year_to INTEGER NOT NULL DEFAULT 0;
ALTER TABLE frameworks ADD COLUMN provenance TEXT NOT NULL DEFAULT '';

-- How the issuer collects a component (auto: measured by its systems,
-- verified: statistics with evidence, '' not said), the code it continues
-- in the family's previous version, where the item came from, and which of
-- its figures could not be confirmed from the source ("max,method"): the
-- administrator fills those in.
ALTER TABLE framework_nodes ADD COLUMN collection TEXT NOT NULL DEFAULT '';
ALTER TABLE framework_nodes ADD COLUMN continues TEXT NOT NULL DEFAULT '';
ALTER TABLE framework_nodes ADD COLUMN provenance TEXT NOT NULL DEFAULT '';
ALTER TABLE framework_nodes ADD COLUMN to_fill TEXT NOT NULL DEFAULT '';

-- A published result of a national index (the provincial DTI…) for a unit
-- and year: its index, rank and the value of each main indicator (by the
-- main indicator's code in the framework version of that year). tree_date
-- is the tree the unit was named on: the year's own, or a later one when
-- the result was published for the units after a reorganisation.
CREATE TABLE official_results (
    id         INTEGER PRIMARY KEY,
    family     TEXT NOT NULL,
    year       INTEGER NOT NULL,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    tree_date  TEXT NOT NULL,
    dti        REAL,
    rank       INTEGER,
    rank_of    INTEGER,
    source     TEXT NOT NULL DEFAULT '',
    entered_by INTEGER REFERENCES users(id),
    entered_at TIMESTAMP NOT NULL,
    UNIQUE (family, year, unit_id)
);
CREATE INDEX official_results_year ON official_results(family, year);

CREATE TABLE official_result_values (
    result_id INTEGER NOT NULL REFERENCES official_results(id),
    code      TEXT NOT NULL,
    value     REAL NOT NULL,
    PRIMARY KEY (result_id, code)
);

-- How a unit formed by a merger is computed from its predecessors' results
-- for the years before it existed: by weight (none: the plain average, as
-- the ministry computed DTI 2024).
CREATE TABLE merge_weights (
    family         TEXT NOT NULL,
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    predecessor_id INTEGER NOT NULL REFERENCES units(id),
    weight         REAL NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    updated_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (family, unit_id, predecessor_id)
);

-- A unit's goal for its rank in a national index: within the first
-- max_rank, for the years year_from..year_to.
CREATE TABLE rank_goals (
    id         INTEGER PRIMARY KEY,
    family     TEXT NOT NULL,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    year_from  INTEGER NOT NULL,
    year_to    INTEGER NOT NULL,
    max_rank   INTEGER NOT NULL,
    basis      TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (family, unit_id, year_from)
);

-- +goose Down
DROP TABLE rank_goals;
DROP TABLE merge_weights;
DROP TABLE official_result_values;
DROP TABLE official_results;
ALTER TABLE framework_nodes DROP COLUMN to_fill;
ALTER TABLE framework_nodes DROP COLUMN provenance;
ALTER TABLE framework_nodes DROP COLUMN continues;
ALTER TABLE framework_nodes DROP COLUMN collection;
ALTER TABLE frameworks DROP COLUMN provenance;
ALTER TABLE frameworks DROP COLUMN year_to;
ALTER TABLE frameworks DROP COLUMN year_from;
ALTER TABLE frameworks DROP COLUMN level;

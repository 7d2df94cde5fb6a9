-- +goose Up
-- Indicators, periodic reporting and assessment (issue 6). Kept column for
-- column alike with the PostgreSQL migration of the same number.

-- An indicator: what is measured, how it is typed, and how it rolls up the
-- tree (aggregation) and over time (over_time). A formula indicator stores
-- no values: it is computed at every node from the aggregated parts.
CREATE TABLE indicators (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    name_vi       TEXT NOT NULL,
    name_en       TEXT NOT NULL DEFAULT '',
    measure_vi    TEXT NOT NULL DEFAULT '',
    measure_en    TEXT NOT NULL DEFAULT '',
    value_type    TEXT NOT NULL,
    aggregation   TEXT NOT NULL,
    over_time     TEXT NOT NULL DEFAULT 'sum',
    period_type   TEXT NOT NULL DEFAULT 'month',
    formula       TEXT NOT NULL DEFAULT '',
    decimals      INTEGER NOT NULL DEFAULT 0,
    min_value     REAL,
    max_value     REAL,
    not_above     TEXT NOT NULL DEFAULT '',
    jump          REAL NOT NULL DEFAULT 0,
    higher_better INTEGER NOT NULL DEFAULT 1,
    category      TEXT NOT NULL DEFAULT '',
    description   TEXT NOT NULL DEFAULT '',
    basis         TEXT NOT NULL DEFAULT '',
    owner_unit_id INTEGER NOT NULL REFERENCES units(id),
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

-- A report form groups indicators of one period type, due some days after
-- each period ends, and is filled in by the units it is assigned to.
CREATE TABLE report_forms (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    name_vi       TEXT NOT NULL,
    name_en       TEXT NOT NULL DEFAULT '',
    period_type   TEXT NOT NULL,
    due_days      INTEGER NOT NULL,
    owner_unit_id INTEGER NOT NULL REFERENCES units(id),
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE report_form_items (
    form_id      INTEGER NOT NULL REFERENCES report_forms(id),
    indicator_id INTEGER NOT NULL REFERENCES indicators(id),
    position     INTEGER NOT NULL,
    PRIMARY KEY (form_id, indicator_id)
);
CREATE INDEX report_form_items_indicator ON report_form_items(indicator_id);

-- Who fills a form in: every unit of a kind (level) under the form's
-- owner, or listed units.
CREATE TABLE report_form_assignees (
    id      INTEGER PRIMARY KEY,
    form_id INTEGER NOT NULL REFERENCES report_forms(id),
    kind    TEXT NOT NULL,
    unit_id INTEGER REFERENCES units(id)
);
CREATE INDEX report_form_assignees_form ON report_form_assignees(form_id);

-- One unit's form for one period: draft, submitted, approved or returned.
CREATE TABLE submissions (
    id                 INTEGER PRIMARY KEY,
    form_id            INTEGER NOT NULL REFERENCES report_forms(id),
    unit_id            INTEGER NOT NULL REFERENCES units(id),
    period             TEXT NOT NULL,
    status             TEXT NOT NULL,
    first_submitted_at TIMESTAMP,
    submitted_at       TIMESTAMP,
    submitted_by       INTEGER REFERENCES users(id),
    reviewed_at        TIMESTAMP,
    reviewed_by        INTEGER REFERENCES users(id),
    review_comment     TEXT NOT NULL DEFAULT '',
    updated_at         TIMESTAMP NOT NULL,
    UNIQUE (form_id, unit_id, period)
);
CREATE INDEX submissions_period ON submissions(form_id, period);
CREATE INDEX submissions_unit ON submissions(unit_id, period);

CREATE TABLE submission_files (
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    file_id       INTEGER NOT NULL REFERENCES files(id),
    indicator_id  INTEGER REFERENCES indicators(id),
    PRIMARY KEY (submission_id, file_id)
);

-- The values: the largest table (tens of millions of rows nationally).
-- Clustered by (indicator, period) so that one indicator for the nation for
-- one period is one contiguous range. status mirrors the submission's
-- (0 draft or returned, 1 submitted, 2 approved) so roll-ups can count only
-- approved figures without a join.
CREATE TABLE indicator_values (
    indicator_id INTEGER NOT NULL REFERENCES indicators(id),
    period       TEXT NOT NULL,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    value        REAL,
    text_value   TEXT NOT NULL DEFAULT '',
    comment      TEXT NOT NULL DEFAULT '',
    status       INTEGER NOT NULL DEFAULT 0,
    source       TEXT NOT NULL DEFAULT 'form',
    updated_at   TIMESTAMP NOT NULL,
    updated_by   INTEGER,
    PRIMARY KEY (indicator_id, period, unit_id)
) WITHOUT ROWID;
CREATE INDEX indicator_values_unit ON indicator_values(unit_id, period);

-- Bumped in the transaction of every change to the values of one
-- (indicator, period), so each app server knows when its in-memory copy of
-- that cell is stale.
CREATE TABLE indicator_cells (
    indicator_id INTEGER NOT NULL,
    period       TEXT NOT NULL,
    generation   INTEGER NOT NULL,
    PRIMARY KEY (indicator_id, period)
) WITHOUT ROWID;

CREATE TABLE report_reminders (
    id        INTEGER PRIMARY KEY,
    form_id   INTEGER NOT NULL REFERENCES report_forms(id),
    period    TEXT NOT NULL,
    unit_id   INTEGER NOT NULL REFERENCES units(id),
    kind      TEXT NOT NULL,
    sent_at   TIMESTAMP NOT NULL,
    sent_by   INTEGER REFERENCES users(id)
);
CREATE INDEX report_reminders_unit ON report_reminders(unit_id, form_id, period);

CREATE TABLE indicator_targets (
    id           INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES indicators(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    year         INTEGER NOT NULL,
    value        REAL NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (indicator_id, unit_id, year)
);
CREATE INDEX indicator_targets_unit ON indicator_targets(unit_id, year);

-- Assessment frameworks: one row per version; a published version is never
-- changed (a new version is a copy).
CREATE TABLE frameworks (
    id            INTEGER PRIMARY KEY,
    family        TEXT NOT NULL,
    version       INTEGER NOT NULL,
    name_vi       TEXT NOT NULL,
    name_en       TEXT NOT NULL DEFAULT '',
    basis         TEXT NOT NULL DEFAULT '',
    owner_unit_id INTEGER NOT NULL REFERENCES units(id),
    status        TEXT NOT NULL,
    copied_from   INTEGER REFERENCES frameworks(id),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (family, version)
);

-- Pillars, main indicators and criteria. A criterion is scored by
-- judgement, or from an indicator's value by thresholds or linear scaling.
CREATE TABLE framework_nodes (
    id             INTEGER PRIMARY KEY,
    framework_id   INTEGER NOT NULL REFERENCES frameworks(id),
    parent_id      INTEGER REFERENCES framework_nodes(id),
    kind           TEXT NOT NULL,
    code           TEXT NOT NULL,
    name_vi        TEXT NOT NULL,
    name_en        TEXT NOT NULL DEFAULT '',
    max_score      REAL NOT NULL,
    method         TEXT NOT NULL,
    indicator_code TEXT NOT NULL DEFAULT '',
    thresholds     TEXT NOT NULL DEFAULT '',
    lo             REAL,
    hi             REAL,
    guidance       TEXT NOT NULL DEFAULT '',
    position       INTEGER NOT NULL
);
CREATE INDEX framework_nodes_framework ON framework_nodes(framework_id, position);

-- A round applies one framework version to a set of units for a year.
CREATE TABLE assessment_rounds (
    id            INTEGER PRIMARY KEY,
    framework_id  INTEGER NOT NULL REFERENCES frameworks(id),
    name          TEXT NOT NULL,
    year          INTEGER NOT NULL,
    owner_unit_id INTEGER NOT NULL REFERENCES units(id),
    status        TEXT NOT NULL,
    published     INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE round_units (
    round_id INTEGER NOT NULL REFERENCES assessment_rounds(id),
    unit_id  INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (round_id, unit_id)
);
CREATE INDEX round_units_unit ON round_units(unit_id);

CREATE TABLE assessment_scores (
    round_id       INTEGER NOT NULL REFERENCES assessment_rounds(id),
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    node_id        INTEGER NOT NULL REFERENCES framework_nodes(id),
    self_score     REAL,
    self_note      TEXT NOT NULL DEFAULT '',
    self_by        INTEGER REFERENCES users(id),
    self_at        TIMESTAMP,
    review_score   REAL,
    review_comment TEXT NOT NULL DEFAULT '',
    review_by      INTEGER REFERENCES users(id),
    review_at      TIMESTAMP,
    PRIMARY KEY (round_id, unit_id, node_id)
);

CREATE TABLE assessment_files (
    round_id INTEGER NOT NULL REFERENCES assessment_rounds(id),
    unit_id  INTEGER NOT NULL REFERENCES units(id),
    node_id  INTEGER NOT NULL REFERENCES framework_nodes(id),
    file_id  INTEGER NOT NULL REFERENCES files(id),
    PRIMARY KEY (round_id, unit_id, node_id, file_id)
);

-- +goose Down
DROP TABLE assessment_files;
DROP TABLE assessment_scores;
DROP TABLE round_units;
DROP TABLE assessment_rounds;
DROP TABLE framework_nodes;
DROP TABLE frameworks;
DROP TABLE indicator_targets;
DROP TABLE report_reminders;
DROP TABLE indicator_cells;
DROP TABLE indicator_values;
DROP TABLE submission_files;
DROP TABLE submissions;
DROP TABLE report_form_assignees;
DROP TABLE report_form_items;
DROP TABLE report_forms;
DROP TABLE indicators;

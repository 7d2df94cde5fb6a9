-- +goose Up
-- The unit tree through time. A unit is an identity that never changes; what
-- it is called, where it hangs and what code it carries are versions valid
-- over [valid_from, valid_to). Codes are reused over time, so they are never
-- identities.
CREATE TABLE units (
    id         INTEGER PRIMARY KEY,
    created_at TIMESTAMP NOT NULL
);

-- One restructuring act: an import, an establishment, a rename, a merge…,
-- with its legal basis and effective date.
CREATE TABLE unit_events (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,
    effective_date TEXT NOT NULL,
    legal_basis    TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    actor_id       INTEGER,
    created_at     TIMESTAMP NOT NULL
);

CREATE TABLE unit_versions (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    valid_from  TEXT NOT NULL,
    valid_to    TEXT NOT NULL,
    code        TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    level       TEXT NOT NULL,
    kind        TEXT NOT NULL DEFAULT '',
    parent_id   INTEGER REFERENCES units(id),
    -- materialised path of unit ids from the root, e.g. /1/4/9/, for
    -- subtree queries by range: path >= '/1/4/' AND path < '/1/40'
    path        TEXT NOT NULL,
    event_id    INTEGER REFERENCES unit_events(id),
    CHECK (valid_from < valid_to)
);
CREATE INDEX unit_versions_unit ON unit_versions(unit_id, valid_from);
CREATE INDEX unit_versions_parent ON unit_versions(parent_id, valid_from);
CREATE INDEX unit_versions_path ON unit_versions(path, valid_from);
CREATE INDEX unit_versions_code ON unit_versions(level, code);

-- Where a unit's territory or duties went when it was merged or split.
CREATE TABLE unit_lineage (
    predecessor_id INTEGER NOT NULL REFERENCES units(id),
    successor_id   INTEGER NOT NULL REFERENCES units(id),
    event_id       INTEGER NOT NULL REFERENCES unit_events(id),
    share          TEXT NOT NULL CHECK (share IN ('full', 'partial')),
    -- the part of the predecessor that went to this successor, when known
    fraction       REAL,
    PRIMARY KEY (predecessor_id, successor_id)
);
CREATE INDEX unit_lineage_successor ON unit_lineage(successor_id);

-- Bumped in the transaction of every tree change, so every app server knows
-- when its cached tree is stale.
CREATE TABLE tree_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO tree_state (id, generation) VALUES (1, 0);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    email         TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    scope_unit_id INTEGER NOT NULL REFERENCES units(id),
    locale        TEXT NOT NULL DEFAULT 'vi',
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- Append-only, hash-chained record of every change.
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    INTEGER,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    unit_id     INTEGER,
    before_json TEXT NOT NULL DEFAULT '',
    after_json  TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_unit ON audit_log(unit_id, seq);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id, seq);

-- The head of the chain; updating it serialises writers, so two
-- transactions can never both link to the same predecessor.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_head;
DROP TABLE audit_log;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE tree_state;
DROP TABLE unit_lineage;
DROP TABLE unit_versions;
DROP TABLE unit_events;
DROP TABLE units;

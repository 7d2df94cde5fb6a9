-- +goose Up
-- See the SQLite migration of the same number for what each table is for;
-- the two are kept column for column alike.
CREATE TABLE units (
    id         BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE unit_events (
    id             BIGSERIAL PRIMARY KEY,
    kind           TEXT NOT NULL,
    effective_date DATE NOT NULL,
    legal_basis    TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    actor_id       BIGINT,
    created_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE unit_versions (
    id          BIGSERIAL PRIMARY KEY,
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    valid_from  DATE NOT NULL,
    valid_to    DATE NOT NULL,
    code        TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    level       TEXT NOT NULL,
    kind        TEXT NOT NULL DEFAULT '',
    parent_id   BIGINT REFERENCES units(id),
    -- byte order, so that path ranges mean subtrees whatever the locale
    path        TEXT COLLATE "C" NOT NULL,
    event_id    BIGINT REFERENCES unit_events(id),
    CHECK (valid_from < valid_to)
);
CREATE INDEX unit_versions_unit ON unit_versions(unit_id, valid_from);
CREATE INDEX unit_versions_parent ON unit_versions(parent_id, valid_from);
CREATE INDEX unit_versions_path ON unit_versions(path, valid_from);
CREATE INDEX unit_versions_code ON unit_versions(level, code);

CREATE TABLE unit_lineage (
    predecessor_id BIGINT NOT NULL REFERENCES units(id),
    successor_id   BIGINT NOT NULL REFERENCES units(id),
    event_id       BIGINT NOT NULL REFERENCES unit_events(id),
    share          TEXT NOT NULL CHECK (share IN ('full', 'partial')),
    fraction       DOUBLE PRECISION,
    PRIMARY KEY (predecessor_id, successor_id)
);
CREATE INDEX unit_lineage_successor ON unit_lineage(successor_id);

CREATE TABLE tree_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO tree_state (id, generation) VALUES (1, 0);

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    email         TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    scope_unit_id BIGINT NOT NULL REFERENCES units(id),
    locale        TEXT NOT NULL DEFAULT 'vi',
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           BIGSERIAL PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    BIGINT,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    unit_id     BIGINT,
    before_json TEXT NOT NULL DEFAULT '',
    after_json  TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_unit ON audit_log(unit_id, seq);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id, seq);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TABLE audit_head;
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only CASCADE;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE tree_state;
DROP TABLE unit_lineage;
DROP TABLE unit_versions;
DROP TABLE unit_events;
DROP TABLE units;

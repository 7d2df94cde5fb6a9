-- +goose Up
-- The DX network: community digital technology teams (Tổ công nghệ số cộng
-- đồng), their members and their activities, and the organisations taking
-- part in a province's network. Kept column for column alike with the
-- PostgreSQL migration of the same number.
--
-- Every row of the mutable tables carries seq, the value network_state.seq
-- took in the transaction that last wrote it; the coverage index reads only
-- rows whose seq moved since it last looked, so a new activity does not
-- make a server re-read two million.

-- A team, set up by decision of the commune chair, belonging to a village
-- (or, where a commune chooses, to the commune itself).
CREATE TABLE net_teams (
    id               INTEGER PRIMARY KEY,
    unit_id          INTEGER NOT NULL REFERENCES units(id),
    name             TEXT NOT NULL,
    name_folded      TEXT NOT NULL,
    decision_number  TEXT NOT NULL,
    decision_date    TEXT NOT NULL,
    signer           TEXT NOT NULL DEFAULT '',
    decision_file_id INTEGER REFERENCES files(id),
    established      TEXT NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    seq              INTEGER NOT NULL
);
CREATE INDEX net_teams_unit ON net_teams(unit_id);
CREATE INDEX net_teams_seq ON net_teams(seq);

-- A team's status over time: active, suspended, dissolved (the last one
-- for good). The periods of a team follow each other without gaps from the
-- day it was established.
CREATE TABLE net_team_status (
    id         INTEGER PRIMARY KEY,
    team_id    INTEGER NOT NULL REFERENCES net_teams(id),
    status     TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'dissolved')),
    valid_from TEXT NOT NULL,
    valid_to   TEXT NOT NULL,
    decision   TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    seq        INTEGER NOT NULL,
    CHECK (valid_from < valid_to)
);
CREATE INDEX net_team_status_team ON net_team_status(team_id, valid_from);
CREATE INDEX net_team_status_seq ON net_team_status(seq);

-- A person's membership of a team over [valid_from, valid_to): their role
-- in it and whom they come from. A person is in one team at a time (checked
-- by the service); the history stays.
CREATE TABLE net_members (
    id          INTEGER PRIMARY KEY,
    team_id     INTEGER NOT NULL REFERENCES net_teams(id),
    person_id   INTEGER NOT NULL REFERENCES people(id),
    role        TEXT NOT NULL CHECK (role IN ('leader', 'deputy', 'member')),
    affiliation TEXT NOT NULL,
    phone       TEXT NOT NULL DEFAULT '',
    valid_from  TEXT NOT NULL,
    valid_to    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    seq         INTEGER NOT NULL,
    CHECK (valid_from < valid_to)
);
CREATE INDEX net_members_team ON net_members(team_id, valid_from);
CREATE INDEX net_members_person ON net_members(person_id, valid_from);
CREATE INDEX net_members_seq ON net_members(seq);

-- What a team did on a day. A mistaken entry is voided (with a reason),
-- never deleted.
CREATE TABLE net_activities (
    id            INTEGER PRIMARY KEY,
    team_id       INTEGER NOT NULL REFERENCES net_teams(id),
    on_date       TEXT NOT NULL,
    kind          TEXT NOT NULL,
    place         TEXT NOT NULL DEFAULT '',
    people_helped INTEGER NOT NULL DEFAULT 0 CHECK (people_helped >= 0),
    note          TEXT NOT NULL DEFAULT '',
    photo_file_id INTEGER REFERENCES files(id),
    logged_by     INTEGER REFERENCES users(id),
    logged_at     TIMESTAMP NOT NULL,
    voided_at     TIMESTAMP,
    void_reason   TEXT NOT NULL DEFAULT '',
    seq           INTEGER NOT NULL
);
CREATE INDEX net_activities_team ON net_activities(team_id, on_date);
CREATE INDEX net_activities_seq ON net_activities(seq);

-- An organisation or business taking part in a unit's DX network (telecom
-- and postal companies, IT firms, schools, associations): what it
-- contributes, and where (net_org_areas).
CREATE TABLE net_orgs (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    name         TEXT NOT NULL,
    name_folded  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    contribution TEXT NOT NULL DEFAULT '',
    contact      TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    valid_from   TEXT NOT NULL,
    valid_to     TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    CHECK (valid_from < valid_to)
);
CREATE INDEX net_orgs_unit ON net_orgs(unit_id);

CREATE TABLE net_org_areas (
    org_id  INTEGER NOT NULL REFERENCES net_orgs(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (org_id, unit_id)
);

-- Bumped first in every network write, which also serialises the writers
-- (the row lock), so rows are stamped with seq in commit order.
CREATE TABLE network_state (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
INSERT INTO network_state (id, seq) VALUES (1, 0);

-- +goose Down
DROP TABLE network_state;
DROP TABLE net_org_areas;
DROP TABLE net_orgs;
DROP TABLE net_activities;
DROP TABLE net_members;
DROP TABLE net_team_status;
DROP TABLE net_teams;

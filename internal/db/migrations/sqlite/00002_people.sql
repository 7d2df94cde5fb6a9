-- +goose Up
-- Uploaded evidence: certificates, photos, reports. Kept in the database so
-- that a backup of the database is a backup of everything.
CREATE TABLE files (
    id           INTEGER PRIMARY KEY,
    sha256       TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    data         BLOB NOT NULL,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    uploaded_by  INTEGER REFERENCES users(id),
    uploaded_at  TIMESTAMP NOT NULL
);
CREATE INDEX files_unit ON files(unit_id);

-- A person who does, leads or oversees DX work somewhere.
CREATE TABLE people (
    id                  INTEGER PRIMARY KEY,
    full_name           TEXT NOT NULL,
    name_folded         TEXT NOT NULL,
    gender              TEXT NOT NULL DEFAULT '',
    birth_year          INTEGER,
    title               TEXT NOT NULL DEFAULT '',
    phone               TEXT NOT NULL DEFAULT '',
    email               TEXT NOT NULL DEFAULT '',
    employment          TEXT NOT NULL DEFAULT '',
    qualification_level TEXT NOT NULL DEFAULT '',
    qualification_field TEXT NOT NULL DEFAULT '',
    qualification_it    INTEGER NOT NULL DEFAULT 0,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX people_folded ON people(name_folded);

-- Where a person works, over time; a rotation ends one posting and begins
-- another.
CREATE TABLE postings (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    valid_from TEXT NOT NULL,
    valid_to   TEXT NOT NULL,
    kind       TEXT NOT NULL DEFAULT 'initial',
    decision   TEXT NOT NULL DEFAULT '',
    reason     TEXT NOT NULL DEFAULT '',
    CHECK (valid_from < valid_to)
);
CREATE INDEX postings_person ON postings(person_id, valid_from);
CREATE INDEX postings_unit ON postings(unit_id, valid_from);

-- A DX role in a unit: who does DX work there, dedicated or concurrent; a
-- role with no person is a vacancy (a quota not yet filled).
CREATE TABLE dx_roles (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    person_id  INTEGER REFERENCES people(id),
    role       TEXT NOT NULL,
    mode       TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to   TEXT NOT NULL,
    decision   TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    CHECK (valid_from < valid_to)
);
CREATE INDEX dx_roles_unit ON dx_roles(unit_id, valid_from);
CREATE INDEX dx_roles_person ON dx_roles(person_id);

-- A unit's DX steering committee, set up (and later replaced) by decision.
CREATE TABLE committees (
    id              INTEGER PRIMARY KEY,
    unit_id         INTEGER NOT NULL REFERENCES units(id),
    name            TEXT NOT NULL,
    decision_number TEXT NOT NULL,
    decision_date   TEXT NOT NULL,
    signer          TEXT NOT NULL DEFAULT '',
    valid_from      TEXT NOT NULL,
    valid_to        TEXT NOT NULL,
    CHECK (valid_from < valid_to)
);
CREATE INDEX committees_unit ON committees(unit_id, valid_from);

CREATE TABLE committee_members (
    id           INTEGER PRIMARY KEY,
    committee_id INTEGER NOT NULL REFERENCES committees(id),
    person_id    INTEGER NOT NULL REFERENCES people(id),
    role         TEXT NOT NULL,
    valid_from   TEXT NOT NULL,
    valid_to     TEXT NOT NULL,
    CHECK (valid_from < valid_to)
);
CREATE INDEX committee_members_committee ON committee_members(committee_id);

-- Which sub-unit holds a unit's DX function: its specialised unit (the
-- province's IT/DX centre) or its focal unit (a department's office).
CREATE TABLE focal_units (
    id             INTEGER PRIMARY KEY,
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    holder_unit_id INTEGER REFERENCES units(id),
    holder_name    TEXT NOT NULL,
    kind           TEXT NOT NULL,
    valid_from     TEXT NOT NULL,
    valid_to       TEXT NOT NULL,
    decision       TEXT NOT NULL DEFAULT '',
    CHECK (valid_from < valid_to)
);
CREATE INDEX focal_units_unit ON focal_units(unit_id, valid_from);

CREATE TABLE courses (
    id                INTEGER PRIMARY KEY,
    title             TEXT NOT NULL,
    title_folded      TEXT NOT NULL,
    provider          TEXT NOT NULL DEFAULT '',
    platform          TEXT NOT NULL DEFAULT '',
    format            TEXT NOT NULL DEFAULT '',
    start_date        TEXT NOT NULL,
    end_date          TEXT NOT NULL,
    hours             REAL NOT NULL DEFAULT 0,
    organiser_unit_id INTEGER NOT NULL REFERENCES units(id),
    created_at        TIMESTAMP NOT NULL
);
CREATE INDEX courses_organiser ON courses(organiser_unit_id);

CREATE TABLE enrolments (
    id                  INTEGER PRIMARY KEY,
    course_id           INTEGER NOT NULL REFERENCES courses(id),
    person_id           INTEGER NOT NULL REFERENCES people(id),
    status              TEXT NOT NULL,
    completed_on        TEXT,
    certificate_file_id INTEGER REFERENCES files(id),
    UNIQUE (course_id, person_id)
);
CREATE INDEX enrolments_person ON enrolments(person_id);

-- The targets a unit is measured against: data, not code. rule names how a
-- unit passes (see internal/people/compliance.go); param is the rule's own
-- threshold (a count or a share); goal is the share of units that must pass.
CREATE TABLE targets (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    rule       TEXT NOT NULL,
    level      TEXT NOT NULL,
    param      REAL NOT NULL DEFAULT 0,
    goal       REAL NOT NULL DEFAULT 1,
    deadline   TEXT NOT NULL,
    baseline   TEXT,
    title_vi   TEXT NOT NULL,
    title_en   TEXT NOT NULL,
    basis      TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1
);

-- Bumped in the transaction of every change to people, roles, committees
-- or training, so cached compliance reports are never stale.
CREATE TABLE people_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO people_state (id, generation) VALUES (1, 0);

-- +goose Down
DROP TABLE people_state;
DROP TABLE targets;
DROP TABLE enrolments;
DROP TABLE courses;
DROP TABLE focal_units;
DROP TABLE committee_members;
DROP TABLE committees;
DROP TABLE dx_roles;
DROP TABLE postings;
DROP TABLE people;
DROP TABLE files;

-- +goose Up
-- Kept column for column alike with the SQLite migration of the same number.
-- Uploaded evidence: certificates, photos, reports. Kept in the database so
-- that a backup of the database is a backup of everything.
CREATE TABLE files (
    id           BIGSERIAL PRIMARY KEY,
    sha256       TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    data         BYTEA NOT NULL,
    unit_id      BIGINT NOT NULL REFERENCES units(id),
    uploaded_by  BIGINT REFERENCES users(id),
    uploaded_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX files_unit ON files(unit_id);

-- A person who does, leads or oversees DX work somewhere.
CREATE TABLE people (
    id                  BIGSERIAL PRIMARY KEY,
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
    qualification_it    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX people_folded ON people(name_folded);

-- Where a person works, over time; a rotation ends one posting and begins
-- another.
CREATE TABLE postings (
    id         BIGSERIAL PRIMARY KEY,
    person_id  BIGINT NOT NULL REFERENCES people(id),
    unit_id    BIGINT NOT NULL REFERENCES units(id),
    valid_from DATE NOT NULL,
    valid_to   DATE NOT NULL,
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
    id         BIGSERIAL PRIMARY KEY,
    unit_id    BIGINT NOT NULL REFERENCES units(id),
    person_id  BIGINT REFERENCES people(id),
    role       TEXT NOT NULL,
    mode       TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to   DATE NOT NULL,
    decision   TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    CHECK (valid_from < valid_to)
);
CREATE INDEX dx_roles_unit ON dx_roles(unit_id, valid_from);
CREATE INDEX dx_roles_person ON dx_roles(person_id);

-- A unit's DX steering committee, set up (and later replaced) by decision.
CREATE TABLE committees (
    id              BIGSERIAL PRIMARY KEY,
    unit_id         BIGINT NOT NULL REFERENCES units(id),
    name            TEXT NOT NULL,
    decision_number TEXT NOT NULL,
    decision_date   DATE NOT NULL,
    signer          TEXT NOT NULL DEFAULT '',
    valid_from      DATE NOT NULL,
    valid_to        DATE NOT NULL,
    CHECK (valid_from < valid_to)
);
CREATE INDEX committees_unit ON committees(unit_id, valid_from);

CREATE TABLE committee_members (
    id           BIGSERIAL PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    person_id    BIGINT NOT NULL REFERENCES people(id),
    role         TEXT NOT NULL,
    valid_from   DATE NOT NULL,
    valid_to     DATE NOT NULL,
    CHECK (valid_from < valid_to)
);
CREATE INDEX committee_members_committee ON committee_members(committee_id);

-- Which sub-unit holds a unit's DX function: its specialised unit (the
-- province's IT/DX centre) or its focal unit (a department's office).
CREATE TABLE focal_units (
    id             BIGSERIAL PRIMARY KEY,
    unit_id        BIGINT NOT NULL REFERENCES units(id),
    holder_unit_id BIGINT REFERENCES units(id),
    holder_name    TEXT NOT NULL,
    kind           TEXT NOT NULL,
    valid_from     DATE NOT NULL,
    valid_to       DATE NOT NULL,
    decision       TEXT NOT NULL DEFAULT '',
    CHECK (valid_from < valid_to)
);
CREATE INDEX focal_units_unit ON focal_units(unit_id, valid_from);

CREATE TABLE courses (
    id                BIGSERIAL PRIMARY KEY,
    title             TEXT NOT NULL,
    title_folded      TEXT NOT NULL,
    provider          TEXT NOT NULL DEFAULT '',
    platform          TEXT NOT NULL DEFAULT '',
    format            TEXT NOT NULL DEFAULT '',
    start_date        DATE NOT NULL,
    end_date          DATE NOT NULL,
    hours             DOUBLE PRECISION NOT NULL DEFAULT 0,
    organiser_unit_id BIGINT NOT NULL REFERENCES units(id),
    created_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX courses_organiser ON courses(organiser_unit_id);

CREATE TABLE enrolments (
    id                  BIGSERIAL PRIMARY KEY,
    course_id           BIGINT NOT NULL REFERENCES courses(id),
    person_id           BIGINT NOT NULL REFERENCES people(id),
    status              TEXT NOT NULL,
    completed_on        DATE,
    certificate_file_id BIGINT REFERENCES files(id),
    UNIQUE (course_id, person_id)
);
CREATE INDEX enrolments_person ON enrolments(person_id);

-- The targets a unit is measured against: data, not code. rule names how a
-- unit passes (see internal/people/compliance.go); param is the rule's own
-- threshold (a count or a share); goal is the share of units that must pass.
CREATE TABLE targets (
    id         BIGSERIAL PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    rule       TEXT NOT NULL,
    level      TEXT NOT NULL,
    param      DOUBLE PRECISION NOT NULL DEFAULT 0,
    goal       DOUBLE PRECISION NOT NULL DEFAULT 1,
    deadline   DATE NOT NULL,
    baseline   DATE,
    title_vi   TEXT NOT NULL,
    title_en   TEXT NOT NULL,
    basis      TEXT NOT NULL DEFAULT '',
    active     BOOLEAN NOT NULL DEFAULT TRUE
);

-- Bumped in the transaction of every change to people, roles, committees
-- or training, so cached compliance reports are never stale.
CREATE TABLE people_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
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

-- +goose Up
-- Plans and tasks. Kept column for column alike with the SQLite migration
-- of the same number.

-- A legal or administrative document as Vietnamese documents carry it
-- (687/KH-UBND, 1690/QĐ-TTg…). Documents form a chain through parent_id (the
-- document this one implements); any document may hold targets and tasks,
-- which makes it a plan. owner_unit_id is whose document it is: it decides
-- who may change it, and users below that unit may read it.
CREATE TABLE plan_documents (
    id            BIGSERIAL PRIMARY KEY,
    number        TEXT NOT NULL,
    number_folded TEXT NOT NULL,
    doc_type      TEXT NOT NULL,
    title         TEXT NOT NULL,
    title_folded  TEXT NOT NULL,
    issuer        TEXT NOT NULL DEFAULT '',
    signer        TEXT NOT NULL DEFAULT '',
    issued_on     DATE NOT NULL,
    effective_on  DATE,
    fields        TEXT NOT NULL DEFAULT '',
    parent_id     BIGINT REFERENCES plan_documents(id),
    file_id       BIGINT REFERENCES files(id),
    owner_unit_id BIGINT NOT NULL REFERENCES units(id),
    -- the period the plan's recurring tasks run over
    starts_on     DATE NOT NULL,
    ends_on       DATE NOT NULL,
    created_by    BIGINT REFERENCES users(id),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    CHECK (starts_on <= ends_on)
);
CREATE INDEX plan_documents_owner ON plan_documents(owner_unit_id);
CREATE INDEX plan_documents_parent ON plan_documents(parent_id);

-- A measurable target (chỉ tiêu) of a plan, optionally naming an indicator
-- by its code.
CREATE TABLE plan_targets (
    id             BIGSERIAL PRIMARY KEY,
    document_id    BIGINT NOT NULL REFERENCES plan_documents(id),
    seq            INTEGER NOT NULL,
    title          TEXT NOT NULL,
    indicator_code TEXT NOT NULL DEFAULT '',
    goal           DOUBLE PRECISION,
    measure        TEXT NOT NULL DEFAULT '',
    due_on         DATE
);
CREATE INDEX plan_targets_document ON plan_targets(document_id, seq);

-- A group of tasks (nhóm nhiệm vụ).
CREATE TABLE plan_groups (
    id          BIGSERIAL PRIMARY KEY,
    document_id BIGINT NOT NULL REFERENCES plan_documents(id),
    seq         INTEGER NOT NULL,
    code        TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL
);
CREATE INDEX plan_groups_document ON plan_groups(document_id, seq);

-- A task: a lead unit (chủ trì), supporting units (plan_task_units), a
-- deadline or a recurring schedule, an expected output.
CREATE TABLE plan_tasks (
    id           BIGSERIAL PRIMARY KEY,
    document_id  BIGINT NOT NULL REFERENCES plan_documents(id),
    group_id     BIGINT REFERENCES plan_groups(id),
    seq          INTEGER NOT NULL,
    code         TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    lead_unit_id BIGINT NOT NULL REFERENCES units(id),
    schedule     TEXT NOT NULL,
    due_on       DATE,
    output       TEXT NOT NULL DEFAULT '',
    target_id    BIGINT REFERENCES plan_targets(id),
    -- the earliest deadline not yet done (kept by every write), so the
    -- overdue list of today is one range of an index
    open_due     DATE,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX plan_tasks_document ON plan_tasks(document_id, seq);
CREATE INDEX plan_tasks_lead ON plan_tasks(lead_unit_id);
CREATE INDEX plan_tasks_open ON plan_tasks(open_due);

CREATE TABLE plan_task_units (
    task_id BIGINT NOT NULL REFERENCES plan_tasks(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (task_id, unit_id)
);
CREATE INDEX plan_task_units_unit ON plan_task_units(unit_id);

-- Each deadline of a task: one for a task with a date, one per year,
-- quarter or half-year for a recurring one, one per half-year for a
-- continuous one. done_on and accepted_on come from the accepted report, so
-- the status on any date is derived from this row alone.
CREATE TABLE plan_occurrences (
    id          BIGSERIAL PRIMARY KEY,
    task_id     BIGINT NOT NULL REFERENCES plan_tasks(id),
    due_on      DATE NOT NULL,
    period      TEXT NOT NULL,
    done_on     DATE,
    accepted_on DATE,
    percent     INTEGER NOT NULL DEFAULT 0,
    percent_on  DATE,
    report_id   BIGINT
);
CREATE INDEX plan_occurrences_task ON plan_occurrences(task_id, due_on);
-- what is open (the overdue list of today), and what was accepted after a
-- date (the overdue list as of a past date)
CREATE INDEX plan_occurrences_open ON plan_occurrences(due_on) WHERE accepted_on IS NULL;
CREATE INDEX plan_occurrences_accepted ON plan_occurrences(accepted_on, due_on);

-- A progress report by the lead unit for a reporting period; the
-- coordinator accepts or returns it.
CREATE TABLE plan_reports (
    id             BIGSERIAL PRIMARY KEY,
    task_id        BIGINT NOT NULL REFERENCES plan_tasks(id),
    occurrence_id  BIGINT NOT NULL REFERENCES plan_occurrences(id),
    period         TEXT NOT NULL,
    unit_id        BIGINT NOT NULL REFERENCES units(id),
    status         TEXT NOT NULL,
    percent        INTEGER NOT NULL,
    done_text      TEXT NOT NULL DEFAULT '',
    obstacles      TEXT NOT NULL DEFAULT '',
    proposals      TEXT NOT NULL DEFAULT '',
    completed_on   DATE,
    state          TEXT NOT NULL,
    submitted_by   BIGINT REFERENCES users(id),
    submitted_at   TIMESTAMPTZ NOT NULL,
    submitted_on   DATE NOT NULL,
    reviewed_by    BIGINT REFERENCES users(id),
    reviewed_at    TIMESTAMPTZ,
    reviewed_on    DATE,
    review_comment TEXT NOT NULL DEFAULT '',
    CHECK (percent BETWEEN 0 AND 100)
);
CREATE INDEX plan_reports_task ON plan_reports(task_id, submitted_at);
CREATE INDEX plan_reports_occurrence ON plan_reports(occurrence_id);
CREATE INDEX plan_reports_state ON plan_reports(state, submitted_at);

CREATE TABLE plan_report_files (
    report_id BIGINT NOT NULL REFERENCES plan_reports(id),
    file_id   BIGINT NOT NULL REFERENCES files(id),
    PRIMARY KEY (report_id, file_id)
);

-- What a supporting unit did for a task.
CREATE TABLE plan_contributions (
    id         BIGSERIAL PRIMARY KEY,
    task_id    BIGINT NOT NULL REFERENCES plan_tasks(id),
    period     TEXT NOT NULL,
    unit_id    BIGINT NOT NULL REFERENCES units(id),
    body       TEXT NOT NULL,
    file_id    BIGINT REFERENCES files(id),
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX plan_contributions_task ON plan_contributions(task_id, created_at);

-- In-app notifications; dedupe makes the reminder run idempotent (one
-- "due soon" per deadline and user, however often it runs, on any server).
CREATE TABLE plan_notifications (
    id            BIGSERIAL PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users(id),
    kind          TEXT NOT NULL,
    task_id       BIGINT REFERENCES plan_tasks(id),
    occurrence_id BIGINT REFERENCES plan_occurrences(id),
    report_id     BIGINT REFERENCES plan_reports(id),
    due_on        DATE,
    dedupe        TEXT NOT NULL UNIQUE,
    created_at    TIMESTAMPTZ NOT NULL,
    read_at       TIMESTAMPTZ,
    emailed_at    TIMESTAMPTZ
);
CREATE INDEX plan_notifications_user ON plan_notifications(user_id, created_at);
CREATE INDEX plan_notifications_mail ON plan_notifications(emailed_at, user_id);

-- One e-mail digest per user and day: the row is taken before sending.
CREATE TABLE plan_digests (
    user_id BIGINT NOT NULL REFERENCES users(id),
    sent_on DATE NOT NULL,
    sent_at TIMESTAMPTZ NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (user_id, sent_on)
);

-- +goose Down
DROP TABLE plan_digests;
DROP TABLE plan_notifications;
DROP TABLE plan_contributions;
DROP TABLE plan_report_files;
DROP TABLE plan_reports;
DROP TABLE plan_occurrences;
DROP TABLE plan_task_units;
DROP TABLE plan_tasks;
DROP TABLE plan_groups;
DROP TABLE plan_targets;
DROP TABLE plan_documents;

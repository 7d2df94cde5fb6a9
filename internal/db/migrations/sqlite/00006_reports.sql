-- +goose Up
-- Periodic reports. Kept column for column alike with the PostgreSQL
-- migration of the same number.

-- A report of a unit (the issuing body) for a period: a draft until issued,
-- then frozen — its figures and laid-out document stored as JSON, its files
-- in periodic_report_files — and the hash of its content recorded in the
-- audit entry of issue (audit_seq, audit_hash: that entry, printed in the
-- files' footer). A number is given once per issuing unit and year.
CREATE TABLE periodic_reports (
    id             INTEGER PRIMARY KEY,
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    kind           TEXT NOT NULL,
    period_type    TEXT NOT NULL,
    -- the same key whatever the cut-off, so the reports of a period match
    period_key     TEXT NOT NULL,
    cutoff         TEXT NOT NULL,
    period_from    TEXT NOT NULL,
    period_to      TEXT NOT NULL,
    period_year    INTEGER NOT NULL,
    period_n       INTEGER NOT NULL,
    title          TEXT NOT NULL,
    heading_json   TEXT NOT NULL,
    sections_json  TEXT NOT NULL,
    status         TEXT NOT NULL,
    number         INTEGER,
    number_year    INTEGER,
    issued_on      TEXT,
    supersedes_id  INTEGER REFERENCES periodic_reports(id),
    superseded_by  INTEGER REFERENCES periodic_reports(id),
    figures_json   TEXT,
    document_json  TEXT,
    content_sha256 TEXT NOT NULL DEFAULT '',
    audit_seq      INTEGER,
    audit_hash     TEXT NOT NULL DEFAULT '',
    created_by     INTEGER REFERENCES users(id),
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    issued_by      INTEGER REFERENCES users(id),
    issued_at      TIMESTAMP,
    CHECK (status IN ('draft', 'issued', 'superseded')),
    CHECK (period_from <= period_to),
    CHECK (status = 'draft' OR (number IS NOT NULL AND issued_on IS NOT NULL))
);
CREATE UNIQUE INDEX periodic_reports_number ON periodic_reports(unit_id, number_year, number) WHERE number IS NOT NULL;
CREATE INDEX periodic_reports_period ON periodic_reports(kind, period_key, unit_id);
CREATE INDEX periodic_reports_unit ON periodic_reports(unit_id, period_to);

-- The files of an issued report, written once: downloading one again gives
-- the same bytes.
CREATE TABLE periodic_report_files (
    report_id    INTEGER NOT NULL REFERENCES periodic_reports(id),
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (report_id, kind)
);

-- The plans an issued report reports on: a report is a document in the
-- plans' chain.
CREATE TABLE periodic_report_plans (
    report_id   INTEGER NOT NULL REFERENCES periodic_reports(id),
    document_id INTEGER NOT NULL REFERENCES plan_documents(id),
    PRIMARY KEY (report_id, document_id)
);
CREATE INDEX periodic_report_plans_document ON periodic_report_plans(document_id);

-- An issued report is frozen whatever writes to the database: only its
-- status may move on (to superseded, naming its successor), and the
-- stamp of the audit entry of issue is written once.
-- +goose StatementBegin
CREATE TRIGGER periodic_reports_frozen BEFORE UPDATE ON periodic_reports
WHEN OLD.status <> 'draft' AND (
    NEW.status = 'draft' OR NEW.unit_id IS NOT OLD.unit_id OR NEW.kind IS NOT OLD.kind OR NEW.period_key IS NOT OLD.period_key
    OR NEW.period_from IS NOT OLD.period_from OR NEW.period_to IS NOT OLD.period_to OR NEW.title IS NOT OLD.title
    OR NEW.heading_json IS NOT OLD.heading_json OR NEW.sections_json IS NOT OLD.sections_json OR NEW.number IS NOT OLD.number
    OR NEW.number_year IS NOT OLD.number_year OR NEW.issued_on IS NOT OLD.issued_on OR NEW.figures_json IS NOT OLD.figures_json
    OR NEW.content_sha256 IS NOT OLD.content_sha256
    OR (OLD.document_json IS NOT NULL AND NEW.document_json IS NOT OLD.document_json)
    OR (OLD.audit_seq IS NOT NULL AND NEW.audit_seq IS NOT OLD.audit_seq)
    OR (OLD.audit_hash <> '' AND NEW.audit_hash IS NOT OLD.audit_hash))
BEGIN
    SELECT RAISE(ABORT, 'an issued report is frozen');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER periodic_reports_no_delete BEFORE DELETE ON periodic_reports
WHEN OLD.status <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'an issued report is frozen');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER periodic_report_files_no_update BEFORE UPDATE ON periodic_report_files
BEGIN
    SELECT RAISE(ABORT, 'the files of an issued report are frozen');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER periodic_report_files_no_delete BEFORE DELETE ON periodic_report_files
BEGIN
    SELECT RAISE(ABORT, 'the files of an issued report are frozen');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE periodic_report_plans;
DROP TABLE periodic_report_files;
DROP TABLE periodic_reports;

-- +goose Up
-- Periodic reports. Kept column for column alike with the SQLite migration
-- of the same number.

-- A report of a unit (the issuing body) for a period: a draft until issued,
-- then frozen — its figures and laid-out document stored as JSON, its files
-- in periodic_report_files — and the hash of its content recorded in the
-- audit entry of issue (audit_seq, audit_hash: that entry, printed in the
-- files' footer). A number is given once per issuing unit and year.
CREATE TABLE periodic_reports (
    id             BIGSERIAL PRIMARY KEY,
    unit_id        BIGINT NOT NULL REFERENCES units(id),
    kind           TEXT NOT NULL,
    period_type    TEXT NOT NULL,
    -- the same key whatever the cut-off, so the reports of a period match
    period_key     TEXT NOT NULL,
    cutoff         TEXT NOT NULL,
    period_from    DATE NOT NULL,
    period_to      DATE NOT NULL,
    period_year    INTEGER NOT NULL,
    period_n       INTEGER NOT NULL,
    title          TEXT NOT NULL,
    heading_json   TEXT NOT NULL,
    sections_json  TEXT NOT NULL,
    status         TEXT NOT NULL,
    number         INTEGER,
    number_year    INTEGER,
    issued_on      DATE,
    supersedes_id  BIGINT REFERENCES periodic_reports(id),
    superseded_by  BIGINT REFERENCES periodic_reports(id),
    figures_json   TEXT,
    document_json  TEXT,
    content_sha256 TEXT NOT NULL DEFAULT '',
    audit_seq      BIGINT,
    audit_hash     TEXT NOT NULL DEFAULT '',
    created_by     BIGINT REFERENCES users(id),
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    issued_by      BIGINT REFERENCES users(id),
    issued_at      TIMESTAMPTZ,
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
    report_id    BIGINT NOT NULL REFERENCES periodic_reports(id),
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    data         BYTEA NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (report_id, kind)
);

-- The plans an issued report reports on: a report is a document in the
-- plans' chain.
CREATE TABLE periodic_report_plans (
    report_id   BIGINT NOT NULL REFERENCES periodic_reports(id),
    document_id BIGINT NOT NULL REFERENCES plan_documents(id),
    PRIMARY KEY (report_id, document_id)
);
CREATE INDEX periodic_report_plans_document ON periodic_report_plans(document_id);

-- An issued report is frozen whatever writes to the database: only its
-- status may move on (to superseded, naming its successor), and the
-- stamp of the audit entry of issue is written once.
-- +goose StatementBegin
CREATE FUNCTION periodic_reports_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'an issued report is frozen';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status <> 'draft' AND (
        NEW.status = 'draft' OR NEW.unit_id IS DISTINCT FROM OLD.unit_id OR NEW.kind IS DISTINCT FROM OLD.kind
        OR NEW.period_key IS DISTINCT FROM OLD.period_key OR NEW.period_from IS DISTINCT FROM OLD.period_from
        OR NEW.period_to IS DISTINCT FROM OLD.period_to OR NEW.title IS DISTINCT FROM OLD.title
        OR NEW.heading_json IS DISTINCT FROM OLD.heading_json OR NEW.sections_json IS DISTINCT FROM OLD.sections_json
        OR NEW.number IS DISTINCT FROM OLD.number OR NEW.number_year IS DISTINCT FROM OLD.number_year
        OR NEW.issued_on IS DISTINCT FROM OLD.issued_on OR NEW.figures_json IS DISTINCT FROM OLD.figures_json
        OR NEW.content_sha256 IS DISTINCT FROM OLD.content_sha256
        OR (OLD.document_json IS NOT NULL AND NEW.document_json IS DISTINCT FROM OLD.document_json)
        OR (OLD.audit_seq IS NOT NULL AND NEW.audit_seq IS DISTINCT FROM OLD.audit_seq)
        OR (OLD.audit_hash <> '' AND NEW.audit_hash IS DISTINCT FROM OLD.audit_hash)) THEN
        RAISE EXCEPTION 'an issued report is frozen';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER periodic_reports_frozen BEFORE UPDATE OR DELETE ON periodic_reports
    FOR EACH ROW EXECUTE FUNCTION periodic_reports_frozen();
-- +goose StatementBegin
CREATE FUNCTION periodic_report_files_frozen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the files of an issued report are frozen';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER periodic_report_files_frozen BEFORE UPDATE OR DELETE ON periodic_report_files
    FOR EACH ROW EXECUTE FUNCTION periodic_report_files_frozen();

-- +goose Down
DROP TABLE periodic_report_plans;
DROP TABLE periodic_report_files;
DROP TABLE periodic_reports;
DROP FUNCTION periodic_reports_frozen CASCADE;
DROP FUNCTION periodic_report_files_frozen CASCADE;

-- +goose Up
-- Hardening (issue 15): the head row of the audit log cannot be deleted
-- (SQLite has no TRUNCATE: DELETE is already refused on the log). Someone
-- who owns the database file can still drop these guards; the signed
-- checkpoints outside it (audit.Anchor) catch what they then do. Kept alike
-- with the PostgreSQL migration of the same number.
-- +goose StatementBegin
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_head_no_delete;

-- +goose Up
-- Hardening (issue 15): the audit log refuses TRUNCATE too (a statement
-- trigger: the row triggers never see it), and its head row can be neither
-- deleted nor truncated. Someone who owns the database can still drop these
-- guards; the signed checkpoints outside it (audit.Anchor) catch what they
-- then do. Kept alike with the SQLite migration of the same number.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TRIGGER audit_head_no_truncate ON audit_head;
DROP TRIGGER audit_head_no_delete ON audit_head;
DROP TRIGGER audit_log_no_truncate ON audit_log;

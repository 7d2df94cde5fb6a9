-- +goose Up
-- Issue 11: the review's counts by pillar and group, moving and renumbering,
-- and the plans' figures kept in memory. Kept column for column alike with
-- the SQLite migration of the same number.

-- Groups nest: a pillar (trụ cột, "I. …") holds groups ("1. …"); a group
-- with no parent is a pillar. Its tasks count in its own line and in every
-- line above it.
ALTER TABLE plan_groups ADD COLUMN parent_id BIGINT REFERENCES plan_groups(id);
CREATE INDEX plan_groups_parent ON plan_groups(parent_id);

-- One line of a group's history (moved under another group, renumbered),
-- as plan_task_changes is for a task.
CREATE TABLE plan_group_changes (
    id         BIGSERIAL PRIMARY KEY,
    group_id   BIGINT NOT NULL REFERENCES plan_groups(id),
    kind       TEXT NOT NULL,
    before_val TEXT NOT NULL DEFAULT '',
    after_val  TEXT NOT NULL DEFAULT '',
    reason     TEXT NOT NULL,
    decision   TEXT NOT NULL DEFAULT '',
    changed_by BIGINT REFERENCES users(id),
    changed_at TIMESTAMPTZ NOT NULL,
    changed_on DATE NOT NULL
);
CREATE INDEX plan_group_changes_group ON plan_group_changes(group_id, changed_at);

-- The servers keep every task with its deadlines in memory for the
-- national lists and summaries, and check this generation before trusting
-- them. Triggers move it on any change of a document, group, task, its
-- supporting units or deadlines, whatever code makes it (the class tasks,
-- the generator, a restructuring), so no write path can forget it.
CREATE TABLE plans_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO plans_state (id, generation) VALUES (1, 0);
-- +goose StatementBegin
CREATE FUNCTION plans_state_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE plans_state SET generation = generation + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
-- (statement triggers: a bulk load moves it once per statement, not per row)
CREATE TRIGGER plan_documents_gen AFTER INSERT OR UPDATE OR DELETE ON plan_documents
    FOR EACH STATEMENT EXECUTE FUNCTION plans_state_bump();
CREATE TRIGGER plan_groups_gen AFTER INSERT OR UPDATE OR DELETE ON plan_groups
    FOR EACH STATEMENT EXECUTE FUNCTION plans_state_bump();
CREATE TRIGGER plan_tasks_gen AFTER INSERT OR UPDATE OR DELETE ON plan_tasks
    FOR EACH STATEMENT EXECUTE FUNCTION plans_state_bump();
CREATE TRIGGER plan_task_units_gen AFTER INSERT OR UPDATE OR DELETE ON plan_task_units
    FOR EACH STATEMENT EXECUTE FUNCTION plans_state_bump();
CREATE TRIGGER plan_occurrences_gen AFTER INSERT OR UPDATE OR DELETE ON plan_occurrences
    FOR EACH STATEMENT EXECUTE FUNCTION plans_state_bump();

-- +goose Down
DROP TRIGGER plan_occurrences_gen ON plan_occurrences;
DROP TRIGGER plan_task_units_gen ON plan_task_units;
DROP TRIGGER plan_tasks_gen ON plan_tasks;
DROP TRIGGER plan_groups_gen ON plan_groups;
DROP TRIGGER plan_documents_gen ON plan_documents;
DROP FUNCTION plans_state_bump();
DROP TABLE plans_state;
DROP TABLE plan_group_changes;
DROP INDEX plan_groups_parent;
ALTER TABLE plan_groups DROP COLUMN parent_id;

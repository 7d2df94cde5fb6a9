-- +goose Up
-- Issue 11: the review's counts by pillar and group, moving and renumbering,
-- and the plans' figures kept in memory. Kept column for column alike with
-- the PostgreSQL migration of the same number.

-- Groups nest: a pillar (trụ cột, "I. …") holds groups ("1. …"); a group
-- with no parent is a pillar. Its tasks count in its own line and in every
-- line above it.
ALTER TABLE plan_groups ADD COLUMN parent_id INTEGER REFERENCES plan_groups(id);
CREATE INDEX plan_groups_parent ON plan_groups(parent_id);

-- One line of a group's history (moved under another group, renumbered),
-- as plan_task_changes is for a task.
CREATE TABLE plan_group_changes (
    id         INTEGER PRIMARY KEY,
    group_id   INTEGER NOT NULL REFERENCES plan_groups(id),
    kind       TEXT NOT NULL,
    before_val TEXT NOT NULL DEFAULT '',
    after_val  TEXT NOT NULL DEFAULT '',
    reason     TEXT NOT NULL,
    decision   TEXT NOT NULL DEFAULT '',
    changed_by INTEGER REFERENCES users(id),
    changed_at TIMESTAMP NOT NULL,
    changed_on TEXT NOT NULL
);
CREATE INDEX plan_group_changes_group ON plan_group_changes(group_id, changed_at);

-- The servers keep every task with its deadlines in memory for the
-- national lists and summaries, and check this generation before trusting
-- them. Triggers move it on any change of a document, group, task, its
-- supporting units or deadlines, whatever code makes it (the class tasks,
-- the generator, a restructuring), so no write path can forget it.
CREATE TABLE plans_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO plans_state (id, generation) VALUES (1, 0);
-- (SQLite has only row triggers: one per table and event)
-- +goose StatementBegin
CREATE TRIGGER plan_documents_insert_gen AFTER INSERT ON plan_documents
BEGIN
    UPDATE plans_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER plan_documents_update_gen AFTER UPDATE ON plan_documents
BEGIN
    UPDATE plans_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER plan_documents_delete_gen AFTER DELETE ON plan_documents
BEGIN
    UPDATE plans_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER plan_groups_insert_gen AFTER INSERT ON plan_groups
BEGIN
    UPDATE plans_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER plan_groups_update_gen AFTER UPDATE ON plan_groups
BEGIN
    UPDATE plans_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER plan_groups_delete_gen AFTER DELETE ON plan_groups
BEGIN
    UPDATE plans_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER plan_tasks_insert_gen AFTER INSERT ON plan_tasks
BEGIN
    UPDATE plans_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER plan_tasks_update_gen AFTER UPDATE ON plan_tasks
BEGIN
    UPDATE plans_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER plan_tasks_delete_gen AFTER DELETE ON plan_tasks
BEGIN
    UPDATE plans_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER plan_task_units_insert_gen AFTER INSERT ON plan_task_units
BEGIN
    UPDATE plans_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER plan_task_units_update_gen AFTER UPDATE ON plan_task_units
BEGIN
    UPDATE plans_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER plan_task_units_delete_gen AFTER DELETE ON plan_task_units
BEGIN
    UPDATE plans_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER plan_occurrences_insert_gen AFTER INSERT ON plan_occurrences
BEGIN
    UPDATE plans_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER plan_occurrences_update_gen AFTER UPDATE ON plan_occurrences
BEGIN
    UPDATE plans_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER plan_occurrences_delete_gen AFTER DELETE ON plan_occurrences
BEGIN
    UPDATE plans_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER plan_occurrences_delete_gen;
DROP TRIGGER plan_occurrences_update_gen;
DROP TRIGGER plan_occurrences_insert_gen;
DROP TRIGGER plan_task_units_delete_gen;
DROP TRIGGER plan_task_units_update_gen;
DROP TRIGGER plan_task_units_insert_gen;
DROP TRIGGER plan_tasks_delete_gen;
DROP TRIGGER plan_tasks_update_gen;
DROP TRIGGER plan_tasks_insert_gen;
DROP TRIGGER plan_groups_delete_gen;
DROP TRIGGER plan_groups_update_gen;
DROP TRIGGER plan_groups_insert_gen;
DROP TRIGGER plan_documents_delete_gen;
DROP TRIGGER plan_documents_update_gen;
DROP TRIGGER plan_documents_insert_gen;
DROP TABLE plans_state;
DROP TABLE plan_group_changes;
DROP INDEX plan_groups_parent;
ALTER TABLE plan_groups DROP COLUMN parent_id;

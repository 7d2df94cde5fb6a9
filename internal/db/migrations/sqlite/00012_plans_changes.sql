-- +goose Up
-- Plans that live (issue 11): a confirmed plan's tasks are changed, cancelled
-- and carried over, each change with its reason and the decision that made
-- it, kept so a task's history shows what it was ("hạn ban đầu 30/6/2026,
-- gia hạn đến 30/9/2026 theo Công văn …"). Kept column for column alike with
-- the PostgreSQL migration of the same number.

-- A cancelled task is listed but not counted from cancelled_on; a task
-- carried over is closed the same way and points to the task that carries
-- it on (carried_to), which points back (carried_from): counted once.
ALTER TABLE plan_tasks ADD COLUMN cancelled_on TEXT;
ALTER TABLE plan_tasks ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE plan_tasks ADD COLUMN carried_from INTEGER REFERENCES plan_tasks(id);
ALTER TABLE plan_tasks ADD COLUMN carried_to INTEGER REFERENCES plan_tasks(id);

-- One line of a task's history: what changed (kind), from what to what
-- (dates as ISO text, units as their ids, comma separated), why and by
-- which decision.
CREATE TABLE plan_task_changes (
    id         INTEGER PRIMARY KEY,
    task_id    INTEGER NOT NULL REFERENCES plan_tasks(id),
    kind       TEXT NOT NULL,
    before_val TEXT NOT NULL DEFAULT '',
    after_val  TEXT NOT NULL DEFAULT '',
    reason     TEXT NOT NULL,
    decision   TEXT NOT NULL DEFAULT '',
    changed_by INTEGER REFERENCES users(id),
    changed_at TIMESTAMP NOT NULL,
    changed_on TEXT NOT NULL
);
CREATE INDEX plan_task_changes_task ON plan_task_changes(task_id, changed_at);

-- +goose Down
DROP TABLE plan_task_changes;
ALTER TABLE plan_tasks DROP COLUMN carried_to;
ALTER TABLE plan_tasks DROP COLUMN carried_from;
ALTER TABLE plan_tasks DROP COLUMN cancel_reason;
ALTER TABLE plan_tasks DROP COLUMN cancelled_on;

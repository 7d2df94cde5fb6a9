-- +goose Up
-- Tasks for a class of units (issue 11): a task led by "UBND các xã,
-- phường", "các sở, ban, ngành" or a list of units is one class task whose
-- assignments are ordinary tasks, one per unit in force, each reported and
-- reviewed on its own; the class task's status derives from them. Kept
-- column for column alike with the PostgreSQL migration of the same number.

-- lead_class is '' for a task with one lead unit; 'communes' (every
-- commune under lead_unit_id), 'departments' (the agencies directly under
-- it) or 'units' (the listed units) for a class task. class_later makes a
-- unit of the class established later get its own assignment.
-- class_task_id is, on an assignment, its class task.
ALTER TABLE plan_tasks ADD COLUMN lead_class TEXT NOT NULL DEFAULT '';
ALTER TABLE plan_tasks ADD COLUMN class_later INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plan_tasks ADD COLUMN class_task_id INTEGER REFERENCES plan_tasks(id);
CREATE INDEX plan_tasks_class ON plan_tasks(class_task_id);

-- +goose Down
DROP INDEX plan_tasks_class;
ALTER TABLE plan_tasks DROP COLUMN class_task_id;
ALTER TABLE plan_tasks DROP COLUMN class_later;
ALTER TABLE plan_tasks DROP COLUMN lead_class;

-- +goose Up
-- Notifications of every feature (issue 12): the plans' notification table
-- also carries what a notice is about in words, in both languages (a form
-- and its period, a task), and the page where it is acted on, so a report
-- form's reminder, submission, return or approval reaches its recipient in
-- the same list, bell and daily e-mail digest as a task's deadline.
ALTER TABLE plan_notifications ADD COLUMN subject_vi TEXT NOT NULL DEFAULT '';
ALTER TABLE plan_notifications ADD COLUMN subject_en TEXT NOT NULL DEFAULT '';
ALTER TABLE plan_notifications ADD COLUMN link TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE plan_notifications DROP COLUMN link;
ALTER TABLE plan_notifications DROP COLUMN subject_en;
ALTER TABLE plan_notifications DROP COLUMN subject_vi;

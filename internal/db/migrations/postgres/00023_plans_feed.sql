-- +goose Up
-- Issue 14, freshness across servers: the change feed of the plans. The
-- servers keep every task with its deadlines in memory under the plans'
-- generation (plans_state, 00017), which triggers move several times in one
-- write. A write of the plans service records here, in its transaction,
-- the tasks it changed: one row per task, with the generation it left the
-- plans at and the one it found them at (since). Another server whose copy
-- is at generation g reads the rows above g; when they chain from g
-- (each write's since the previous one's generation) up to the current
-- generation it reads those tasks again and patches its copy, else (a
-- generation moved by a write that records nothing: the generator, an
-- import, a restructuring; or trimmed away) it reads every task again.
-- task_id 0 marks a write that changed no task kept in memory (a group
-- added). Writes trim the rows more than 4096 generations old. Kept column
-- for column alike with the other dialect's migration of the same number.
CREATE TABLE plans_feed (
    generation BIGINT NOT NULL,
    since      BIGINT NOT NULL,
    task_id    BIGINT NOT NULL,
    PRIMARY KEY (generation, task_id)
);

-- +goose Down
DROP TABLE plans_feed;

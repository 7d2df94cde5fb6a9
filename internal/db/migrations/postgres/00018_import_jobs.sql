-- +goose Up
-- Issue 12: a sheet import runs as a job in the server, its progress kept
-- here so that a page served by any of the servers shows it. The job's
-- writing is one transaction of its own: a job that a stopped server left
-- running is marked failed (nothing of it was written) at the next start,
-- or when its heartbeat is seen to be stale. Kept alike with the SQLite
-- migration of the same number.
CREATE TABLE import_jobs (
    id          BIGSERIAL PRIMARY KEY,
    kind        TEXT NOT NULL,
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    user_id     BIGINT NOT NULL REFERENCES users(id),
    file_name   TEXT NOT NULL DEFAULT '',
    phase       TEXT NOT NULL DEFAULT 'reading',
    rows_done   BIGINT NOT NULL DEFAULT 0,
    rows_total  BIGINT NOT NULL DEFAULT 0,
    status      TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
    result      TEXT NOT NULL DEFAULT '{}',
    errors      TEXT NOT NULL DEFAULT '{}',
    created_at  TIMESTAMPTZ NOT NULL,
    heartbeat   TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ
);
CREATE INDEX import_jobs_running ON import_jobs (status, heartbeat);

-- +goose Down
DROP INDEX import_jobs_running;
DROP TABLE import_jobs;

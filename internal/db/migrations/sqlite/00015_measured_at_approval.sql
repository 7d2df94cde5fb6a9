-- +goose Up
-- The measured figures a report showed when it was approved (issue 9, "bad
-- input"): its form's measured indicators and the register counterparts of
-- its reported ones, for the unit and period. A register change dated in
-- the past changes them later; the report is then flagged with the old
-- value (kept here) and the new one (computed at the request). noticed is
-- the new value its author and reviewers were last told of ('' when none),
-- so each change is told once. Kept column for column alike with the other
-- dialect's migration of the same number.
CREATE TABLE submission_measures (
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    indicator_id  INTEGER NOT NULL REFERENCES indicators(id),
    value         REAL,
    noticed       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (submission_id, indicator_id)
);

-- +goose Down
DROP TABLE submission_measures;

-- +goose Up
-- Where an indicator's figures come from (issue 9): typed by units
-- (reported), computed by mangluoi from its own registers (measured), or
-- sent by another system through the API (pushed, naming the system). A
-- reported indicator may name its counterpart: the measured indicator that
-- holds the same fact, for reconciliation. Kept column for column alike
-- with the other dialect's migration of the same number.
ALTER TABLE indicators ADD COLUMN source TEXT NOT NULL DEFAULT 'reported';
ALTER TABLE indicators ADD COLUMN source_system TEXT NOT NULL DEFAULT '';
ALTER TABLE indicators ADD COLUMN counterpart TEXT NOT NULL DEFAULT '';

-- the shipped reported indicators that a register also holds
UPDATE indicators SET counterpart = 'REG_VILLAGES' WHERE code = 'CT_VILLAGES';
UPDATE indicators SET counterpart = 'REG_VILLAGES_COVERED' WHERE code = 'CT_VILLAGES_COVERED';
UPDATE indicators SET counterpart = 'REG_COVERAGE' WHERE code = 'CT_COVERAGE';
UPDATE indicators SET counterpart = 'REG_TEAMS' WHERE code = 'CT_TEAMS';
UPDATE indicators SET counterpart = 'REG_MEMBERS' WHERE code = 'CT_MEMBERS';
UPDATE indicators SET counterpart = 'REG_DX_STAFF' WHERE code = 'DX_STAFF';
UPDATE indicators SET counterpart = 'REG_DX_STAFF_DEDICATED' WHERE code = 'DX_STAFF_DEDICATED';
UPDATE indicators SET counterpart = 'REG_DX_STAFF_TRAINED' WHERE code = 'DX_STAFF_TRAINED';
UPDATE indicators SET counterpart = 'REG_DX_TRAINED_RATE' WHERE code = 'DX_TRAINED_RATE';
UPDATE indicators SET counterpart = 'REG_COMMITTEES' WHERE code = 'DX_COMMITTEE';

-- +goose Down
ALTER TABLE indicators DROP COLUMN counterpart;
ALTER TABLE indicators DROP COLUMN source_system;
ALTER TABLE indicators DROP COLUMN source;

-- +goose Up
-- The servers keep the assessment rounds and each round's computed ranking
-- in memory (the leader's home, the ranking pages), and check this
-- generation, with the generations of everything else a ranking reads
-- (the tree, the indicator figures, the registers), before trusting them.
-- Triggers move it on any change of a framework, its items, a round, its
-- units, its scores or the merge weights, whatever code makes it.
CREATE TABLE assess_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO assess_state (id, generation) VALUES (1, 0);
-- (SQLite has only row triggers: one per table and event)
-- +goose StatementBegin
CREATE TRIGGER frameworks_insert_assess_gen AFTER INSERT ON frameworks
BEGIN
    UPDATE assess_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER frameworks_update_assess_gen AFTER UPDATE ON frameworks
BEGIN
    UPDATE assess_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER frameworks_delete_assess_gen AFTER DELETE ON frameworks
BEGIN
    UPDATE assess_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER framework_nodes_insert_assess_gen AFTER INSERT ON framework_nodes
BEGIN
    UPDATE assess_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER framework_nodes_update_assess_gen AFTER UPDATE ON framework_nodes
BEGIN
    UPDATE assess_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER framework_nodes_delete_assess_gen AFTER DELETE ON framework_nodes
BEGIN
    UPDATE assess_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER assessment_rounds_insert_assess_gen AFTER INSERT ON assessment_rounds
BEGIN
    UPDATE assess_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER assessment_rounds_update_assess_gen AFTER UPDATE ON assessment_rounds
BEGIN
    UPDATE assess_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER assessment_rounds_delete_assess_gen AFTER DELETE ON assessment_rounds
BEGIN
    UPDATE assess_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER round_units_insert_assess_gen AFTER INSERT ON round_units
BEGIN
    UPDATE assess_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER round_units_update_assess_gen AFTER UPDATE ON round_units
BEGIN
    UPDATE assess_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER round_units_delete_assess_gen AFTER DELETE ON round_units
BEGIN
    UPDATE assess_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER assessment_scores_insert_assess_gen AFTER INSERT ON assessment_scores
BEGIN
    UPDATE assess_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER assessment_scores_update_assess_gen AFTER UPDATE ON assessment_scores
BEGIN
    UPDATE assess_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER assessment_scores_delete_assess_gen AFTER DELETE ON assessment_scores
BEGIN
    UPDATE assess_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER merge_weights_insert_assess_gen AFTER INSERT ON merge_weights
BEGIN
    UPDATE assess_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER merge_weights_update_assess_gen AFTER UPDATE ON merge_weights
BEGIN
    UPDATE assess_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER merge_weights_delete_assess_gen AFTER DELETE ON merge_weights
BEGIN
    UPDATE assess_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER merge_weights_delete_assess_gen;
DROP TRIGGER merge_weights_update_assess_gen;
DROP TRIGGER merge_weights_insert_assess_gen;
DROP TRIGGER assessment_scores_delete_assess_gen;
DROP TRIGGER assessment_scores_update_assess_gen;
DROP TRIGGER assessment_scores_insert_assess_gen;
DROP TRIGGER round_units_delete_assess_gen;
DROP TRIGGER round_units_update_assess_gen;
DROP TRIGGER round_units_insert_assess_gen;
DROP TRIGGER assessment_rounds_delete_assess_gen;
DROP TRIGGER assessment_rounds_update_assess_gen;
DROP TRIGGER assessment_rounds_insert_assess_gen;
DROP TRIGGER framework_nodes_delete_assess_gen;
DROP TRIGGER framework_nodes_update_assess_gen;
DROP TRIGGER framework_nodes_insert_assess_gen;
DROP TRIGGER frameworks_delete_assess_gen;
DROP TRIGGER frameworks_update_assess_gen;
DROP TRIGGER frameworks_insert_assess_gen;
DROP TABLE assess_state;

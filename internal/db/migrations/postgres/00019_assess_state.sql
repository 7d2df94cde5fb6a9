-- +goose Up
-- The servers keep the assessment rounds and each round's computed ranking
-- in memory (the leader's home, the ranking pages), and check this
-- generation, with the generations of everything else a ranking reads
-- (the tree, the indicator figures, the registers), before trusting them.
-- Triggers move it on any change of a framework, its items, a round, its
-- units, its scores or the merge weights, whatever code makes it.
CREATE TABLE assess_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO assess_state (id, generation) VALUES (1, 0);
-- +goose StatementBegin
CREATE FUNCTION assess_state_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE assess_state SET generation = generation + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
-- (statement triggers: a bulk load moves it once per statement, not per row)
CREATE TRIGGER frameworks_assess_gen AFTER INSERT OR UPDATE OR DELETE ON frameworks
    FOR EACH STATEMENT EXECUTE FUNCTION assess_state_bump();
CREATE TRIGGER framework_nodes_assess_gen AFTER INSERT OR UPDATE OR DELETE ON framework_nodes
    FOR EACH STATEMENT EXECUTE FUNCTION assess_state_bump();
CREATE TRIGGER assessment_rounds_assess_gen AFTER INSERT OR UPDATE OR DELETE ON assessment_rounds
    FOR EACH STATEMENT EXECUTE FUNCTION assess_state_bump();
CREATE TRIGGER round_units_assess_gen AFTER INSERT OR UPDATE OR DELETE ON round_units
    FOR EACH STATEMENT EXECUTE FUNCTION assess_state_bump();
CREATE TRIGGER assessment_scores_assess_gen AFTER INSERT OR UPDATE OR DELETE ON assessment_scores
    FOR EACH STATEMENT EXECUTE FUNCTION assess_state_bump();
CREATE TRIGGER merge_weights_assess_gen AFTER INSERT OR UPDATE OR DELETE ON merge_weights
    FOR EACH STATEMENT EXECUTE FUNCTION assess_state_bump();

-- +goose Down
DROP TRIGGER merge_weights_assess_gen ON merge_weights;
DROP TRIGGER assessment_scores_assess_gen ON assessment_scores;
DROP TRIGGER round_units_assess_gen ON round_units;
DROP TRIGGER assessment_rounds_assess_gen ON assessment_rounds;
DROP TRIGGER framework_nodes_assess_gen ON framework_nodes;
DROP TRIGGER frameworks_assess_gen ON frameworks;
DROP FUNCTION assess_state_bump();
DROP TABLE assess_state;

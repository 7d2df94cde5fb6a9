-- +goose Up
-- Issue 14: the servers cache who a session or API token belongs to, and
-- each request checks this one generation (read with the others it needs,
-- in one query) before trusting its cache. Triggers move it whatever code
-- ends or shortens a session (extending one, which the servers do as it is
-- used, moves nothing), revokes a token or changes an account, so a revocation
-- on one server is refused by every server at its next request. Kept alike
-- with the PostgreSQL migration of the same number.
CREATE TABLE auth_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO auth_state (id, generation) VALUES (1, 0);
-- +goose StatementBegin
CREATE TRIGGER sessions_end_auth AFTER DELETE ON sessions
BEGIN
    UPDATE auth_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER sessions_cut_auth AFTER UPDATE OF expires_at, created_at, user_id, token_hash ON sessions
WHEN NEW.expires_at < OLD.expires_at OR NEW.created_at <> OLD.created_at OR NEW.user_id <> OLD.user_id OR NEW.token_hash <> OLD.token_hash
BEGIN
    UPDATE auth_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER api_tokens_revoke_auth AFTER UPDATE OF revoked_at, user_id, token_hash ON api_tokens
BEGIN
    UPDATE auth_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER api_tokens_delete_auth AFTER DELETE ON api_tokens
BEGIN
    UPDATE auth_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER users_change_auth AFTER UPDATE ON users
BEGIN
    UPDATE auth_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER users_delete_auth AFTER DELETE ON users
BEGIN
    UPDATE auth_state SET generation = generation + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER users_delete_auth;
DROP TRIGGER users_change_auth;
DROP TRIGGER api_tokens_delete_auth;
DROP TRIGGER api_tokens_revoke_auth;
DROP TRIGGER sessions_cut_auth;
DROP TRIGGER sessions_end_auth;
DROP TABLE auth_state;

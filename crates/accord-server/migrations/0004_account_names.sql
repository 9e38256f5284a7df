-- Issue 18: account names are unique whatever their case or form. `name_key` is the name as
-- compared (Unicode compatibility forms folded, lower case: computed by the server, see
-- src/names.rs); the name itself is kept as its owner wrote it. Existing accounts get their
-- name in lower case here (ASCII only on SQLite), and the server recomputes their keys at start
-- (accounts::rekey_accounts); of two existing names with one key, the later account keeps a key
-- of its own (it still signs in by its exact name).
ALTER TABLE users ADD COLUMN name_key TEXT;
UPDATE users SET name_key = lower(name);
UPDATE users SET name_key = name_key || ' #' || id
    WHERE EXISTS (SELECT 1 FROM users o WHERE o.name_key = users.name_key AND o.id < users.id);
CREATE UNIQUE INDEX users_by_name_key ON users (name_key);
-- Ending all of a user's sessions, and deleting expired ones.
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Issue 14 (6), seats and invitations: who invited (the invitee is told before accepting), and a
-- pending invitation's token kept so that mediators can be shown its link again after a reload.
-- `token` is the link's secret in clear while the invitation is pending: only the mediators of
-- the negotiation are shown it (src/viewer.rs decides), it is cleared when the invitation is used
-- and its row is deleted when a new link replaces it; the lookup stays by `token_hash`. Why in
-- clear rather than encrypted: docs/serve.md, "Invitations".
ALTER TABLE invitations ADD COLUMN invited_by TEXT REFERENCES users(id);
ALTER TABLE invitations ADD COLUMN token TEXT;

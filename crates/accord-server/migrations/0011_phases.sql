-- Issue 15 (5), phased texts in the live process. A draft may be phased: `phases` holds its
-- phases (JSON: name, days, clauses per fixed phase, agenda and trigger per open phase); its
-- `clauses` stay the package in force now (phase 1's), so every reader of one-package drafts
-- reads it as before. NULL: an ordinary draft.
ALTER TABLE drafts ADD COLUMN phases TEXT;
-- A follow-up draft on an agreed phased text (JSON {kind: extend|move_on, phase}), or NULL.
ALTER TABLE drafts ADD COLUMN follow_up TEXT;
-- Each phase's status of the agreed phased text (JSON array of names, phase 1 first), or NULL
-- while there is no agreed phased text. Every change is also an audit event (the history).
ALTER TABLE negotiations ADD COLUMN phase_statuses TEXT;

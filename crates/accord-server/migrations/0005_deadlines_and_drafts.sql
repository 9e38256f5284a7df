-- Issue 14, deadlines and drafts. negotiations.status gains 'adjourned' (paused by a mediator:
-- nothing is circulated or answered, the open draft's deadline waits); drafts.status 'withdrawn'
-- now also means withdrawn by a mediator (with a reason).
-- While adjourned: the time (ms) the open draft had left; its deadline restarts from it.
ALTER TABLE drafts ADD COLUMN remaining_ms BIGINT;
-- Why a mediator withdrew the draft (shown to every seat), or NULL.
ALTER TABLE drafts ADD COLUMN withdrawn_reason TEXT;
-- The version this draft corrects (a corrected draft is the next draft), or NULL.
ALTER TABLE drafts ADD COLUMN corrects BIGINT;
-- Why a mediator adjourned the negotiation (shown to every seat), or NULL when not adjourned.
ALTER TABLE negotiations ADD COLUMN adjourned_reason TEXT;
-- When the party last changed its answer (ms), or NULL if it never did.
ALTER TABLE responses ADD COLUMN changed_at BIGINT;

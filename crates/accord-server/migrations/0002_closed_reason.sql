-- Why a mediator ended a negotiation without agreement (shown to every seat), or NULL.
ALTER TABLE negotiations ADD COLUMN closed_reason TEXT;
-- drafts.status gains 'withdrawn': the draft was open when the mediator closed the negotiation.

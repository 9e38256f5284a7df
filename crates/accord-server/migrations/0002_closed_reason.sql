-- Why a mediator ended a negotiation without agreement (shown to every seat), or NULL.
ALTER TABLE negotiations ADD COLUMN closed_reason TEXT;

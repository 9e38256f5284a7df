-- Issue 12: what each party lets mediators do with its preferences, who wrote the preferences a
-- seat holds, agents that could not answer, and event audiences as data (a kind and a seat)
-- instead of comma-joined names.
ALTER TABLE seats ADD COLUMN consent TEXT NOT NULL DEFAULT 'private';
ALTER TABLE seats ADD COLUMN preferences_source TEXT;
ALTER TABLE seats ADD COLUMN agent_failed TEXT;
-- Before consent levels, unshared preferences fed the mediators' analysis: that is `aggregate`.
UPDATE seats SET consent = CASE WHEN share_with_mediator <> 0 THEN 'shared' ELSE 'aggregate' END;
UPDATE seats SET preferences_source = 'party' WHERE private_doc IS NOT NULL;
ALTER TABLE events ADD COLUMN audience_seat TEXT;
UPDATE events SET audience_seat = substr(audience, 11), audience = 'mediators_and_seat' WHERE audience LIKE 'mediators,%';
UPDATE events SET audience = 'everyone' WHERE audience = '*';
UPDATE events SET audience_seat = audience, audience = 'seat' WHERE audience NOT IN ('everyone', 'mediators', 'mediators_and_seat');

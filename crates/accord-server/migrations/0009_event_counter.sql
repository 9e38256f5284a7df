-- Issue 18, PostgreSQL under load: each negotiation keeps the number of its last event, so that
-- an event is numbered from the row a write has locked rather than from MAX(seq) over the log.
-- A statement that waited for the lock reads the row as its holder committed it, while a MAX
-- over the log would read the log as it was when the statement started; numbering from the row
-- lets a write that needs no state (a party's preferences) be one statement with its event
-- (store/write.rs).
ALTER TABLE negotiations ADD COLUMN last_event_seq BIGINT NOT NULL DEFAULT 0;
UPDATE negotiations SET last_event_seq = COALESCE(
    (SELECT MAX(e.seq) FROM events e WHERE e.negotiation_id = negotiations.id), 0);

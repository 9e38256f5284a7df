-- Issue 14 (7), notifications in the page: how far each account has read each message thread
-- of a negotiation, so that its home page can say how many messages are new. A mark is only
-- ever raised (store/messages.rs); which threads count for a reader is the viewer policy's
-- decision (src/viewer.rs), never this table's.
CREATE TABLE message_reads (
    negotiation_id TEXT NOT NULL REFERENCES negotiations(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    thread TEXT NOT NULL,
    thread_seat TEXT NOT NULL,
    read_up_to BIGINT NOT NULL,
    PRIMARY KEY (negotiation_id, user_id, thread, thread_seat)
);

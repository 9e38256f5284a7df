-- Issue 14, messages. A thread is `everyone` (a note to every seat), `mediators` (notes among
-- the mediators only) or `caucus` with one party seat (`thread_seat`; '' for the other two):
-- the mediators and that party, and no one else. Messages are numbered per thread from 1, so a
-- reader's numbers say nothing of threads it may not read. Who reads a thread is decided by the
-- server's viewer policy (src/viewer.rs); each message is also an event of the audit log,
-- addressed to the thread's readers.
CREATE TABLE messages (
    negotiation_id TEXT NOT NULL REFERENCES negotiations(id),
    thread TEXT NOT NULL,
    thread_seat TEXT NOT NULL,
    seq BIGINT NOT NULL,
    sender_seat TEXT NOT NULL,
    sender TEXT NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (negotiation_id, thread, thread_seat, seq)
);

-- Accord's store. Portable SQL: the same file runs on SQLite and PostgreSQL. Times are Unix
-- milliseconds; ids are random text; JSON documents are text.
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE negotiations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    -- The public part of the scenario: issues, seat names and roles, never preferences.
    public_doc TEXT NOT NULL,
    status TEXT NOT NULL,             -- open | agreed | failed
    agreement_version BIGINT,
    current_version BIGINT NOT NULL,  -- last draft circulated (0: none yet)
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL
);

CREATE TABLE seats (
    negotiation_id TEXT NOT NULL REFERENCES negotiations(id),
    seat TEXT NOT NULL,
    role TEXT NOT NULL,               -- party | mediator | observer
    user_id TEXT REFERENCES users(id),
    agent TEXT,                       -- a voter spec when an agent holds the seat
    -- The seat's confidential preferences (a scenario party entry), or NULL before any.
    private_doc TEXT,
    share_with_mediator BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (negotiation_id, seat)
);

CREATE TABLE invitations (
    token_hash TEXT PRIMARY KEY,
    negotiation_id TEXT NOT NULL REFERENCES negotiations(id),
    seat TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_by TEXT REFERENCES users(id)
);

CREATE TABLE drafts (
    negotiation_id TEXT NOT NULL REFERENCES negotiations(id),
    version BIGINT NOT NULL,
    clauses TEXT NOT NULL,            -- JSON: [{issue, value, wording}]
    note TEXT,
    deadline_at BIGINT NOT NULL,
    status TEXT NOT NULL,             -- open | accepted | rejected | expired | superseded
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (negotiation_id, version)
);

CREATE TABLE responses (
    negotiation_id TEXT NOT NULL REFERENCES negotiations(id),
    version BIGINT NOT NULL,
    seat TEXT NOT NULL,
    verdict TEXT NOT NULL,            -- accept | reject | amend
    amendment TEXT,                   -- JSON: {issue, value, wording}
    comment TEXT,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (negotiation_id, version, seat)
);

-- The audit log and the event stream: append-only, numbered per negotiation.
CREATE TABLE events (
    negotiation_id TEXT NOT NULL REFERENCES negotiations(id),
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT,                       -- user id, or NULL for the server (deadlines, agents)
    audience TEXT NOT NULL,           -- '*' (every member), 'mediators', or one seat's name
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (negotiation_id, seq)
);

CREATE INDEX drafts_open ON drafts (status, deadline_at);

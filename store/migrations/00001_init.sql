-- The first schema: sandboxes, and attempts with their results.
-- Times are Unix nanoseconds in UTC; 0 means unset.

-- +goose Up
CREATE TABLE sandboxes (
    name                      TEXT PRIMARY KEY,
    owner                     TEXT NOT NULL,
    lab_id                    TEXT NOT NULL,
    backend                   TEXT NOT NULL,
    state                     TEXT NOT NULL,
    message                   TEXT NOT NULL DEFAULT '',
    account_id                TEXT NOT NULL DEFAULT '',
    region                    TEXT NOT NULL DEFAULT '',
    endpoint_http             TEXT NOT NULL DEFAULT '',
    endpoint_https            TEXT NOT NULL DEFAULT '',
    endpoint_ca_bundle        TEXT NOT NULL DEFAULT '',
    endpoint_proxy            TEXT NOT NULL DEFAULT '',
    learner_access_key_id     TEXT NOT NULL DEFAULT '',
    learner_secret_access_key TEXT NOT NULL DEFAULT '',
    learner_session_token     TEXT NOT NULL DEFAULT '',
    grader_access_key_id      TEXT NOT NULL DEFAULT '',
    grader_secret_access_key  TEXT NOT NULL DEFAULT '',
    grader_session_token      TEXT NOT NULL DEFAULT '',
    create_time               INTEGER NOT NULL,
    expire_time               INTEGER NOT NULL DEFAULT 0,
    request_id                TEXT NOT NULL DEFAULT ''
);

CREATE UNIQUE INDEX sandboxes_by_request ON sandboxes (owner, request_id)
    WHERE request_id <> '';
CREATE INDEX sandboxes_by_time ON sandboxes (create_time DESC, name DESC);
CREATE INDEX sandboxes_by_owner ON sandboxes (owner, create_time DESC, name DESC);
CREATE INDEX sandboxes_by_state ON sandboxes (state, expire_time);

CREATE TABLE attempts (
    name          TEXT PRIMARY KEY,
    sandbox       TEXT NOT NULL REFERENCES sandboxes (name),
    owner         TEXT NOT NULL,
    lab_id        TEXT NOT NULL,
    state         TEXT NOT NULL,
    message       TEXT NOT NULL DEFAULT '',
    results       TEXT NOT NULL DEFAULT '[]',
    score         REAL NOT NULL DEFAULT 0,
    max_score     INTEGER NOT NULL DEFAULT 0,
    passed        INTEGER NOT NULL DEFAULT 0,
    create_time   INTEGER NOT NULL,
    complete_time INTEGER NOT NULL DEFAULT 0,
    request_id    TEXT NOT NULL DEFAULT ''
);

CREATE UNIQUE INDEX attempts_by_request ON attempts (sandbox, request_id)
    WHERE request_id <> '';
CREATE INDEX attempts_by_sandbox ON attempts (sandbox, create_time DESC, name DESC);
CREATE INDEX attempts_by_state ON attempts (state, create_time);

-- +goose Down
DROP TABLE attempts;
DROP TABLE sandboxes;

-- Runs, attempts and artifacts. Portable SQL: PostgreSQL and SQLite
-- read it alike. Times are Unix microseconds (0: not yet), JSON is text.
-- No foreign keys: events may record an attempt before its run.
CREATE TABLE runs (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    project     TEXT NOT NULL,
    pipeline    TEXT NOT NULL,
    environment TEXT NOT NULL,
    backend     TEXT NOT NULL,
    revision    TEXT NOT NULL,
    spec_hash   TEXT NOT NULL,
    parameters  TEXT NOT NULL,
    status      TEXT NOT NULL,
    started     BIGINT NOT NULL,
    stopped     BIGINT NOT NULL,
    error       TEXT NOT NULL,
    cause       TEXT NOT NULL
);
CREATE INDEX runs_env_started ON runs (environment, started);
CREATE INDEX runs_name ON runs (name);
CREATE INDEX runs_stopped ON runs (stopped);
CREATE TABLE attempts (
    run_id        TEXT NOT NULL,
    path          TEXT NOT NULL,
    attempt       INTEGER NOT NULL,
    step          TEXT NOT NULL,
    foreach_index TEXT NOT NULL,
    foreach_item  TEXT NOT NULL,
    job_id        TEXT NOT NULL,
    status        TEXT NOT NULL,
    started       BIGINT NOT NULL,
    stopped       BIGINT NOT NULL,
    exit_code     INTEGER,
    error         TEXT NOT NULL,
    cause         TEXT NOT NULL,
    log           TEXT NOT NULL,
    outputs       TEXT NOT NULL,
    PRIMARY KEY (run_id, path, attempt)
);
CREATE INDEX attempts_job ON attempts (job_id);
CREATE TABLE artifacts (
    uri      TEXT PRIMARY KEY,
    run_id   TEXT NOT NULL,
    path     TEXT NOT NULL,
    attempt  INTEGER NOT NULL,
    size     BIGINT NOT NULL,
    checksum TEXT NOT NULL,
    written  BIGINT NOT NULL
);
CREATE INDEX artifacts_run ON artifacts (run_id);

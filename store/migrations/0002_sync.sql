-- 0002: the link to the central exchange.

-- One row: the enrolment, the status-update cursor, the last outcome and the
-- offline limits (seconds).
CREATE TABLE sync_state (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    exchange_url   TEXT    NOT NULL DEFAULT '',
    key_id         TEXT    NOT NULL DEFAULT '',
    enrolled_at    TEXT,
    updates_cursor INTEGER NOT NULL DEFAULT 0 CHECK (updates_cursor >= 0),
    last_success   TEXT,
    last_error     TEXT    NOT NULL DEFAULT '',
    last_error_at  TEXT,
    alert          TEXT    NOT NULL DEFAULT '',
    warn_after_s   INTEGER NOT NULL DEFAULT 86400 CHECK (warn_after_s >= 60),
    refuse_after_s INTEGER NOT NULL DEFAULT 259200,
    CHECK (refuse_after_s > warn_after_s)
);
INSERT INTO sync_state (id) VALUES (1);

-- The cursor only moves forward.
CREATE TRIGGER sync_cursor_forward
BEFORE UPDATE OF updates_cursor ON sync_state
WHEN NEW.updates_cursor < OLD.updates_cursor
BEGIN
    SELECT RAISE(ABORT, 'the updates cursor never moves back');
END;

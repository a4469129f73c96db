-- 0005: closing a day, and reopening it as a separate, audited act.
--
-- A day may be closed, reopened and closed again, so each close is a row
-- of its own. The open close (reopened_at NULL) of a day locks it: no
-- request and no payment lands in it. Closes are never deleted; the only
-- changes allowed are the reopening (once) and the exchange's receipt of
-- the close (sync_state queued → sent).
CREATE TABLE day_close_rounds (
    id            INTEGER PRIMARY KEY,
    day           TEXT    NOT NULL CHECK (length(day) = 10),
    expected_cash INTEGER NOT NULL CHECK (expected_cash >= 0),
    counted_cash  INTEGER NOT NULL CHECK (counted_cash >= 0),
    expected_card INTEGER NOT NULL CHECK (expected_card >= 0),
    counted_card  INTEGER NOT NULL CHECK (counted_card >= 0),
    requests      INTEGER NOT NULL CHECK (requests >= 0),
    reason        TEXT    NOT NULL DEFAULT '',
    closed_by     TEXT    NOT NULL,
    closed_at     TEXT    NOT NULL,
    reopened_by   TEXT,
    reopened_at   TEXT,
    reopen_reason TEXT    NOT NULL DEFAULT '',
    sync_state    TEXT    NOT NULL DEFAULT 'queued' CHECK (sync_state IN ('queued', 'sent')),
    -- A difference between counted and expected needs a reason.
    CHECK ((counted_cash = expected_cash AND counted_card = expected_card) OR reason <> ''),
    CHECK ((reopened_at IS NULL) = (reopened_by IS NULL)),
    CHECK (reopened_at IS NULL OR reopen_reason <> '')
);
CREATE UNIQUE INDEX day_close_rounds_open ON day_close_rounds (day) WHERE reopened_at IS NULL;
CREATE INDEX day_close_rounds_unsent ON day_close_rounds (id) WHERE sync_state = 'queued';

-- Closes made before this migration carry over as they were.
INSERT INTO day_close_rounds (day, expected_cash, counted_cash, expected_card, counted_card, requests, reason, closed_by, closed_at)
    SELECT day, expected_cash, counted_cash, card_total, card_total, requests,
           CASE WHEN counted_cash <> expected_cash AND note = '' THEN 'carried over' ELSE note END, closed_by, closed_at
    FROM day_closes;

DROP TRIGGER requests_day_closed;
DROP TRIGGER day_closes_immutable;
DROP TRIGGER day_closes_no_delete;
DROP TABLE day_closes;

CREATE TRIGGER requests_day_closed
BEFORE INSERT ON requests
WHEN EXISTS (SELECT 1 FROM day_close_rounds WHERE day = NEW.day AND reopened_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'the day is closed');
END;

CREATE TRIGGER payments_day_closed
BEFORE INSERT ON payments
WHEN EXISTS (SELECT 1 FROM day_close_rounds c JOIN requests r ON r.day = c.day
             WHERE r.id = NEW.request_id AND c.reopened_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'the day is closed');
END;

CREATE TRIGGER day_close_rounds_locked
BEFORE UPDATE ON day_close_rounds
WHEN OLD.day <> NEW.day OR OLD.expected_cash <> NEW.expected_cash OR OLD.counted_cash <> NEW.counted_cash
  OR OLD.expected_card <> NEW.expected_card OR OLD.counted_card <> NEW.counted_card OR OLD.requests <> NEW.requests
  OR OLD.reason <> NEW.reason OR OLD.closed_by <> NEW.closed_by OR OLD.closed_at <> NEW.closed_at
  OR (OLD.reopened_at IS NOT NULL AND (NEW.reopened_at IS NOT OLD.reopened_at OR NEW.reopened_by IS NOT OLD.reopened_by
                                       OR NEW.reopen_reason <> OLD.reopen_reason))
  OR (OLD.sync_state = 'sent' AND NEW.sync_state <> 'sent')
BEGIN
    SELECT RAISE(ABORT, 'a closed day is locked');
END;

CREATE TRIGGER day_close_rounds_no_delete BEFORE DELETE ON day_close_rounds
BEGIN
    SELECT RAISE(ABORT, 'a closed day is locked');
END;

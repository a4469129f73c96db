-- 0001: the desk's first schema. Times are TEXT in UTC, fixed-width
-- RFC 3339 with nanoseconds (2006-01-02T15:04:05.000000000Z), so text order is time order.

CREATE TABLE desk_config (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    office_code INTEGER NOT NULL CHECK (office_code BETWEEN 1 AND 99999),
    office_name TEXT    NOT NULL CHECK (length(trim(office_name)) > 0),
    desk_number INTEGER NOT NULL CHECK (desk_number BETWEEN 1 AND 99),
    created_at  TEXT    NOT NULL
);

CREATE TABLE users (
    id         TEXT    PRIMARY KEY CHECK (length(id) = 36),
    username   TEXT    NOT NULL UNIQUE,
    full_name  TEXT    NOT NULL,
    role       TEXT    NOT NULL CHECK (role IN ('clerk', 'supervisor', 'technician')),
    pin_hash   TEXT    NOT NULL CHECK (pin_hash LIKE '$argon2id$%'),
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT    NOT NULL
);

CREATE TABLE catalog_meta (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    version      INTEGER NOT NULL CHECK (version > 0),
    -- Hex SHA-256 of the catalog's canonical JSON: the same version imported
    -- again must have the same content.
    content_hash TEXT    NOT NULL CHECK (length(content_hash) = 64),
    generation   INTEGER NOT NULL CHECK (generation > 0), -- +1 on every import, so caches know
    imported_at  TEXT    NOT NULL
);

CREATE TABLE agencies (
    id        TEXT    PRIMARY KEY,
    name      TEXT    NOT NULL,
    generated INTEGER NOT NULL CHECK (generated IN (0, 1))
);

CREATE TABLE services (
    id        TEXT    PRIMARY KEY,
    agency_id TEXT    NOT NULL REFERENCES agencies (id),
    name      TEXT    NOT NULL,
    licence   INTEGER NOT NULL CHECK (licence IN (0, 1)),
    generated INTEGER NOT NULL CHECK (generated IN (0, 1))
);
CREATE INDEX services_agency ON services (agency_id);

CREATE TABLE inquiry_types (
    id        TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    name      TEXT NOT NULL
);

CREATE TABLE sub_services (
    id             TEXT    PRIMARY KEY,
    service_id     TEXT    NOT NULL REFERENCES services (id),
    name           TEXT    NOT NULL,
    fields_json    TEXT    NOT NULL CHECK (json_valid(fields_json)),
    gov_fee        INTEGER NOT NULL CHECK (gov_fee >= 0),
    counter_fee    INTEGER NOT NULL CHECK (counter_fee >= 0),
    needs_approval INTEGER NOT NULL CHECK (needs_approval IN (0, 1)),
    generated      INTEGER NOT NULL CHECK (generated IN (0, 1))
    -- No search keys are stored: the in-memory catalog computes them when it
    -- loads, so they always follow the current persian.Normalize.
);
CREATE INDEX sub_services_service ON sub_services (service_id);

CREATE TABLE sub_service_inquiries (
    sub_service_id  TEXT    NOT NULL REFERENCES sub_services (id) ON DELETE CASCADE,
    inquiry_type_id TEXT    NOT NULL REFERENCES inquiry_types (id),
    position        INTEGER NOT NULL,
    PRIMARY KEY (sub_service_id, inquiry_type_id)
);

-- The request state machine, mirrored from the domain (a test keeps them equal);
-- the trigger below refuses any other change of state, whoever writes it.
CREATE TABLE request_transitions (
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    PRIMARY KEY (from_state, to_state)
) WITHOUT ROWID;
INSERT INTO request_transitions (from_state, to_state) VALUES
    ('queued', 'sending'),
    ('sending', 'queued'), ('sending', 'accepted'), ('sending', 'rejected'), ('sending', 'conflict'),
    ('accepted', 'in_progress'), ('accepted', 'needs_action'), ('accepted', 'done'), ('accepted', 'refused'),
    ('in_progress', 'needs_action'), ('in_progress', 'done'), ('in_progress', 'refused'),
    ('needs_action', 'in_progress'), ('needs_action', 'done'), ('needs_action', 'refused');

CREATE TABLE requests (
    id               TEXT    PRIMARY KEY CHECK (length(id) = 36),
    tracking_code    TEXT    NOT NULL UNIQUE CHECK (length(tracking_code) = 18),
    day              TEXT    NOT NULL CHECK (length(day) = 10), -- Jalali YYYY/MM/DD of intake
    seq              INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 9999),
    national_code    TEXT    NOT NULL CHECK (length(national_code) = 10),
    first_name       TEXT    NOT NULL DEFAULT '',
    last_name        TEXT    NOT NULL DEFAULT '',
    father_name      TEXT    NOT NULL DEFAULT '',
    birth_date       TEXT    NOT NULL DEFAULT '',
    mobile           TEXT    NOT NULL DEFAULT '',
    sub_service_id   TEXT    NOT NULL,
    sub_service_name TEXT    NOT NULL,
    service_id       TEXT    NOT NULL,
    service_name     TEXT    NOT NULL,
    agency_id        TEXT    NOT NULL,
    agency_name      TEXT    NOT NULL,
    catalog_version  INTEGER NOT NULL CHECK (catalog_version > 0),
    fields_json      TEXT    NOT NULL CHECK (json_valid(fields_json)),
    gov_fee          INTEGER NOT NULL CHECK (gov_fee >= 0),
    counter_fee      INTEGER NOT NULL CHECK (counter_fee >= 0),
    state            TEXT    NOT NULL CHECK (state IN ('queued', 'sending', 'accepted', 'rejected', 'conflict',
                                                       'in_progress', 'needs_action', 'done', 'refused')),
    state_note       TEXT    NOT NULL DEFAULT '',
    clerk            TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    purged_at        TEXT,
    UNIQUE (day, seq)
);
CREATE INDEX requests_national_code ON requests (national_code);
CREATE INDEX requests_outbox ON requests (created_at, id) WHERE state IN ('queued', 'sending');

CREATE TRIGGER requests_state_machine
BEFORE UPDATE OF state ON requests
WHEN NEW.state <> OLD.state
 AND NOT EXISTS (SELECT 1 FROM request_transitions WHERE from_state = OLD.state AND to_state = NEW.state)
BEGIN
    SELECT RAISE(ABORT, 'illegal request state transition');
END;

-- What was filed never changes: identity, the catalog snapshot (service, names,
-- fees, version) and the clerk. Only purge may blank personal data.
CREATE TRIGGER requests_immutable_identity
BEFORE UPDATE OF id, tracking_code, day, seq, created_at, gov_fee, counter_fee, catalog_version,
    sub_service_id, sub_service_name, service_id, service_name, agency_id, agency_name, clerk ON requests
BEGIN
    SELECT RAISE(ABORT, 'request identity and fee snapshot are immutable');
END;

CREATE TABLE inquiries (
    request_id TEXT NOT NULL REFERENCES requests (id),
    type_id    TEXT NOT NULL,
    type_name  TEXT NOT NULL,
    position   INTEGER NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('pending', 'answered', 'failed')),
    answer     TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (request_id, type_id)
) WITHOUT ROWID;

CREATE TABLE payments (
    request_id   TEXT    PRIMARY KEY REFERENCES requests (id),
    method       TEXT    NOT NULL CHECK (method IN ('cash', 'card')),
    amount       INTEGER NOT NULL CHECK (amount >= 0),
    terminal_ref TEXT    NOT NULL DEFAULT '',
    paid_at      TEXT    NOT NULL,
    CHECK ((method = 'cash' AND terminal_ref = '') OR (method = 'card' AND terminal_ref <> ''))
) WITHOUT ROWID;

CREATE TABLE print_jobs (
    id         INTEGER PRIMARY KEY, -- no AUTOINCREMENT: jobs are never deleted, and it costs a write per intake
    request_id TEXT    REFERENCES requests (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('receipt', 'reprint', 'day_close')),
    state      TEXT    NOT NULL CHECK (state IN ('pending', 'printed', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL,
    printed_at TEXT,
    CHECK (kind = 'day_close' OR request_id IS NOT NULL),
    CHECK ((state = 'printed') = (printed_at IS NOT NULL))
);
CREATE INDEX print_jobs_pending ON print_jobs (id) WHERE state <> 'printed';
CREATE INDEX print_jobs_request ON print_jobs (request_id);

CREATE TABLE day_closes (
    day           TEXT    PRIMARY KEY CHECK (length(day) = 10),
    expected_cash INTEGER NOT NULL CHECK (expected_cash >= 0),
    counted_cash  INTEGER NOT NULL CHECK (counted_cash >= 0),
    card_total    INTEGER NOT NULL CHECK (card_total >= 0),
    requests      INTEGER NOT NULL CHECK (requests >= 0),
    closed_by     TEXT    NOT NULL,
    closed_at     TEXT    NOT NULL,
    note          TEXT    NOT NULL DEFAULT ''
);

-- The audit trail is append-only and hash-chained (VerifyAudit checks every link).
CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
    hash      TEXT NOT NULL CHECK (length(hash) = 64)
);
CREATE INDEX audit_subject ON audit (subject);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

-- A closed day is locked: nothing more is filed under it.
CREATE TRIGGER requests_day_closed
BEFORE INSERT ON requests
WHEN EXISTS (SELECT 1 FROM day_closes WHERE day = NEW.day)
BEGIN
    SELECT RAISE(ABORT, 'the day is closed');
END;

-- Money taken is never edited afterwards, and a closed day stays closed.
CREATE TRIGGER payments_immutable BEFORE UPDATE ON payments
BEGIN
    SELECT RAISE(ABORT, 'payments are immutable');
END;

CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments
BEGIN
    SELECT RAISE(ABORT, 'payments are immutable');
END;

CREATE TRIGGER day_closes_immutable BEFORE UPDATE ON day_closes
BEGIN
    SELECT RAISE(ABORT, 'a closed day is locked');
END;

CREATE TRIGGER day_closes_no_delete BEFORE DELETE ON day_closes
BEGIN
    SELECT RAISE(ABORT, 'a closed day is locked');
END;

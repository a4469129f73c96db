package pishkhan

import "time"

// SendOutcome is what the central exchange said about one sent request:
// State is StateAccepted, StateRejected or StateConflict, or StateQueued
// when the exchange deferred it (a transient refusal: send it again later).
// Note is the exchange's reason, in Persian, for the clerk.
type SendOutcome struct {
	ID    ID
	State RequestState
	Note  string
}

// StatusUpdate is a change the exchange publishes about an accepted request:
// its new state (in_progress, needs_action, done or refused), a note for the
// clerk, and the answers of its inquiries so far.
type StatusUpdate struct {
	Seq       int64 // the exchange's sequence number; the desk's cursor is the last one applied
	RequestID ID
	State     RequestState
	Note      string
	Inquiries []InquiryUpdate
	At        time.Time
}

// InquiryUpdate is the new state of one inquiry of a request.
type InquiryUpdate struct {
	TypeID string
	State  InquiryState
	Answer string
}

// UpdateCounts counts what applying a page of status updates did.
type UpdateCounts struct {
	Applied int // requests whose state, note or inquiries changed
	Unknown int // updates about requests this desk does not hold
	Stale   int // updates whose state the request has already moved past
}

// OutboxStats are the size and age of the outbox (requests not yet sent).
type OutboxStats struct {
	Pending int
	Oldest  time.Time // intake time of the oldest unsent request; zero when none
}

// OfflineLevel says how long the desk has gone without sending.
type OfflineLevel int

// The offline levels: fine, warn the clerk, refuse new intake.
const (
	OfflineOK OfflineLevel = iota
	OfflineWarn
	OfflineRefuse
)

// OfflineLimits are the desk's offline rules: warn when the oldest unsent
// request is older than WarnAfter, refuse new intake past RefuseAfter.
type OfflineLimits struct {
	WarnAfter   time.Duration
	RefuseAfter time.Duration
}

// DefaultOfflineLimits warn after a day and refuse intake after three.
var DefaultOfflineLimits = OfflineLimits{WarnAfter: 24 * time.Hour, RefuseAfter: 72 * time.Hour}

// Check verifies that both limits are positive and warning comes first.
func (l OfflineLimits) Check() error {
	if l.WarnAfter < time.Minute || l.RefuseAfter <= l.WarnAfter {
		return Errorf(EInvalid, "مهلت هشدار باید دست‌کم یک دقیقه و کمتر از مهلت توقف پذیرش باشد.",
			"offline limits: warn after (%s) must be at least a minute and below refuse after (%s)", l.WarnAfter, l.RefuseAfter)
	}
	return nil
}

// Level classifies the outbox at time now.
func (l OfflineLimits) Level(st OutboxStats, now time.Time) OfflineLevel {
	if st.Pending == 0 || st.Oldest.IsZero() {
		return OfflineOK
	}
	switch age := now.Sub(st.Oldest); {
	case age > l.RefuseAfter:
		return OfflineRefuse
	case age > l.WarnAfter:
		return OfflineWarn
	}
	return OfflineOK
}

// SyncState is what the desk remembers about its link to the exchange.
type SyncState struct {
	ExchangeURL   string
	KeyID         string // empty until the desk is enrolled
	EnrolledAt    time.Time
	UpdatesCursor int64 // the last status update applied
	LastSuccess   time.Time
	LastError     string // English, for the log and the technician
	LastErrorAt   time.Time
	Alert         string // set when the exchange refused the desk's identity; sync stops until re-enrolment
	Limits        OfflineLimits
}

// Enrolled reports whether the desk has a key registered with an exchange.
func (s SyncState) Enrolled() bool { return s.KeyID != "" && s.ExchangeURL != "" }

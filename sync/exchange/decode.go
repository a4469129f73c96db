package exchange

import (
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/pishkhan/pishkhan"
)

// The decoders below are the only way either side reads the other's JSON.
// Each checks sizes, shapes and values, so that what passes is safe to
// apply to the database; anything else is an error (never a panic).

// DecodeHealth reads a health answer.
func DecodeHealth(r io.Reader) (Health, error) {
	var h Health
	if err := decode(r, 1<<16, &h, false); err != nil {
		return h, fmt.Errorf("health: %w", err)
	}
	if h.Status == "" || h.APIVersion <= 0 || h.CatalogVersion < 0 {
		return h, fmt.Errorf("health: incomplete answer (status %q, api %d)", h.Status, h.APIVersion)
	}
	return h, nil
}

// DecodeEnrolRequest reads an enrolment request (server side, strict).
func DecodeEnrolRequest(r io.Reader) (EnrolRequest, error) {
	var e EnrolRequest
	if err := decode(r, 1<<16, &e, true); err != nil {
		return e, fmt.Errorf("enrol request: %w", err)
	}
	if e.OfficeCode < 1 || e.OfficeCode > 99999 || e.DeskNumber < 1 || e.DeskNumber > 99 {
		return e, fmt.Errorf("enrol request: office %d or desk %d out of range", e.OfficeCode, e.DeskNumber)
	}
	if len(e.PublicKey) != 32 {
		return e, fmt.Errorf("enrol request: public key must be 32 bytes, got %d", len(e.PublicKey))
	}
	if e.OneTimeCode == "" || len(e.OneTimeCode) > 64 {
		return e, fmt.Errorf("enrol request: one-time code missing or too long")
	}
	return e, nil
}

// DecodeEnrolResponse reads an enrolment answer.
func DecodeEnrolResponse(r io.Reader) (EnrolResponse, error) {
	var e EnrolResponse
	if err := decode(r, 1<<16, &e, false); err != nil {
		return e, fmt.Errorf("enrol response: %w", err)
	}
	if e.KeyID == "" || len(e.KeyID) > maxIDLen || !printableASCII(e.KeyID) {
		return e, fmt.Errorf("enrol response: key id missing or malformed")
	}
	if e.CatalogVersion < 0 {
		return e, fmt.Errorf("enrol response: negative catalog version")
	}
	return e, nil
}

// DecodeBatchRequest reads a batch (server side, strict): at most
// MaxBatchItems valid items with distinct ids.
func DecodeBatchRequest(r io.Reader) (BatchRequest, error) {
	var b BatchRequest
	if err := decode(r, MaxRequestBytes, &b, true); err != nil {
		return b, fmt.Errorf("batch: %w", err)
	}
	if len(b.Items) == 0 || len(b.Items) > MaxBatchItems {
		return b, fmt.Errorf("batch: %d items, want 1 to %d", len(b.Items), MaxBatchItems)
	}
	seen := make(map[string]bool, len(b.Items))
	for i := range b.Items {
		if err := b.Items[i].Validate(); err != nil {
			return b, fmt.Errorf("batch: %w", err)
		}
		if seen[b.Items[i].ID] {
			return b, fmt.Errorf("batch: item %s appears twice", b.Items[i].ID)
		}
		seen[b.Items[i].ID] = true
	}
	return b, nil
}

// DecodeBatchResponse reads the answer to a batch of items: exactly one
// result per item, in the same order, each with a known status.
func DecodeBatchResponse(r io.Reader, items []Item) (BatchResponse, error) {
	var b BatchResponse
	if err := decode(r, MaxResponseBytes, &b, false); err != nil {
		return b, fmt.Errorf("batch response: %w", err)
	}
	if len(b.Results) != len(items) {
		return b, fmt.Errorf("batch response: %d results for %d items", len(b.Results), len(items))
	}
	for i, res := range b.Results {
		if res.ID != items[i].ID {
			return b, fmt.Errorf("batch response: result %d is for %q, want %q", i, res.ID, items[i].ID)
		}
		switch res.Status {
		case ItemAccepted, ItemRejected, ItemConflict, ItemDeferred:
		case ItemDuplicate:
			if res.Original != ItemAccepted && res.Original != ItemRejected {
				return b, fmt.Errorf("batch response: duplicate %s with original %q", res.ID, res.Original)
			}
		default:
			return b, fmt.Errorf("batch response: item %s has unknown status %q", res.ID, res.Status)
		}
		if err := checkText("reason", res.Reason, MaxReasonLen); err != nil {
			return b, fmt.Errorf("batch response: item %s: %w", res.ID, err)
		}
		if err := checkText("reason_fa", res.ReasonFa, MaxReasonLen); err != nil {
			return b, fmt.Errorf("batch response: item %s: %w", res.ID, err)
		}
	}
	return b, nil
}

// UpdateStates are the states an update may carry.
var UpdateStates = map[string]pishkhan.RequestState{
	"in_progress":  pishkhan.StateInProgress,
	"needs_action": pishkhan.StateNeedsAction,
	"done":         pishkhan.StateDone,
	"refused":      pishkhan.StateRefused,
}

// DecodeUpdates reads an updates answer for a request made with cursor
// after: sequence numbers strictly increase and are above after, Next is
// at least the last one, every id, state and inquiry is well formed.
func DecodeUpdates(r io.Reader, after int64) (UpdatesResponse, error) {
	var u UpdatesResponse
	if err := decode(r, MaxResponseBytes, &u, false); err != nil {
		return u, fmt.Errorf("updates: %w", err)
	}
	if len(u.Updates) > MaxUpdates {
		return u, fmt.Errorf("updates: %d updates, more than %d", len(u.Updates), MaxUpdates)
	}
	last := after
	for _, up := range u.Updates {
		if up.Seq <= last {
			return u, fmt.Errorf("updates: sequence %d after %d is out of order", up.Seq, last)
		}
		last = up.Seq
		if _, err := pishkhan.ParseID(up.RequestID); err != nil {
			return u, fmt.Errorf("updates: seq %d: request id: %w", up.Seq, err)
		}
		if _, ok := UpdateStates[up.State]; !ok {
			return u, fmt.Errorf("updates: seq %d: unknown state %q", up.Seq, up.State)
		}
		if err := checkText("note", up.Note, MaxReasonLen); err != nil {
			return u, fmt.Errorf("updates: seq %d: %w", up.Seq, err)
		}
		if err := checkText("note_fa", up.NoteFa, MaxReasonLen); err != nil {
			return u, fmt.Errorf("updates: seq %d: %w", up.Seq, err)
		}
		if len(up.Inquiries) > 1000 {
			return u, fmt.Errorf("updates: seq %d: too many inquiries", up.Seq)
		}
		for _, q := range up.Inquiries {
			if q.TypeID == "" || len(q.TypeID) > maxIDLen {
				return u, fmt.Errorf("updates: seq %d: inquiry type id missing or too long", up.Seq)
			}
			switch pishkhan.InquiryState(q.State) {
			case pishkhan.InquiryPending, pishkhan.InquiryAnswered, pishkhan.InquiryFailed:
			default:
				return u, fmt.Errorf("updates: seq %d: inquiry %s has unknown state %q", up.Seq, q.TypeID, q.State)
			}
			if err := checkText("answer", q.Answer, MaxAnswerLen); err != nil {
				return u, fmt.Errorf("updates: seq %d: inquiry %s: %w", up.Seq, q.TypeID, err)
			}
		}
	}
	if u.Next < last {
		return u, fmt.Errorf("updates: next cursor %d is behind the last update %d", u.Next, last)
	}
	if u.More && len(u.Updates) == 0 {
		return u, fmt.Errorf("updates: more is set but no updates came")
	}
	return u, nil
}

// DecodeCatalogDelta reads a catalog answer to GET /v1/catalog?since=since.
// The delta must start at since (or be full) and not go backwards. The
// catalog it makes is checked when it is applied ([CatalogDelta.Apply]).
func DecodeCatalogDelta(r io.Reader, since int64) (CatalogDelta, error) {
	var d CatalogDelta
	if err := decode(r, MaxResponseBytes, &d, false); err != nil {
		return d, fmt.Errorf("catalog: %w", err)
	}
	switch {
	case d.Version <= 0:
		return d, fmt.Errorf("catalog: version %d is not positive", d.Version)
	case d.Full && d.Base != 0:
		return d, fmt.Errorf("catalog: a full catalog has base 0, got %d", d.Base)
	case !d.Full && d.Base != since:
		return d, fmt.Errorf("catalog: delta from version %d, asked from %d", d.Base, since)
	case d.Version < since:
		return d, fmt.Errorf("catalog: version %d is older than %d", d.Version, since)
	case d.Full && (len(d.Deleted.Agencies)+len(d.Deleted.Services)+len(d.Deleted.SubServices)+len(d.Deleted.InquiryTypes)) > 0:
		return d, fmt.Errorf("catalog: a full catalog deletes nothing")
	case !d.Full && d.Version == d.Base && (len(d.Agencies)+len(d.Services)+len(d.SubServices)+len(d.InquiryTypes)+
		len(d.Deleted.Agencies)+len(d.Deleted.Services)+len(d.Deleted.SubServices)+len(d.Deleted.InquiryTypes)) > 0:
		return d, fmt.Errorf("catalog: an unchanged version carries changes")
	}
	return d, nil
}

// DecodeDayClose reads a day-close upload (server side, strict).
func DecodeDayClose(r io.Reader) (DayClose, error) {
	var d DayClose
	if err := decode(r, 1<<16, &d, true); err != nil {
		return d, fmt.Errorf("day close: %w", err)
	}
	if len(d.Day) != 10 || d.Requests < 0 || d.ExpectedCash < 0 || d.CountedCash < 0 || d.CardTotal < 0 || d.ClosedBy == "" {
		return d, fmt.Errorf("day close: malformed figures for %q", d.Day)
	}
	return d, nil
}

// DecodeDayCloseResponse reads the answer to a day-close upload.
func DecodeDayCloseResponse(r io.Reader) (DayCloseResponse, error) {
	var d DayCloseResponse
	if err := decode(r, 1<<16, &d, false); err != nil {
		return d, fmt.Errorf("day close response: %w", err)
	}
	switch d.Status {
	case ItemAccepted, ItemDuplicate, ItemConflict:
	default:
		return d, fmt.Errorf("day close response: unknown status %q", d.Status)
	}
	return d, checkText("reason", d.Reason, MaxReasonLen)
}

// DecodeError reads an error body; a body that is not one gives a detail
// with an empty code.
func DecodeError(r io.Reader) ErrorDetail {
	var e ErrorBody
	if err := decode(r, 1<<16, &e, false); err != nil {
		return ErrorDetail{}
	}
	if checkText("message", e.Error.Message, MaxReasonLen) != nil || checkText("message_fa", e.Error.MessageFa, MaxReasonLen) != nil ||
		len(e.Error.Code) > maxIDLen || !printableASCII(e.Error.Code) {
		return ErrorDetail{}
	}
	return e.Error
}

// checkText refuses invalid UTF-8, control characters (but newline) and
// over-long text in what the exchange sends for people to read.
func checkText(name, s string, max int) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s is not valid UTF-8", name)
	}
	if utf8.RuneCountInString(s) > max {
		return fmt.Errorf("%s is longer than %d characters", name, max)
	}
	for _, r := range s {
		if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return fmt.Errorf("%s holds control character %U", name, r)
		}
	}
	return nil
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e || s[i] == '"' || s[i] == '\\' {
			return false
		}
	}
	return true
}

package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/pishkhan/pishkhan"
)

// APIVersion is the protocol version served under /v1.
const APIVersion = 1

// Paths of the endpoints, all under /v1.
const (
	PathHealth    = "/v1/health"
	PathEnrol     = "/v1/enrol"
	PathBatch     = "/v1/requests/batch"
	PathUpdates   = "/v1/updates"
	PathCatalog   = "/v1/catalog"
	PathDayCloses = "/v1/day-closes"
)

// Limits of the protocol. A sender never exceeds them; a receiver refuses
// anything larger.
const (
	MaxBatchItems    = 1000            // items in one batch submit
	MaxUpdates       = 1000            // updates in one answer
	MaxResponseBytes = 64 << 20        // any answer (a full catalog is ~3 MB)
	MaxRequestBytes  = 16 << 20        // any request body
	MaxReasonLen     = 1000            // characters of a reason or note
	MaxAnswerLen     = 4000            // characters of an inquiry answer
	ClockSkew        = 5 * time.Minute // how far a signature's created time may be from the server's clock
	NonceWindow      = 2 * ClockSkew   // how long a server remembers nonces
	MaxFieldLen      = 4000            // characters of one form value
	maxIDLen         = 64
	maxNameLen       = 200
	maxFields        = 200
	maxInquiries     = 200
)

// Health is the answer of GET /v1/health (unsigned).
type Health struct {
	Status         string    `json:"status"` // "ok"
	APIVersion     int       `json:"api_version"`
	ServerTime     time.Time `json:"server_time"`
	CatalogVersion int64     `json:"catalog_version"`
}

// EnrolRequest is the body of POST /v1/enrol. It is signed with the new key
// itself (proof that the desk holds it); the one-time code is what the
// exchange checks.
type EnrolRequest struct {
	OfficeCode  int    `json:"office_code"`
	DeskNumber  int    `json:"desk_number"`
	OneTimeCode string `json:"one_time_code"`
	PublicKey   []byte `json:"public_key"` // raw Ed25519 public key, 32 bytes (base64 in JSON)
}

// EnrolResponse is the answer to a successful enrolment.
type EnrolResponse struct {
	KeyID          string    `json:"key_id"` // goes into every later signature's keyid
	OfficeCode     int       `json:"office_code"`
	DeskNumber     int       `json:"desk_number"`
	ServerTime     time.Time `json:"server_time"`
	CatalogVersion int64     `json:"catalog_version"`
}

// Payment is a request's payment on the wire.
type Payment struct {
	Method      string    `json:"method"` // cash | card
	Amount      int64     `json:"amount"` // rials
	TerminalRef string    `json:"terminal_ref,omitempty"`
	PaidAt      time.Time `json:"paid_at"`
}

// Item is one service request in a batch: everything the exchange needs,
// including the catalog version and the fee snapshot it was made under. The
// exchange deduplicates by ID; its body is what "the same request" means.
type Item struct {
	ID             string            `json:"id"`
	TrackingCode   string            `json:"tracking_code"`
	Day            string            `json:"day"` // Jalali YYYY/MM/DD of intake
	CreatedAt      time.Time         `json:"created_at"`
	NationalCode   string            `json:"national_code"`
	FirstName      string            `json:"first_name,omitempty"`
	LastName       string            `json:"last_name,omitempty"`
	FatherName     string            `json:"father_name,omitempty"`
	BirthDate      string            `json:"birth_date,omitempty"`
	Mobile         string            `json:"mobile,omitempty"`
	SubServiceID   string            `json:"sub_service_id"`
	CatalogVersion int64             `json:"catalog_version"`
	Fields         map[string]string `json:"fields"`
	GovFee         int64             `json:"gov_fee"`
	CounterFee     int64             `json:"counter_fee"`
	Inquiries      []string          `json:"inquiries,omitempty"`
	Payment        Payment           `json:"payment"`
	Clerk          string            `json:"clerk"`
}

// Validate checks an item's shape (the exchange's own business rules come after).
func (it *Item) Validate() error {
	if _, err := pishkhan.ParseID(it.ID); err != nil {
		return fmt.Errorf("item id %q: %w", it.ID, err)
	}
	if len(it.TrackingCode) != 18 || !allDigits(it.TrackingCode) {
		return fmt.Errorf("item %s: tracking code must be 18 digits", it.ID)
	}
	if len(it.NationalCode) != 10 || !allDigits(it.NationalCode) {
		return fmt.Errorf("item %s: national code must be 10 digits", it.ID)
	}
	if it.SubServiceID == "" || len(it.SubServiceID) > maxIDLen {
		return fmt.Errorf("item %s: sub-service id is required", it.ID)
	}
	if it.CatalogVersion <= 0 {
		return fmt.Errorf("item %s: catalog version must be positive", it.ID)
	}
	if it.GovFee < 0 || it.CounterFee < 0 || it.GovFee > int64(pishkhan.MaxFee) || it.CounterFee > int64(pishkhan.MaxFee) {
		return fmt.Errorf("item %s: fee out of range", it.ID)
	}
	if it.Payment.Method != "cash" && it.Payment.Method != "card" {
		return fmt.Errorf("item %s: payment method %q", it.ID, it.Payment.Method)
	}
	if it.Payment.Amount != it.GovFee+it.CounterFee {
		return fmt.Errorf("item %s: payment %d differs from the fees %d", it.ID, it.Payment.Amount, it.GovFee+it.CounterFee)
	}
	if it.Clerk == "" || len(it.Clerk) > maxIDLen || it.CreatedAt.IsZero() {
		return fmt.Errorf("item %s: clerk and created_at are required", it.ID)
	}
	if len(it.Day) != 10 || len(it.Payment.TerminalRef) > 32 {
		return fmt.Errorf("item %s: day or terminal reference malformed", it.ID)
	}
	for name, v := range map[string]string{"first_name": it.FirstName, "last_name": it.LastName, "father_name": it.FatherName,
		"birth_date": it.BirthDate, "mobile": it.Mobile} {
		if err := checkText(name, v, maxNameLen); err != nil {
			return fmt.Errorf("item %s: %w", it.ID, err)
		}
	}
	if len(it.Fields) > maxFields {
		return fmt.Errorf("item %s: %d form fields, more than %d", it.ID, len(it.Fields), maxFields)
	}
	for k, v := range it.Fields {
		if k == "" || len(k) > maxIDLen || !printableASCII(k) {
			return fmt.Errorf("item %s: form field key %q", it.ID, k)
		}
		if err := checkText("field "+k, v, MaxFieldLen); err != nil {
			return fmt.Errorf("item %s: %w", it.ID, err)
		}
	}
	if len(it.Inquiries) > maxInquiries {
		return fmt.Errorf("item %s: %d inquiries, more than %d", it.ID, len(it.Inquiries), maxInquiries)
	}
	seen := make(map[string]bool, len(it.Inquiries))
	for _, q := range it.Inquiries {
		if q == "" || len(q) > maxIDLen || !printableASCII(q) || seen[q] {
			return fmt.Errorf("item %s: inquiry type %q missing, malformed or repeated", it.ID, q)
		}
		seen[q] = true
	}
	return nil
}

// BatchRequest is the body of POST /v1/requests/batch.
type BatchRequest struct {
	Items []Item `json:"items"`
}

// The per-item outcomes of a batch.
const (
	ItemAccepted  = "accepted"  // new, stored
	ItemDuplicate = "duplicate" // the same id and body were sent before; Original says what it got then
	ItemRejected  = "rejected"  // permanent: the exchange will never take this request; Reason says why
	ItemConflict  = "conflict"  // the id was sent before with another body; permanent, needs a person
	ItemDeferred  = "deferred"  // transient: not stored this time, send it again later
)

// ItemResult is the exchange's answer for one item of a batch, in the order
// of the batch.
type ItemResult struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	Original  string `json:"original,omitempty"`  // for duplicate: accepted or rejected
	Reason    string `json:"reason,omitempty"`    // English, for logs
	ReasonFa  string `json:"reason_fa,omitempty"` // Persian, for the clerk
	Permanent bool   `json:"permanent,omitempty"` // informational; rejected and conflict are always permanent
}

// Outcome is what the desk does with the item: accepted, rejected, conflict
// or deferred (a duplicate counts as its original answer).
func (r ItemResult) Outcome() string {
	if r.Status == ItemDuplicate {
		return r.Original
	}
	return r.Status
}

// BatchResponse is the answer to a batch: one result per item, same order.
type BatchResponse struct {
	Results []ItemResult `json:"results"`
}

// Update is one status change the exchange publishes for a request. Seq is
// the cursor: updates come in increasing Seq order.
type Update struct {
	Seq       int64           `json:"seq"`
	RequestID string          `json:"request_id"`
	State     string          `json:"state"` // in_progress | needs_action | done | refused
	Note      string          `json:"note,omitempty"`
	NoteFa    string          `json:"note_fa,omitempty"`
	Inquiries []InquiryResult `json:"inquiries,omitempty"`
	At        time.Time       `json:"at"`
}

// InquiryResult is the state of one inquiry of a request.
type InquiryResult struct {
	TypeID string `json:"type_id"`
	State  string `json:"state"` // pending | answered | failed
	Answer string `json:"answer,omitempty"`
}

// UpdatesResponse is the answer of GET /v1/updates?after=N&limit=M.
type UpdatesResponse struct {
	Updates []Update `json:"updates"`
	Next    int64    `json:"next"` // the cursor to ask from next time
	More    bool     `json:"more"` // more updates are ready now
}

// CatalogDelta is the answer of GET /v1/catalog?since=V: what changed from
// version Base to version Version. Base 0 (or Full) means the whole catalog:
// every entity is listed and nothing is deleted. Base == Version means no change.
type CatalogDelta struct {
	Base         int64                  `json:"base"`
	Version      int64                  `json:"version"`
	Full         bool                   `json:"full,omitempty"`
	Agencies     []pishkhan.Agency      `json:"agencies,omitempty"`
	Services     []pishkhan.Service     `json:"services,omitempty"`
	SubServices  []pishkhan.SubService  `json:"sub_services,omitempty"`
	InquiryTypes []pishkhan.InquiryType `json:"inquiry_types,omitempty"`
	Deleted      Deletions              `json:"deleted"`
}

// Deletions lists the ids that a catalog delta removes.
type Deletions struct {
	Agencies     []string `json:"agencies,omitempty"`
	Services     []string `json:"services,omitempty"`
	SubServices  []string `json:"sub_services,omitempty"`
	InquiryTypes []string `json:"inquiry_types,omitempty"`
}

// Apply returns the catalog that the delta makes of base, checked for
// integrity. base must be at version d.Base (nil when d.Full). base is not modified.
// A delta that lists an id twice, or both upserts and deletes it, is refused.
func (d *CatalogDelta) Apply(base *pishkhan.Catalog) (*pishkhan.Catalog, error) {
	out := &pishkhan.Catalog{Version: pishkhan.CatalogVersion(d.Version)}
	if !d.Full {
		if base == nil || int64(base.Version) != d.Base {
			have := int64(0)
			if base != nil {
				have = int64(base.Version)
			}
			return nil, fmt.Errorf("catalog delta is from version %d but the desk has version %d", d.Base, have)
		}
		// An id listed twice (two upserts, or an upsert and a deletion) has no
		// single meaning; merge would pick one silently.
		for _, err := range []error{
			distinct("agency", d.Agencies, d.Deleted.Agencies, func(a pishkhan.Agency) string { return a.ID }),
			distinct("service", d.Services, d.Deleted.Services, func(a pishkhan.Service) string { return a.ID }),
			distinct("sub-service", d.SubServices, d.Deleted.SubServices, func(a pishkhan.SubService) string { return a.ID }),
			distinct("inquiry type", d.InquiryTypes, d.Deleted.InquiryTypes, func(a pishkhan.InquiryType) string { return a.ID }),
		} {
			if err != nil {
				return nil, fmt.Errorf("catalog delta to version %d: %w", d.Version, err)
			}
		}
		out.Agencies = merge(base.Agencies, d.Agencies, d.Deleted.Agencies, func(a pishkhan.Agency) string { return a.ID })
		out.Services = merge(base.Services, d.Services, d.Deleted.Services, func(a pishkhan.Service) string { return a.ID })
		out.SubServices = merge(base.SubServices, d.SubServices, d.Deleted.SubServices, func(a pishkhan.SubService) string { return a.ID })
		out.InquiryTypes = merge(base.InquiryTypes, d.InquiryTypes, d.Deleted.InquiryTypes, func(a pishkhan.InquiryType) string { return a.ID })
	} else {
		out.Agencies, out.Services, out.SubServices, out.InquiryTypes = d.Agencies, d.Services, d.SubServices, d.InquiryTypes
	}
	if err := out.Check(); err != nil {
		return nil, fmt.Errorf("catalog version %d after the delta: %w", d.Version, err)
	}
	return out, nil
}

// distinct refuses an id that a delta upserts or deletes more than once,
// or both upserts and deletes.
func distinct[T any](kind string, upserts []T, deleted []string, id func(T) string) error {
	seen := make(map[string]bool, len(upserts)+len(deleted))
	ids := make([]string, 0, len(upserts)+len(deleted))
	for _, u := range upserts {
		ids = append(ids, id(u))
	}
	for _, k := range append(ids, deleted...) {
		if seen[k] {
			return fmt.Errorf("%s %q is listed twice", kind, k)
		}
		seen[k] = true
	}
	return nil
}

// merge replaces or appends the upserts in base's order and drops the
// deleted ids; new entities go at the end in the delta's order.
func merge[T any](base, upserts []T, deleted []string, id func(T) string) []T {
	up := make(map[string]int, len(upserts))
	for i, u := range upserts {
		up[id(u)] = i
	}
	del := make(map[string]bool, len(deleted))
	for _, d := range deleted {
		del[d] = true
	}
	out := make([]T, 0, len(base)+len(upserts))
	seen := make(map[string]bool, len(upserts))
	for _, b := range base {
		k := id(b)
		if del[k] {
			continue
		}
		if i, ok := up[k]; ok {
			out = append(out, upserts[i])
			seen[k] = true
			continue
		}
		out = append(out, b)
	}
	for _, u := range upserts {
		if k := id(u); !seen[k] && !del[k] {
			out = append(out, u)
			seen[k] = true
		}
	}
	return out
}

// DayClose is the body of POST /v1/day-closes: a desk's closed day.
type DayClose struct {
	Day          string    `json:"day"` // Jalali YYYY/MM/DD
	Requests     int       `json:"requests"`
	ExpectedCash int64     `json:"expected_cash"`
	CountedCash  int64     `json:"counted_cash"`
	CardTotal    int64     `json:"card_total"`
	ClosedBy     string    `json:"closed_by"`
	ClosedAt     time.Time `json:"closed_at"`
	Note         string    `json:"note,omitempty"`
}

// DayCloseResponse is the answer to a day-close upload: accepted, duplicate
// (the same close again) or conflict (the day was closed with other figures).
type DayCloseResponse struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// ErrorBody is the JSON body of every non-2xx answer.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is a machine code and messages in English and Persian.
type ErrorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	MessageFa string `json:"message_fa,omitempty"`
}

// Error codes in ErrorDetail.Code.
const (
	CodeBadRequest   = "bad_request"
	CodeBadSignature = "bad_signature"
	CodeReplayed     = "replayed"
	CodeUnknownKey   = "unknown_key"
	CodeRevoked      = "revoked"
	CodeBadEnrolCode = "bad_enrol_code"
	CodeTooLarge     = "too_large"
	CodeRateLimited  = "rate_limited"
	CodeUnavailable  = "unavailable"
	CodeInternal     = "internal"
	CodeStaleCatalog = "stale_catalog"
)

// decode reads one JSON value of at most limit bytes into v, refusing
// trailing data. Unknown fields are allowed from the server (a newer
// exchange may add some) and refused by the server (strict).
func decode(r io.Reader, limit int64, v any, strict bool) error {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	if int64(len(data)) > limit {
		return fmt.Errorf("body larger than %d bytes", limit)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decode JSON: %w", err)
	}
	if dec.More() {
		return errors.New("decode JSON: trailing data after the value")
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return errors.New("decode JSON: trailing data after the value")
	}
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

package exchange_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/sync/exchange"
)

// Table tests of every decoder: what each accepts and, above all, what it
// refuses. The fuzz targets (wire_fuzz_test.go) explore around these.

// padTo pads a JSON value with spaces to exactly n bytes.
func padTo(s string, n int) string { return s + strings.Repeat(" ", n-len(s)) }

// endless is a reader of spaces that never ends (an exchange that never stops talking).
type endless struct{ read int64 }

var spaces = bytes.Repeat([]byte{' '}, 32<<10)

func (e *endless) Read(p []byte) (int, error) {
	n := copy(p, spaces)
	e.read += int64(n)
	return n, nil
}

func TestDecodeHealth(t *testing.T) {
	good := `{"status":"ok","api_version":1,"server_time":"2026-11-28T06:30:00Z","catalog_version":2,"newer_field":true}`
	h, err := exchange.DecodeHealth(strings.NewReader(good))
	if err != nil || h.Status != "ok" || h.APIVersion != 1 || h.CatalogVersion != 2 ||
		!h.ServerTime.Equal(time.Date(2026, 11, 28, 6, 30, 0, 0, time.UTC)) {
		t.Fatalf("good health: %+v %v", h, err)
	}
	if _, err := exchange.DecodeHealth(strings.NewReader(padTo(good, 1<<16))); err != nil {
		t.Errorf("health of exactly 64 KiB refused: %v", err)
	}
	for name, s := range map[string]string{
		"empty":             ``,
		"not JSON":          `<html>503</html>`,
		"null":              `null`,
		"no status":         `{"api_version":1}`,
		"no api version":    `{"status":"ok"}`,
		"negative catalog":  `{"status":"ok","api_version":1,"catalog_version":-1}`,
		"trailing value":    good + `{}`,
		"trailing garbage":  good + `x`,
		"trailing bracket":  good + `]`,
		"an array":          `[` + good + `]`,
		"wrong type":        `{"status":"ok","api_version":"1"}`,
		"bad time":          `{"status":"ok","api_version":1,"server_time":"yesterday"}`,
		"one byte too many": padTo(good, 1<<16+1),
	} {
		if h, err := exchange.DecodeHealth(strings.NewReader(s)); err == nil {
			t.Errorf("%s: accepted %+v", name, h)
		}
	}
}

func TestDecodeEnrolResponse(t *testing.T) {
	good := `{"key_id":"k-12345-3-1","office_code":12345,"desk_number":3,"server_time":"2026-11-28T06:30:00Z","catalog_version":1}`
	e, err := exchange.DecodeEnrolResponse(strings.NewReader(good))
	if err != nil || e.KeyID != "k-12345-3-1" || e.OfficeCode != 12345 || e.DeskNumber != 3 || e.CatalogVersion != 1 {
		t.Fatalf("good enrol response: %+v %v", e, err)
	}
	for name, s := range map[string]string{
		"no key id":           `{"office_code":1}`,
		"key id with space":   `{"key_id":"k 1"}`,
		"key id with quote":   `{"key_id":"k\"1"}`,
		"key id with slash":   `{"key_id":"k\\1"}`,
		"key id non-ASCII":    `{"key_id":"کلید"}`,
		"key id too long":     `{"key_id":"` + strings.Repeat("k", 65) + `"}`,
		"negative catalog":    `{"key_id":"k","catalog_version":-1}`,
		"trailing data":       good + good,
		"larger than 64 KiB":  padTo(good, 1<<16+1),
		"key id control char": `{"key_id":"k\u0007"}`,
	} {
		if e, err := exchange.DecodeEnrolResponse(strings.NewReader(s)); err == nil {
			t.Errorf("%s: accepted %+v", name, e)
		}
	}
	if _, err := exchange.DecodeEnrolResponse(strings.NewReader(`{"key_id":"` + strings.Repeat("k", 64) + `"}`)); err != nil {
		t.Errorf("a key id of 64 characters refused: %v", err)
	}
}

func TestDecodeEnrolRequest(t *testing.T) {
	pub := bytes.Repeat([]byte{7}, 32)
	enc := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	good := exchange.EnrolRequest{OfficeCode: 12345, DeskNumber: 3, OneTimeCode: "48213377", PublicKey: pub}
	e, err := exchange.DecodeEnrolRequest(strings.NewReader(enc(good)))
	if err != nil || e.OfficeCode != 12345 || e.DeskNumber != 3 || !bytes.Equal(e.PublicKey, pub) || e.OneTimeCode != "48213377" {
		t.Fatalf("good enrol request: %+v %v", e, err)
	}
	edges := []exchange.EnrolRequest{
		{OfficeCode: 1, DeskNumber: 1, OneTimeCode: "1", PublicKey: pub},
		{OfficeCode: 99999, DeskNumber: 99, OneTimeCode: strings.Repeat("9", 64), PublicKey: pub},
	}
	for _, r := range edges {
		if _, err := exchange.DecodeEnrolRequest(strings.NewReader(enc(r))); err != nil {
			t.Errorf("edge %+v refused: %v", r, err)
		}
	}
	with := func(f func(*exchange.EnrolRequest)) string { r := good; f(&r); return enc(r) }
	for name, s := range map[string]string{
		"office 0":        with(func(r *exchange.EnrolRequest) { r.OfficeCode = 0 }),
		"office 100000":   with(func(r *exchange.EnrolRequest) { r.OfficeCode = 100000 }),
		"desk 0":          with(func(r *exchange.EnrolRequest) { r.DeskNumber = 0 }),
		"desk 100":        with(func(r *exchange.EnrolRequest) { r.DeskNumber = 100 }),
		"no code":         with(func(r *exchange.EnrolRequest) { r.OneTimeCode = "" }),
		"code too long":   with(func(r *exchange.EnrolRequest) { r.OneTimeCode = strings.Repeat("9", 65) }),
		"key of 31 bytes": with(func(r *exchange.EnrolRequest) { r.PublicKey = pub[:31] }),
		"key of 33 bytes": with(func(r *exchange.EnrolRequest) { r.PublicKey = append(pub, 1) }),
		"no key":          with(func(r *exchange.EnrolRequest) { r.PublicKey = nil }),
		"key not base64":  `{"office_code":1,"desk_number":1,"one_time_code":"1","public_key":"!!"}`,
		"unknown field":   strings.Replace(enc(good), `{`, `{"role":"admin",`, 1),
		"trailing data":   enc(good) + `{}`,
	} {
		if e, err := exchange.DecodeEnrolRequest(strings.NewReader(s)); err == nil {
			t.Errorf("%s: accepted %+v", name, e)
		}
	}
}

// goodItem is a batch item that passes Validate.
func goodItem(id string) exchange.Item {
	at := time.Date(2026, 11, 28, 6, 30, 0, 123456789, time.UTC)
	return exchange.Item{
		ID: id, TrackingCode: "123450305090700015", Day: "1405/09/07", CreatedAt: at,
		NationalCode: "0012345679", FirstName: "زهرا", LastName: "احمدی", Mobile: "09121234567",
		SubServiceID: "ss-0012", CatalogVersion: 1,
		Fields: map[string]string{"plate": "12ب345-67", "address": "تهران\nخیابان انقلاب"},
		GovFee: 10_000, CounterFee: 50_000, Inquiries: []string{"iq-0007", "iq-0001"},
		Payment: exchange.Payment{Method: "card", Amount: 60_000, TerminalRef: "1234567890", PaidAt: at},
		Clerk:   "operator1",
	}
}

func TestDecodeBatchRequest(t *testing.T) {
	enc := func(items ...exchange.Item) string {
		b, _ := json.Marshal(exchange.BatchRequest{Items: items})
		return string(b)
	}
	a, b := goodItem(fuzzIDs[0]), goodItem(fuzzIDs[1])
	got, err := exchange.DecodeBatchRequest(strings.NewReader(enc(a, b)))
	if err != nil || len(got.Items) != 2 || normal(t, got.Items[0]) != normal(t, a) || normal(t, got.Items[1]) != normal(t, b) {
		t.Fatalf("good batch: %v", err)
	}
	// The item's canonical JSON (what the exchange deduplicates by) is
	// stable: decoding the desk's encoding and encoding again gives the same bytes.
	want, _ := json.Marshal(a)
	if again, _ := json.Marshal(got.Items[0]); !bytes.Equal(again, want) {
		t.Errorf("canonical JSON changed through the decoder:\n%s\n%s", want, again)
	}
	many := make([]exchange.Item, exchange.MaxBatchItems)
	for i := range many {
		many[i] = goodItem(fmt.Sprintf("019ac9f2-6a3e-7c41-9d2b-%012x", i))
	}
	if got, err := exchange.DecodeBatchRequest(strings.NewReader(enc(many...))); err != nil || len(got.Items) != exchange.MaxBatchItems {
		t.Errorf("a batch of %d items refused: %v", exchange.MaxBatchItems, err)
	}
	bad := func(f func(*exchange.Item)) string { it := goodItem(fuzzIDs[2]); f(&it); return enc(a, it) }
	for name, s := range map[string]string{
		"no items":              `{"items":[]}`,
		"null items":            `{"items":null}`,
		"too many items":        enc(append(many, goodItem(fuzzIDs[3]))...),
		"same id twice":         enc(a, a),
		"unknown field":         strings.Replace(enc(a), `"clerk"`, `"priority":1,"clerk"`, 1),
		"unknown top field":     strings.Replace(enc(a), `{"items"`, `{"force":true,"items"`, 1),
		"trailing data":         enc(a) + `{}`,
		"id not a UUID":         bad(func(it *exchange.Item) { it.ID = "42" }),
		"tracking code short":   bad(func(it *exchange.Item) { it.TrackingCode = "12345" }),
		"tracking code letters": bad(func(it *exchange.Item) { it.TrackingCode = "12345030509070001x" }),
		"national code short":   bad(func(it *exchange.Item) { it.NationalCode = "001234567" }),
		"no sub-service":        bad(func(it *exchange.Item) { it.SubServiceID = "" }),
		"catalog version 0":     bad(func(it *exchange.Item) { it.CatalogVersion = 0 }),
		"negative fee":          bad(func(it *exchange.Item) { it.GovFee = -1; it.Payment.Amount = 49_999 }),
		"fee above the maximum": bad(func(it *exchange.Item) {
			it.GovFee = int64(pishkhan.MaxFee) + 1
			it.Payment.Amount = it.GovFee + it.CounterFee
		}),
		"payment differs":   bad(func(it *exchange.Item) { it.Payment.Amount++ }),
		"payment method":    bad(func(it *exchange.Item) { it.Payment.Method = "cheque" }),
		"no clerk":          bad(func(it *exchange.Item) { it.Clerk = "" }),
		"no created_at":     bad(func(it *exchange.Item) { it.CreatedAt = time.Time{} }),
		"day malformed":     bad(func(it *exchange.Item) { it.Day = "1405/9/7" }),
		"terminal ref long": bad(func(it *exchange.Item) { it.Payment.TerminalRef = strings.Repeat("1", 33) }),
		"name control char": bad(func(it *exchange.Item) { it.FirstName = "زهرا\x1b[2J" }),
		"name too long":     bad(func(it *exchange.Item) { it.LastName = strings.Repeat("ی", 201) }),
		"field key empty":   bad(func(it *exchange.Item) { it.Fields[""] = "x" }),
		"field key spaced":  bad(func(it *exchange.Item) { it.Fields["a b"] = "x" }),
		"field value long":  bad(func(it *exchange.Item) { it.Fields["note"] = strings.Repeat("x", exchange.MaxFieldLen+1) }),
		"inquiry repeated":  bad(func(it *exchange.Item) { it.Inquiries = []string{"iq-1", "iq-1"} }),
		"inquiry empty":     bad(func(it *exchange.Item) { it.Inquiries = []string{""} }),
	} {
		if _, err := exchange.DecodeBatchRequest(strings.NewReader(s)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestDecodeBatchResponse(t *testing.T) {
	items := []exchange.Item{{ID: fuzzIDs[0]}, {ID: fuzzIDs[1]}, {ID: fuzzIDs[2]}}
	res := func(rs ...string) string { return `{"results":[` + strings.Join(rs, ",") + `]}` }
	r := func(i int, rest string) string { return `{"id":"` + fuzzIDs[i] + `"` + rest + `}` }
	good := res(r(0, `,"status":"accepted"`), r(1, `,"status":"duplicate","original":"rejected","reason":"bad","reason_fa":"کد ملی معتبر نیست."`),
		r(2, `,"status":"rejected","reason":"bad","reason_fa":"نادرست\nاست","permanent":true,"newer":1`))
	b, err := exchange.DecodeBatchResponse(strings.NewReader(good), items)
	if err != nil {
		t.Fatalf("good answer: %v", err)
	}
	if got := []string{b.Results[0].Outcome(), b.Results[1].Outcome(), b.Results[2].Outcome()}; strings.Join(got, " ") != "accepted rejected rejected" {
		t.Errorf("outcomes %v", got)
	}
	if !b.Results[2].Permanent || b.Results[1].ReasonFa != "کد ملی معتبر نیست." {
		t.Errorf("fields lost: %+v", b.Results)
	}
	other := res(r(0, `,"status":"conflict","reason_fa":"`+strings.Repeat("ی", exchange.MaxReasonLen)+`"`), r(1, `,"status":"deferred"`),
		r(2, `,"status":"duplicate","original":"accepted"`))
	if b, err := exchange.DecodeBatchResponse(strings.NewReader(other), items); err != nil ||
		b.Results[0].Outcome() != "conflict" || b.Results[1].Outcome() != "deferred" || b.Results[2].Outcome() != "accepted" {
		t.Errorf("conflict, deferred, duplicate of accepted: %+v %v", b, err)
	}
	if _, err := exchange.DecodeBatchResponse(strings.NewReader(`{"results":[]}`), nil); err != nil {
		t.Errorf("no results for no items: %v", err)
	}
	ok := `,"status":"accepted"`
	for name, s := range map[string]string{
		"fewer results":              res(r(0, ok), r(1, ok)),
		"more results":               res(r(0, ok), r(1, ok), r(2, ok), r(2, ok)),
		"no results":                 `{}`,
		"out of order":               res(r(1, ok), r(0, ok), r(2, ok)),
		"an id twice":                res(r(0, ok), r(0, ok), r(2, ok)),
		"unknown status":             res(r(0, ok), r(1, `,"status":"ok"`), r(2, ok)),
		"empty status":               res(r(0, ok), r(1, ``), r(2, ok)),
		"status in capitals":         res(r(0, `,"status":"ACCEPTED"`), r(1, ok), r(2, ok)),
		"duplicate without original": res(r(0, ok), r(1, `,"status":"duplicate"`), r(2, ok)),
		"duplicate of a conflict":    res(r(0, ok), r(1, `,"status":"duplicate","original":"conflict"`), r(2, ok)),
		"duplicate of a deferral":    res(r(0, ok), r(1, `,"status":"duplicate","original":"deferred"`), r(2, ok)),
		"duplicate of a duplicate":   res(r(0, ok), r(1, `,"status":"duplicate","original":"duplicate"`), r(2, ok)),
		"reason with bell":           res(r(0, ok), r(1, `,"status":"rejected","reason":"a\u0007b"`), r(2, ok)),
		"reason_fa with escape":      res(r(0, ok), r(1, `,"status":"rejected","reason_fa":"\u001b[31m"`), r(2, ok)),
		"reason_fa with C1 control":  res(r(0, ok), r(1, `,"status":"rejected","reason_fa":"\u0085"`), r(2, ok)),
		"reason with CR":             res(r(0, ok), r(1, `,"status":"rejected","reason":"a\rb"`), r(2, ok)),
		"reason too long":            res(r(0, ok), r(1, `,"status":"rejected","reason":"`+strings.Repeat("x", exchange.MaxReasonLen+1)+`"`), r(2, ok)),
		"trailing data":              good + `{"results":[]}`,
		"not JSON":                   `<html>`,
	} {
		if b, err := exchange.DecodeBatchResponse(strings.NewReader(s), items); err == nil {
			t.Errorf("%s: accepted %+v", name, b)
		}
	}
}

// TestDecodersStopAtTheLimit gives every decoder a valid value followed by
// endless whitespace: each refuses it after reading little more than its
// limit; the decoders with a 64 KiB limit accept the same value padded to
// exactly that limit.
func TestDecodersStopAtTheLimit(t *testing.T) {
	items := []exchange.Item{{ID: fuzzIDs[0]}}
	batch, _ := json.Marshal(exchange.BatchRequest{Items: []exchange.Item{goodItem(fuzzIDs[0])}})
	for _, c := range []struct {
		name  string
		value string
		limit int64
		dec   func(io.Reader) error
	}{
		{"health", `{"status":"ok","api_version":1}`, 1 << 16, func(r io.Reader) error { _, err := exchange.DecodeHealth(r); return err }},
		{"enrol response", `{"key_id":"k"}`, 1 << 16, func(r io.Reader) error { _, err := exchange.DecodeEnrolResponse(r); return err }},
		{"day close response", `{"status":"accepted"}`, 1 << 16, func(r io.Reader) error { _, err := exchange.DecodeDayCloseResponse(r); return err }},
		{"batch request", string(batch), exchange.MaxRequestBytes, func(r io.Reader) error { _, err := exchange.DecodeBatchRequest(r); return err }},
		{"batch response", `{"results":[{"id":"` + fuzzIDs[0] + `","status":"accepted"}]}`, exchange.MaxResponseBytes,
			func(r io.Reader) error { _, err := exchange.DecodeBatchResponse(r, items); return err }},
		{"updates", `{"updates":[],"next":0}`, exchange.MaxResponseBytes, func(r io.Reader) error { _, err := exchange.DecodeUpdates(r, 0); return err }},
		{"catalog", `{"base":1,"version":1}`, exchange.MaxResponseBytes, func(r io.Reader) error { _, err := exchange.DecodeCatalogDelta(r, 1); return err }},
		{"error", `{"error":{"code":"internal"}}`, 1 << 16, func(r io.Reader) error {
			if exchange.DecodeError(r).Code == "" {
				return errors.New("no code")
			}
			return nil
		}},
	} {
		if raceEnabled && c.limit > exchange.MaxRequestBytes {
			continue // reading 64 MiB takes seconds under -race; a plain go test checks these
		}
		e := &endless{}
		if err := c.dec(io.MultiReader(strings.NewReader(c.value), e)); err == nil {
			t.Errorf("%s: an endless body accepted", c.name)
		}
		if read := int64(len(c.value)) + e.read; read > c.limit+64<<10 {
			t.Errorf("%s: read %d bytes of an endless body, limit %d", c.name, read, c.limit)
		}
		if c.limit > 1<<16 {
			continue // the limit is checked by the same code; parsing megabytes of spaces is slow under -race
		}
		if err := c.dec(io.MultiReader(strings.NewReader(c.value), io.LimitReader(&endless{}, c.limit-int64(len(c.value))))); err != nil {
			t.Errorf("%s: a body of exactly %d bytes refused: %v", c.name, c.limit, err)
		}
	}
}

func TestDecodeUpdates(t *testing.T) {
	const after = 10
	u := func(seq int64, rest string) string {
		return fmt.Sprintf(`{"seq":%d,"request_id":"%s","state":"in_progress","at":"2026-11-28T06:30:00Z"%s}`, seq, fuzzIDs[0], rest)
	}
	ups := func(next int64, more bool, list ...string) string {
		return fmt.Sprintf(`{"updates":[%s],"next":%d,"more":%v}`, strings.Join(list, ","), next, more)
	}
	good := ups(42, true,
		u(11, `,"note_fa":"رسیدگی آغاز شد.","inquiries":[{"type_id":"iq-0001","state":"pending"},{"type_id":"iq-0007","state":"failed"}]`),
		u(12, `,"state":"needs_action","note":"documents\nneeded"`),
		u(40, `,"state":"done","inquiries":[{"type_id":"iq-0001","state":"answered","answer":"`+strings.Repeat("ت", exchange.MaxAnswerLen)+`"}]`),
		u(42, `,"state":"refused","note_fa":"`+strings.Repeat("ر", exchange.MaxReasonLen)+`"`))
	got, err := exchange.DecodeUpdates(strings.NewReader(good), after)
	if err != nil {
		t.Fatalf("good updates: %v", err)
	}
	var states []string
	for _, up := range got.Updates {
		states = append(states, string(exchange.UpdateStates[up.State]))
	}
	if len(got.Updates) != 4 || got.Next != 42 || !got.More || got.Updates[2].Inquiries[0].State != "answered" {
		t.Errorf("decoded %+v", got)
	}
	if want := []pishkhan.RequestState{pishkhan.StateInProgress, pishkhan.StateNeedsAction, pishkhan.StateDone, pishkhan.StateRefused}; fmt.Sprint(states) != fmt.Sprint(want) {
		t.Errorf("states %v, want %v", states, want)
	}
	for name, s := range map[string]string{
		"nothing new":           ups(after, false),
		"next past the last":    ups(50, false, u(11, ``)), // the exchange may skip unpublished numbers
		"first seq just above":  ups(11, false, u(11, ``)),
		"nothing, next ahead":   ups(12, false),
		"null updates":          `{"updates":null,"next":10}`,
		"newline in a note":     ups(11, false, u(11, `,"note":"a\nb"`)),
		"unknown field ignored": ups(11, false, u(11, `,"priority":"high"`)),
	} {
		if _, err := exchange.DecodeUpdates(strings.NewReader(s), after); err != nil {
			t.Errorf("%s: refused: %v", name, err)
		}
	}
	many := make([]string, exchange.MaxUpdates+1)
	for i := range many {
		many[i] = u(int64(after+1+i), ``)
	}
	manyInquiries := strings.Repeat(`{"type_id":"iq-1","state":"pending"},`, 1001)
	for name, s := range map[string]string{
		"seq at the cursor":        ups(10, false, u(10, ``)),
		"seq below the cursor":     ups(11, false, u(9, ``), u(11, ``)),
		"seq repeated":             ups(12, false, u(11, ``), u(11, ``)),
		"seq going back":           ups(13, false, u(13, ``), u(12, ``)),
		"next behind the last":     ups(11, false, u(11, ``), u(12, ``)),
		"next behind the cursor":   ups(9, false),
		"more but nothing":         ups(10, true),
		"state accepted":           ups(11, false, u(11, `,"state":"accepted"`)),
		"state in capitals":        ups(11, false, u(11, `,"state":"DONE"`)),
		"state empty":              ups(11, false, u(11, `,"state":""`)),
		"request id not a UUID":    ups(11, false, `{"seq":11,"request_id":"r-1","state":"done"}`),
		"request id missing":       ups(11, false, `{"seq":11,"state":"done"}`),
		"inquiry state unknown":    ups(11, false, u(11, `,"inquiries":[{"type_id":"iq-1","state":"lost"}]`)),
		"inquiry without type":     ups(11, false, u(11, `,"inquiries":[{"type_id":"","state":"pending"}]`)),
		"inquiry type too long":    ups(11, false, u(11, `,"inquiries":[{"type_id":"`+strings.Repeat("q", 65)+`","state":"pending"}]`)),
		"too many inquiries":       ups(11, false, u(11, `,"inquiries":[`+strings.TrimSuffix(manyInquiries, ",")+`]`)),
		"answer with NUL":          ups(11, false, u(11, `,"inquiries":[{"type_id":"iq-1","state":"answered","answer":"a\u0000"}]`)),
		"answer too long":          ups(11, false, u(11, `,"inquiries":[{"type_id":"iq-1","state":"answered","answer":"`+strings.Repeat("x", exchange.MaxAnswerLen+1)+`"}]`)),
		"note with escape":         ups(11, false, u(11, `,"note":"\u001b]0;pwned\u0007"`)),
		"note with DEL":            ups(11, false, u(11, `,"note":"a\u007fb"`)),
		"note_fa with C1 control":  ups(11, false, u(11, `,"note_fa":"\u009b2J"`)),
		"note_fa with tab":         ups(11, false, u(11, `,"note_fa":"a\tb"`)),
		"note too long":            ups(11, false, u(11, `,"note":"`+strings.Repeat("x", exchange.MaxReasonLen+1)+`"`)),
		"note_fa too long":         ups(11, false, u(11, `,"note_fa":"`+strings.Repeat("ی", exchange.MaxReasonLen+1)+`"`)),
		"more than MaxUpdates":     ups(int64(after+len(many)), false, many...),
		"trailing data":            good + `x`,
		"two values":               good + good,
		"not an object":            `[]`,
		"seq as a string":          ups(11, false, `{"seq":"11","request_id":"`+fuzzIDs[0]+`","state":"done"}`),
		"seq beyond int64":         ups(11, false, `{"seq":9223372036854775808,"request_id":"`+fuzzIDs[0]+`","state":"done"}`),
		"empty body":               ``,
		"only whitespace":          "  \n",
		"next missing, one update": `{"updates":[` + u(11, ``) + `]}`,
	} {
		if got, err := exchange.DecodeUpdates(strings.NewReader(s), after); err == nil {
			t.Errorf("%s: accepted %+v", name, got)
		}
	}
}

func TestDecodeCatalogDelta(t *testing.T) {
	const since = 3
	for name, s := range map[string]string{
		"unchanged":                      `{"base":3,"version":3,"deleted":{}}`,
		"delta":                          `{"base":3,"version":5,"sub_services":[{"id":"ss-1","service_id":"sv-1","name":"x","fields":[]}],"deleted":{"sub_services":["ss-2"],"agencies":["ag-9"]}}`,
		"deletions":                      `{"base":3,"version":4,"deleted":{"inquiry_types":["iq-1"]}}`,
		"full":                           `{"base":0,"version":5,"full":true,"agencies":[{"id":"a","name":"n"}]}`,
		"full, same version as the desk": `{"base":0,"version":3,"full":true}`,
		"newer fields":                   `{"base":3,"version":4,"signature":"x"}`,
	} {
		if _, err := exchange.DecodeCatalogDelta(strings.NewReader(s), since); err != nil {
			t.Errorf("%s: refused: %v", name, err)
		}
	}
	if d, err := exchange.DecodeCatalogDelta(strings.NewReader(`{"base":0,"version":1,"full":true}`), 0); err != nil || !d.Full || d.Version != 1 {
		t.Errorf("the first full catalog: %+v %v", d, err)
	}
	for name, s := range map[string]string{
		"version 0":                 `{"base":3,"version":0}`,
		"negative version":          `{"base":3,"version":-1}`,
		"no version":                `{"base":3}`,
		"full with a base":          `{"base":3,"version":5,"full":true}`,
		"delta from another base":   `{"base":2,"version":5}`,
		"delta from a later base":   `{"base":4,"version":5}`,
		"going back":                `{"base":3,"version":2}`,
		"full going back":           `{"base":0,"version":2,"full":true}`,
		"full that deletes":         `{"base":0,"version":5,"full":true,"deleted":{"services":["sv-1"]}}`,
		"unchanged with upserts":    `{"base":3,"version":3,"agencies":[{"id":"a","name":"n"}]}`,
		"unchanged with deletions":  `{"base":3,"version":3,"deleted":{"sub_services":["ss-1"]}}`,
		"trailing data":             `{"base":3,"version":3}{}`,
		"not JSON":                  `version 3`,
		"version as a string":       `{"base":3,"version":"4"}`,
		"upserts of the wrong type": `{"base":3,"version":4,"agencies":{"id":"a"}}`,
	} {
		if d, err := exchange.DecodeCatalogDelta(strings.NewReader(s), since); err == nil {
			t.Errorf("%s: accepted %+v", name, d)
		}
	}
}

func TestDecodeDayClose(t *testing.T) {
	good := exchange.DayClose{Day: "1405/09/07", Requests: 84, ExpectedCash: 41_250_000, CountedCash: 41_200_000, CardTotal: 96_300_000,
		ClosedBy: "modir", ClosedAt: time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC), Note: "۵۰ هزار ریال کسری"}
	b, _ := json.Marshal(good)
	got, err := exchange.DecodeDayClose(bytes.NewReader(b))
	if err != nil || normal(t, got) != string(b) {
		t.Fatalf("good day close: %+v %v", got, err)
	}
	zero := good
	zero.Requests, zero.ExpectedCash, zero.CountedCash, zero.CardTotal = 0, 0, 0, 0
	if _, err := exchange.DecodeDayClose(strings.NewReader(normal(t, zero))); err != nil {
		t.Errorf("a day with nothing refused: %v", err)
	}
	with := func(f func(*exchange.DayClose)) string { d := good; f(&d); return normal(t, d) }
	for name, s := range map[string]string{
		"day malformed":     with(func(d *exchange.DayClose) { d.Day = "1405/9/7" }),
		"negative requests": with(func(d *exchange.DayClose) { d.Requests = -1 }),
		"negative expected": with(func(d *exchange.DayClose) { d.ExpectedCash = -1 }),
		"negative counted":  with(func(d *exchange.DayClose) { d.CountedCash = -1 }),
		"negative card":     with(func(d *exchange.DayClose) { d.CardTotal = -1 }),
		"nobody closed it":  with(func(d *exchange.DayClose) { d.ClosedBy = "" }),
		"unknown field":     strings.Replace(string(b), `{`, `{"approved":true,`, 1),
		"trailing data":     string(b) + "0",
		"over 64 KiB":       padTo(string(b), 1<<16+1),
		"a fractional sum":  strings.Replace(string(b), `"card_total":96300000`, `"card_total":963000.5`, 1),
	} {
		if d, err := exchange.DecodeDayClose(strings.NewReader(s)); err == nil {
			t.Errorf("%s: accepted %+v", name, d)
		}
	}
}

func TestDecodeDayCloseResponse(t *testing.T) {
	for _, s := range []string{exchange.ItemAccepted, exchange.ItemDuplicate, exchange.ItemConflict} {
		if r, err := exchange.DecodeDayCloseResponse(strings.NewReader(`{"status":"` + s + `","reason":"روز با ارقام دیگری بسته شده است."}`)); err != nil || r.Status != s {
			t.Errorf("%s: %+v %v", s, r, err)
		}
	}
	for name, s := range map[string]string{
		"rejected":          `{"status":"rejected"}`,
		"deferred":          `{"status":"deferred"}`,
		"no status":         `{}`,
		"reason with ESC":   `{"status":"conflict","reason":"\u001b[0m"}`,
		"reason too long":   `{"status":"conflict","reason":"` + strings.Repeat("x", exchange.MaxReasonLen+1) + `"}`,
		"trailing data":     `{"status":"accepted"}{"status":"accepted"}`,
		"over 64 KiB":       padTo(`{"status":"accepted"}`, 1<<16+1),
		"status wrong type": `{"status":1}`,
	} {
		if r, err := exchange.DecodeDayCloseResponse(strings.NewReader(s)); err == nil {
			t.Errorf("%s: accepted %+v", name, r)
		}
	}
}

func TestDecodeError(t *testing.T) {
	good := `{"error":{"code":"rate_limited","message":"retry in 2 s","message_fa":"کمی بعد دوباره تلاش کنید.","hint":"x"}}`
	if e := exchange.DecodeError(strings.NewReader(good)); e.Code != exchange.CodeRateLimited || e.Message != "retry in 2 s" || e.MessageFa == "" {
		t.Errorf("good error body: %+v", e)
	}
	for name, s := range map[string]string{
		"empty":                 ``,
		"HTML of a proxy":       `<html><body>502 Bad Gateway</body></html>`,
		"plain text":            `upstream connect error`,
		"a bare string":         `"internal"`,
		"error as a string":     `{"error":"internal"}`,
		"code with space":       `{"error":{"code":"rate limited"}}`,
		"code with quote":       `{"error":{"code":"a\"b"}}`,
		"code too long":         `{"error":{"code":"` + strings.Repeat("c", 65) + `"}}`,
		"message with ESC":      `{"error":{"code":"internal","message":"\u001b[2J"}}`,
		"message_fa with bell":  `{"error":{"code":"internal","message_fa":"\u0007"}}`,
		"message too long":      `{"error":{"code":"internal","message":"` + strings.Repeat("m", exchange.MaxReasonLen+1) + `"}}`,
		"trailing data":         good + `<html>`,
		"larger than 64 KiB":    padTo(good, 1<<16+1),
		"an error body, then 0": good + `0`,
	} {
		if e := exchange.DecodeError(strings.NewReader(s)); e != (exchange.ErrorDetail{}) {
			t.Errorf("%s: gave %+v, want an empty detail", name, e)
		}
	}
}

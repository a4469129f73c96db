package exchange_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/democatalog"
	"github.com/pishkhan/pishkhan/sync/exchange"
)

// The fuzz targets below feed arbitrary bytes to every decoder of what one
// side sends the other. Each checks properties of what it accepts, not only
// that nothing panics: what a decoder lets through is applied to a database.

var fuzzIDs = []string{
	"019ac9f2-6a3e-7c41-9d2b-2f6e8a1b3c4d", "019ac9f2-6a3e-7c41-9d2b-2f6e8a1b3c4e",
	"019ac9f2-6a3e-7c41-9d2b-2f6e8a1b3c4f", "019ac9f2-6a3e-7c41-9d2b-2f6e8a1b3c50",
}

// roundTrip re-encodes v and decodes it again with dec: a value a decoder
// accepted must survive its own encoding unchanged.
func roundTrip[T any](t *testing.T, v T, dec func([]byte) (T, error)) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("re-encode %+v: %v", v, err)
	}
	again, err := dec(b)
	if err != nil {
		t.Fatalf("re-encoded value refused: %v\n%s", err, b)
	}
	if !reflect.DeepEqual(normal(t, v), normal(t, again)) {
		t.Fatalf("round trip changed the value:\n%+v\n%+v", v, again)
	}
}

// normal compares values by their JSON (nil and empty slices alike).
func normal(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func FuzzWireHealth(f *testing.F) {
	f.Add(`{"status":"ok","api_version":1,"server_time":"2026-11-28T10:00:00Z","catalog_version":3}`)
	f.Add(`{"status":"","api_version":0}`)
	f.Fuzz(func(t *testing.T, s string) {
		h, err := exchange.DecodeHealth(strings.NewReader(s))
		if err != nil {
			return
		}
		if h.Status == "" || h.APIVersion <= 0 || h.CatalogVersion < 0 {
			t.Fatalf("accepted %+v", h)
		}
	})
}

func FuzzWireEnrolResponse(f *testing.F) {
	f.Add(`{"key_id":"k-12345-3-1","office_code":12345,"desk_number":3,"server_time":"2026-11-28T10:00:00Z","catalog_version":1}`)
	f.Add(`{"key_id":"a\"b"}`)
	f.Fuzz(func(t *testing.T, s string) {
		e, err := exchange.DecodeEnrolResponse(strings.NewReader(s))
		if err != nil {
			return
		}
		if e.KeyID == "" || len(e.KeyID) > 64 || strings.ContainsAny(e.KeyID, "\" \\\n") {
			t.Fatalf("accepted key id %q, which would break the Signature-Input header", e.KeyID)
		}
		roundTrip(t, e, func(b []byte) (exchange.EnrolResponse, error) {
			return exchange.DecodeEnrolResponse(bytes.NewReader(b))
		})
	})
}

func FuzzWireBatchResponse(f *testing.F) {
	f.Add(uint8(2), `{"results":[{"id":"`+fuzzIDs[0]+`","status":"accepted"},{"id":"`+fuzzIDs[1]+`","status":"duplicate","original":"rejected","reason":"x","reason_fa":"ی"}]}`)
	f.Add(uint8(1), `{"results":[{"id":"`+fuzzIDs[0]+`","status":"deferred"}]}`)
	f.Add(uint8(3), `{"results":[]}`)
	f.Fuzz(func(t *testing.T, n uint8, s string) {
		items := make([]exchange.Item, 1+int(n)%len(fuzzIDs))
		for i := range items {
			items[i].ID = fuzzIDs[i]
		}
		b, err := exchange.DecodeBatchResponse(strings.NewReader(s), items)
		if err != nil {
			return
		}
		if len(b.Results) != len(items) {
			t.Fatalf("%d results for %d items", len(b.Results), len(items))
		}
		for i, r := range b.Results {
			if r.ID != items[i].ID {
				t.Fatalf("result %d for %s, want %s", i, r.ID, items[i].ID)
			}
			switch r.Outcome() {
			case exchange.ItemAccepted, exchange.ItemRejected, exchange.ItemConflict, exchange.ItemDeferred:
			default:
				t.Fatalf("outcome %q of %+v", r.Outcome(), r)
			}
		}
		roundTrip(t, b, func(x []byte) (exchange.BatchResponse, error) {
			return exchange.DecodeBatchResponse(bytes.NewReader(x), items)
		})
	})
}

func FuzzWireUpdates(f *testing.F) {
	f.Add(int64(0), `{"updates":[{"seq":1,"request_id":"`+fuzzIDs[0]+`","state":"in_progress","inquiries":[{"type_id":"iq-0001","state":"answered","answer":"تأیید شد"}],"at":"2026-11-28T10:00:00Z"}],"next":1}`)
	f.Add(int64(5), `{"updates":[{"seq":6,"request_id":"`+fuzzIDs[1]+`","state":"needs_action","note_fa":"مدارک"},{"seq":9,"request_id":"`+fuzzIDs[1]+`","state":"done"}],"next":9,"more":true}`)
	f.Add(int64(3), `{"updates":[{"seq":2,"request_id":"x","state":"done"}],"next":1}`)
	f.Fuzz(func(t *testing.T, after int64, s string) {
		u, err := exchange.DecodeUpdates(strings.NewReader(s), after)
		if err != nil {
			return
		}
		last := after
		for _, up := range u.Updates {
			if up.Seq <= last {
				t.Fatalf("seq %d after %d accepted", up.Seq, last)
			}
			last = up.Seq
			if _, ok := exchange.UpdateStates[up.State]; !ok {
				t.Fatalf("state %q accepted", up.State)
			}
			if _, err := pishkhan.ParseID(up.RequestID); err != nil {
				t.Fatalf("request id %q accepted", up.RequestID)
			}
			for _, q := range up.Inquiries {
				switch pishkhan.InquiryState(q.State) {
				case pishkhan.InquiryPending, pishkhan.InquiryAnswered, pishkhan.InquiryFailed:
				default:
					t.Fatalf("inquiry state %q accepted", q.State)
				}
				if strings.ContainsAny(q.Answer, "\x00\r\x1b") {
					t.Fatalf("control character in answer %q accepted", q.Answer)
				}
			}
		}
		if u.Next < last {
			t.Fatalf("next %d behind the last update %d", u.Next, last)
		}
		roundTrip(t, u, func(b []byte) (exchange.UpdatesResponse, error) {
			return exchange.DecodeUpdates(bytes.NewReader(b), after)
		})
	})
}

func FuzzWireCatalogDelta(f *testing.F) {
	v1 := democatalog.Version1()
	f.Add(int64(1), `{"base":1,"version":1}`)
	f.Add(int64(1), `{"base":1,"version":2,"sub_services":[{"id":"ss-0001","service_id":"sv-0001","name":"x","fields":[],"gov_fee":1,"counter_fee":2}],"deleted":{"sub_services":["ss-0002"]}}`)
	f.Add(int64(0), `{"base":0,"version":1,"full":true,"agencies":[{"id":"a","name":"b"}],"services":[{"id":"s","agency_id":"a","name":"c"}],"sub_services":[{"id":"ss","service_id":"s","name":"d","fields":[]}]}`)
	f.Add(int64(1), `{"base":1,"version":2,"deleted":{"agencies":["ag-001"]}}`)
	f.Fuzz(func(t *testing.T, since int64, s string) {
		d, err := exchange.DecodeCatalogDelta(strings.NewReader(s), since)
		if err != nil {
			return
		}
		if d.Version < since || (!d.Full && d.Base != since) || d.Version <= 0 {
			t.Fatalf("accepted delta %d→%d for since %d", d.Base, d.Version, since)
		}
		base := v1
		if d.Full {
			base = nil
		} else if since != 1 {
			return
		}
		before := normal(t, v1)
		cat, err := d.Apply(base)
		if normal(t, v1) != before {
			t.Fatal("Apply modified its base catalog")
		}
		if err == nil {
			if err := cat.Check(); err != nil || int64(cat.Version) != d.Version {
				t.Fatalf("Apply returned an unchecked catalog: %v", err)
			}
		}
	})
}

func FuzzWireBatchRequest(f *testing.F) {
	item := `{"id":"` + fuzzIDs[0] + `","tracking_code":"123450305090700015","day":"1405/09/07","created_at":"2026-11-28T10:00:00Z",` +
		`"national_code":"0012345679","sub_service_id":"ss-0012","catalog_version":1,"fields":{"plate":"12ب345-67"},` +
		`"gov_fee":0,"counter_fee":50000,"payment":{"method":"cash","amount":50000,"paid_at":"2026-11-28T10:00:00Z"},"clerk":"ali"}`
	f.Add(`{"items":[` + item + `]}`)
	f.Add(`{"items":[` + item + `,` + item + `]}`)
	f.Add(`{"items":[],"extra":1}`)
	f.Fuzz(func(t *testing.T, s string) {
		b, err := exchange.DecodeBatchRequest(strings.NewReader(s))
		if err != nil {
			return
		}
		if len(b.Items) == 0 || len(b.Items) > exchange.MaxBatchItems {
			t.Fatalf("%d items accepted", len(b.Items))
		}
		seen := map[string]bool{}
		for i := range b.Items {
			if err := b.Items[i].Validate(); err != nil {
				t.Fatalf("invalid item accepted: %v", err)
			}
			if seen[b.Items[i].ID] {
				t.Fatalf("item %s twice", b.Items[i].ID)
			}
			seen[b.Items[i].ID] = true
		}
		roundTrip(t, b, func(x []byte) (exchange.BatchRequest, error) { return exchange.DecodeBatchRequest(bytes.NewReader(x)) })
	})
}

func FuzzWireEnrolRequest(f *testing.F) {
	f.Add(`{"office_code":12345,"desk_number":3,"one_time_code":"48213377","public_key":"` + strings.Repeat("A", 43) + `="}`)
	f.Add(`{"office_code":0,"desk_number":100,"one_time_code":"","public_key":""}`)
	f.Fuzz(func(t *testing.T, s string) {
		e, err := exchange.DecodeEnrolRequest(strings.NewReader(s))
		if err != nil {
			return
		}
		if len(e.PublicKey) != 32 || e.OfficeCode < 1 || e.OfficeCode > 99999 || e.DeskNumber < 1 || e.DeskNumber > 99 || e.OneTimeCode == "" {
			t.Fatalf("accepted %+v", e)
		}
	})
}

func FuzzWireDayClose(f *testing.F) {
	f.Add(`{"day":"1405/09/07","requests":6,"expected_cash":100,"counted_cash":100,"card_total":5,"closed_by":"modir","closed_at":"2026-11-28T18:00:00Z"}`)
	f.Add(`{"status":"accepted"}`)
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := exchange.DecodeDayClose(strings.NewReader(s)); err == nil {
			if len(d.Day) != 10 || d.Requests < 0 || d.ExpectedCash < 0 || d.CountedCash < 0 || d.CardTotal < 0 || d.ClosedBy == "" {
				t.Fatalf("accepted %+v", d)
			}
		}
		if r, err := exchange.DecodeDayCloseResponse(strings.NewReader(s)); err == nil {
			switch r.Status {
			case exchange.ItemAccepted, exchange.ItemDuplicate, exchange.ItemConflict:
			default:
				t.Fatalf("accepted status %q", r.Status)
			}
		}
	})
}

func FuzzWireError(f *testing.F) {
	f.Add(`{"error":{"code":"replayed","message":"nonce seen","message_fa":"تکراری"}}`)
	f.Add(`{"error":{"code":"a b","message":"\u0007"}}`)
	f.Add(`<html>`)
	f.Fuzz(func(t *testing.T, s string) {
		e := exchange.DecodeError(strings.NewReader(s))
		if strings.ContainsAny(e.Code, " \"\\\n") || strings.ContainsAny(e.Message+e.MessageFa, "\x00\x07\x1b\r") {
			t.Fatalf("accepted %+v", e)
		}
	})
}

func FuzzWireSignatureInput(f *testing.F) {
	f.Add(`sig1=("@method" "@path" "@query" "content-digest");created=1764324000;nonce="AAAAAAAAAAAAAAAAAAAAAA";keyid="k-1";alg="ed25519"`)
	f.Add(`sig1=("@method");created=1`)
	f.Add(`sig2=()`)
	f.Fuzz(func(t *testing.T, h string) {
		si, err := exchange.ParseSignatureInput(h)
		if err != nil {
			return
		}
		if si.Alg != "ed25519" || si.Created <= 0 || si.KeyID == "" || len(si.Nonce) < 16 ||
			strings.Join(si.Components, " ") != `@method @path @query content-digest` {
			t.Fatalf("accepted %+v from %q", si, h)
		}
	})
}

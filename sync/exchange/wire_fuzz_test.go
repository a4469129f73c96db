package exchange_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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
func normal(t testing.TB, v any) string {
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
		roundTrip(t, h, func(b []byte) (exchange.Health, error) { return exchange.DecodeHealth(bytes.NewReader(b)) })
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
	v1, pristine := democatalog.Generate(1), democatalog.Generate(1)
	demo, err := demoDelta(v1, 3, 2)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(int64(1), demo) // part of the real delta from 1 to 2 of the demo catalog
	f.Add(int64(1), `{"base":1,"version":1}`)
	f.Add(int64(1), `{"base":1,"version":2,"sub_services":[{"id":"ss-0001","service_id":"sv-0001","name":"x","fields":[],"gov_fee":1,"counter_fee":2}],"deleted":{"sub_services":["ss-0002"]}}`)
	f.Add(int64(0), `{"base":0,"version":1,"full":true,"agencies":[{"id":"a","name":"b"}],"services":[{"id":"s","agency_id":"a","name":"c"}],"sub_services":[{"id":"ss","service_id":"s","name":"d","fields":[]}]}`)
	f.Add(int64(1), `{"base":1,"version":2,"deleted":{"agencies":["ag-001"]}}`)
	f.Add(int64(1), `{"base":1,"version":2,"agencies":[{"id":"ag-900","name":"x"},{"id":"ag-900","name":"y"}]}`)
	f.Add(int64(3), `{"base":3,"version":4,"services":[{"id":"sv-0001","agency_id":"ag-001","name":"z"}]}`)
	f.Fuzz(func(t *testing.T, since int64, s string) {
		d, err := exchange.DecodeCatalogDelta(strings.NewReader(s), since)
		if err != nil {
			return
		}
		if d.Version < since || (!d.Full && d.Base != since) || (d.Full && d.Base != 0) || d.Version <= 0 {
			t.Fatalf("accepted delta %d→%d for since %d", d.Base, d.Version, since)
		}
		roundTrip(t, d, func(b []byte) (exchange.CatalogDelta, error) {
			return exchange.DecodeCatalogDelta(bytes.NewReader(b), since)
		})
		// Whatever the delta, applying it to version 1 gives an error or a
		// checked catalog at the delta's version, and never touches version 1.
		cat, err := d.Apply(v1)
		if err != nil {
			return
		}
		if !d.Full && d.Base != 1 {
			t.Fatalf("a delta from %d applied to version 1", d.Base)
		}
		if err := cat.Check(); err != nil || int64(cat.Version) != d.Version {
			t.Fatalf("Apply returned an unchecked catalog: %v", err)
		}
		if !sameCatalog(v1, pristine) {
			t.Fatal("Apply modified its base catalog")
		}
		if !d.Full {
			// Every upsert is in the result as sent, every deleted id is gone.
			upserted(t, cat.Agencies, d.Agencies, d.Deleted.Agencies, func(a pishkhan.Agency) string { return a.ID })
			upserted(t, cat.Services, d.Services, d.Deleted.Services, func(a pishkhan.Service) string { return a.ID })
			upserted(t, cat.SubServices, d.SubServices, d.Deleted.SubServices, func(a pishkhan.SubService) string { return a.ID })
			upserted(t, cat.InquiryTypes, d.InquiryTypes, d.Deleted.InquiryTypes, func(a pishkhan.InquiryType) string { return a.ID })
		}
	})
}

func upserted[T any](t *testing.T, result, upserts []T, deleted []string, id func(T) string) {
	t.Helper()
	have := make(map[string]string, len(result))
	for _, e := range result {
		have[id(e)] = normal(t, e)
	}
	for _, u := range upserts {
		if got, ok := have[id(u)]; !ok || got != normal(t, u) {
			t.Fatalf("upsert %s is not in the result as sent: %s", normal(t, u), got)
		}
	}
	for _, k := range deleted {
		if _, ok := have[k]; ok {
			t.Fatalf("deleted %q is still in the result", k)
		}
	}
}

// sameCatalog compares the ids, names, references and fees of two catalogs:
// a cheap stand-in for reflect.DeepEqual, which is too slow for a fuzz loop.
func sameCatalog(a, b *pishkhan.Catalog) bool {
	if a.Version != b.Version || len(a.Agencies) != len(b.Agencies) || len(a.Services) != len(b.Services) ||
		len(a.SubServices) != len(b.SubServices) || len(a.InquiryTypes) != len(b.InquiryTypes) {
		return false
	}
	for i := range a.Agencies {
		if a.Agencies[i] != b.Agencies[i] {
			return false
		}
	}
	for i := range a.Services {
		if a.Services[i] != b.Services[i] {
			return false
		}
	}
	for i := range a.InquiryTypes {
		if a.InquiryTypes[i] != b.InquiryTypes[i] {
			return false
		}
	}
	for i := range a.SubServices {
		x, y := &a.SubServices[i], &b.SubServices[i]
		if x.ID != y.ID || x.ServiceID != y.ServiceID || x.Name != y.Name || x.GovFee != y.GovFee || x.CounterFee != y.CounterFee ||
			len(x.Fields) != len(y.Fields) || len(x.Inquiries) != len(y.Inquiries) {
			return false
		}
	}
	return true
}

// demoDelta is the delta from version 1 to 2 of the demo catalog as JSON,
// built from democatalog.Changes the way the exchange publishes it, cut to
// its first raised and retired sub-services (a small seed mutates faster).
func demoDelta(v1 *pishkhan.Catalog, raised, retired int) (string, error) {
	ch := democatalog.Changes(2)
	if len(ch.Raised) < raised || len(ch.Retired) < retired {
		return "", fmt.Errorf("version 2 raises %d and retires %d sub-services", len(ch.Raised), len(ch.Retired))
	}
	up := map[string]bool{}
	for _, id := range ch.Raised[:raised] {
		up[id] = true
	}
	d := exchange.CatalogDelta{Base: 1, Version: 2, Deleted: exchange.Deletions{SubServices: ch.Retired[:retired]}}
	for _, ss := range v1.SubServices {
		if up[ss.ID] {
			ss.GovFee = democatalog.RaiseGovFee(ss.GovFee)
			d.SubServices = append(d.SubServices, ss)
		}
	}
	b, err := json.Marshal(d)
	return string(b), err
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
		if len(e.PublicKey) != 32 || e.OfficeCode < 1 || e.OfficeCode > 99999 || e.DeskNumber < 1 || e.DeskNumber > 99 ||
			e.OneTimeCode == "" || len(e.OneTimeCode) > 64 {
			t.Fatalf("accepted %+v", e)
		}
		roundTrip(t, e, func(b []byte) (exchange.EnrolRequest, error) { return exchange.DecodeEnrolRequest(bytes.NewReader(b)) })
	})
}

func FuzzWireDayClose(f *testing.F) {
	f.Add(`{"day":"1405/09/07","requests":6,"expected_cash":100,"counted_cash":100,"card_total":5,"closed_by":"modir","closed_at":"2026-11-28T18:00:00Z"}`)
	f.Add(`{"day":"1405/09/07","requests":0,"expected_cash":0,"counted_cash":0,"card_total":0,"closed_by":"m","closed_at":"2026-11-28T18:00:00+03:30","note":"کسری\n۵۰۰"}`)
	f.Add(`{"day":"1405/09/07","requests":-1,"closed_by":"m"}`)
	f.Add(`{"status":"accepted"}`)
	f.Fuzz(func(t *testing.T, s string) {
		d, err := exchange.DecodeDayClose(strings.NewReader(s))
		if err != nil {
			return
		}
		if len(d.Day) != 10 || d.Requests < 0 || d.ExpectedCash < 0 || d.CountedCash < 0 || d.CardTotal < 0 || d.ClosedBy == "" {
			t.Fatalf("accepted %+v", d)
		}
		roundTrip(t, d, func(b []byte) (exchange.DayClose, error) { return exchange.DecodeDayClose(bytes.NewReader(b)) })
	})
}

func FuzzWireDayCloseResponse(f *testing.F) {
	f.Add(`{"status":"accepted"}`)
	f.Add(`{"status":"duplicate"}`)
	f.Add(`{"status":"conflict","reason":"روز با ارقام دیگری بسته شده است."}`)
	f.Add(`{"status":"rejected","reason":"\u0007"}`)
	f.Fuzz(func(t *testing.T, s string) {
		r, err := exchange.DecodeDayCloseResponse(strings.NewReader(s))
		if err != nil {
			return
		}
		switch r.Status {
		case exchange.ItemAccepted, exchange.ItemDuplicate, exchange.ItemConflict:
		default:
			t.Fatalf("accepted status %q", r.Status)
		}
		if !utf8.ValidString(r.Reason) || strings.ContainsAny(r.Reason, "\x00\x07\x1b\r\t\u0085") || utf8.RuneCountInString(r.Reason) > exchange.MaxReasonLen {
			t.Fatalf("accepted reason %q", r.Reason)
		}
		roundTrip(t, r, func(b []byte) (exchange.DayCloseResponse, error) {
			return exchange.DecodeDayCloseResponse(bytes.NewReader(b))
		})
	})
}

func FuzzWireError(f *testing.F) {
	f.Add(`{"error":{"code":"replayed","message":"nonce seen","message_fa":"تکراری"}}`)
	f.Add(`{"error":{"code":"a b","message":"\u0007"}}`)
	f.Add(`<html>`)
	f.Fuzz(func(t *testing.T, s string) {
		e := exchange.DecodeError(strings.NewReader(s))
		if strings.ContainsAny(e.Code, " \"\\\n") || strings.ContainsAny(e.Message+e.MessageFa, "\x00\x07\x1b\r") || len(e.Code) > 64 {
			t.Fatalf("accepted %+v", e)
		}
		if e == (exchange.ErrorDetail{}) {
			return
		}
		// What the desk shows and logs survives being passed on.
		b, err := json.Marshal(exchange.ErrorBody{Error: e})
		if err != nil {
			t.Fatal(err)
		}
		if again := exchange.DecodeError(bytes.NewReader(b)); again != e {
			t.Fatalf("round trip changed %+v into %+v", e, again)
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
		if si.Alg != "ed25519" || si.Created <= 0 || si.KeyID == "" || len(si.Nonce) < 16 || len(si.Nonce) > 64 || len(si.KeyID) > 64 ||
			strings.Join(si.Components, " ") != `@method @path @query content-digest` {
			t.Fatalf("accepted %+v from %q", si, h)
		}
		// What is signed is the header as written, and it is written the one way the signer writes it.
		if "sig1="+si.Params != h || strings.Contains(h, "\\") {
			t.Fatalf("accepted %q (params %q)", h, si.Params)
		}
		canonical := `sig1=("@method" "@path" "@query" "content-digest");created=` + strconv.FormatInt(si.Created, 10) +
			`;nonce="` + si.Nonce + `";keyid="` + si.KeyID + `";alg="ed25519"`
		again, err := exchange.ParseSignatureInput(canonical)
		if err != nil || again.Created != si.Created || again.Nonce != si.Nonce || again.KeyID != si.KeyID {
			t.Fatalf("%q parsed as %+v, but its canonical form %q as %+v, %v", h, si, canonical, again, err)
		}
		// The same parameters, each written as the signer writes it, in any order.
		paramSet := func(h string) string {
			ps := strings.Split(h[strings.IndexByte(h, ')')+1:], ";")
			slices.Sort(ps)
			return strings.Join(ps, ";")
		}
		if paramSet(h) != paramSet(canonical) {
			t.Fatalf("accepted %q, which the signer would write %q", h, canonical)
		}
	})
}

// FuzzWireVerify fuzzes a signed request: its method, path, query, body and
// the three headers. Verify must never panic, must refuse with a
// VerifyError, and may accept only the request that was signed.
func FuzzWireVerify(f *testing.F) {
	seed, _ := hex.DecodeString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
	key := ed25519.NewKeyFromSeed(seed)
	pub := key.Public().(ed25519.PublicKey)
	type signed struct{ method, path, query, body, digest, input, sig string }
	var origs []signed
	for _, r := range []struct{ method, target, body string }{
		{"GET", exchange.PathUpdates + "?after=41&limit=500", ""},
		{"POST", exchange.PathBatch, `{"items":[]}`},
		{"GET", exchange.PathCatalog + "?since=0", ""},
		{"POST", exchange.PathEnrol + "?x=%20y", "\x00\xff"},
	} {
		req, err := http.NewRequest(r.method, "http://exchange.test"+r.target, nil)
		if err != nil {
			f.Fatal(err)
		}
		s := &exchange.Signer{KeyID: "k-12345-3-1", Key: key, Now: func() time.Time { return time.Unix(1764324000, 0) },
			Rand: bytes.NewReader(bytes.Repeat([]byte{byte(len(origs))}, 16))}
		if err := s.Sign(req, []byte(r.body)); err != nil {
			f.Fatal(err)
		}
		o := signed{r.method, req.URL.EscapedPath(), req.URL.RawQuery, r.body,
			req.Header.Get(exchange.HeaderDigest), req.Header.Get(exchange.HeaderSigInput), req.Header.Get(exchange.HeaderSig)}
		origs = append(origs, o)
		f.Add(o.method, o.path, o.query, o.body, o.digest, o.input, o.sig)
	}
	f.Add("GET", "/v1/updates", "", "", "", "", "")
	f.Fuzz(func(t *testing.T, method, path, query, body, digest, input, sig string) {
		req := &http.Request{Method: method, URL: &url.URL{Path: path, RawQuery: query}, Header: http.Header{}}
		req.Header.Set(exchange.HeaderDigest, digest)
		req.Header.Set(exchange.HeaderSigInput, input)
		req.Header.Set(exchange.HeaderSig, sig)
		v, err := exchange.Verify(req, []byte(body), pub)
		if err != nil {
			var ve *exchange.VerifyError
			if !errors.As(err, &ve) || (ve.Code != exchange.CodeBadSignature && ve.Code != exchange.CodeUnknownKey) {
				t.Fatalf("refused with %T %v", err, err)
			}
			return
		}
		for _, o := range origs {
			if method == o.method && req.URL.EscapedPath() == o.path && query == o.query && body == o.body && input == o.input {
				if v.KeyID != "k-12345-3-1" || v.Created.Unix() != 1764324000 {
					t.Fatalf("verified as %+v", v)
				}
				return
			}
		}
		t.Fatalf("verified a request that was never signed: %s %s ? %q body %q input %q", method, path, query, body, input)
	})
}

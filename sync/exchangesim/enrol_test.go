package exchangesim

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan/sync/exchange"
)

func TestHealth(t *testing.T) {
	e := newEnv(t, Config{CatalogVersion: 3})
	h, err := e.client().Health(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if h.Status != "ok" || h.APIVersion != exchange.APIVersion || h.CatalogVersion != 3 || !h.ServerTime.Equal(t0) {
		t.Errorf("health %+v", h)
	}
}

func TestEnrolOK(t *testing.T) {
	e := newEnv(t, Config{})
	code, err := e.sim.IssueEnrolCode(context.Background(), 1234, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\d{8}$`).MatchString(code) {
		t.Errorf("code %q is not 8 digits", code)
	}
	key, _ := exchange.GenerateKey(nil)
	resp, err := e.client().Enrol(context.Background(), 1234, 2, code, key)
	if err != nil {
		t.Fatal(err)
	}
	if resp.KeyID != "k-1234-2-1" || resp.OfficeCode != 1234 || resp.DeskNumber != 2 || resp.CatalogVersion != 1 || !resp.ServerTime.Equal(t0) {
		t.Errorf("enrol response %+v", resp)
	}
	c := e.client()
	c.Signer.KeyID, c.Signer.Key = resp.KeyID, key
	if _, err := c.Updates(context.Background(), 0, 10); err != nil {
		t.Errorf("a signed call with the new key: %v", err)
	}
	// The code was used up.
	key2, _ := exchange.GenerateKey(nil)
	_, err = e.client().Enrol(context.Background(), 1234, 2, code, key2)
	wantCode(t, err, http.StatusForbidden, exchange.CodeBadEnrolCode)
}

func TestEnrolBadCodes(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := context.Background()
	key, _ := exchange.GenerateKey(nil)
	code, err := e.sim.IssueEnrolCode(ctx, 1234, 1)
	if err != nil {
		t.Fatal(err)
	}
	wrong := "00000000"
	if code == wrong {
		wrong = "00000001"
	}
	_, err = e.client().Enrol(ctx, 1234, 1, wrong, key)
	wantCode(t, err, http.StatusForbidden, exchange.CodeBadEnrolCode)
	_, err = e.client().Enrol(ctx, 1234, 2, code, key) // another desk's code
	wantCode(t, err, http.StatusForbidden, exchange.CodeBadEnrolCode)
	_, err = e.client().Enrol(ctx, 4321, 1, code, key) // another office's code
	wantCode(t, err, http.StatusForbidden, exchange.CodeBadEnrolCode)

	// Expired after 24 hours.
	e.clk.Advance(EnrolCodeTTL + time.Minute)
	_, err = e.client().Enrol(ctx, 1234, 1, code, key)
	wantCode(t, err, http.StatusForbidden, exchange.CodeBadEnrolCode)

	// A fresh code still works within its day.
	code2, err := e.sim.IssueEnrolCode(ctx, 1234, 1)
	if err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(EnrolCodeTTL - time.Minute)
	if _, err := e.client().Enrol(ctx, 1234, 1, code2, key); err != nil {
		t.Fatalf("a code within its day: %v", err)
	}
	if _, err := e.sim.IssueEnrolCode(ctx, 0, 1); err == nil {
		t.Error("a code for office 0 was issued")
	}
	if _, err := e.sim.IssueEnrolCode(ctx, 1, 100); err == nil {
		t.Error("a code for desk 100 was issued")
	}
}

func TestEnrolSignatureMustMatchTheBodysKey(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := context.Background()
	code, _ := e.sim.IssueEnrolCode(ctx, 1234, 1)
	held, _ := exchange.GenerateKey(nil)
	other, _ := exchange.GenerateKey(nil)
	body, _ := json.Marshal(exchange.EnrolRequest{OfficeCode: 1234, DeskNumber: 1, OneTimeCode: code, PublicKey: other.Public().(ed25519.PublicKey)})
	call := sign(t, &exchange.Signer{KeyID: exchange.EnrolKeyID, Key: held, Now: e.clk.Now}, http.MethodPost, exchange.PathEnrol, "", body)
	if status, det, _ := e.send(call); status != http.StatusUnauthorized || det.Code != exchange.CodeBadSignature {
		t.Errorf("enrolment signed by another key: %d %+v", status, det)
	}
	// Signed by the right key but under another keyid.
	body, _ = json.Marshal(exchange.EnrolRequest{OfficeCode: 1234, DeskNumber: 1, OneTimeCode: code, PublicKey: held.Public().(ed25519.PublicKey)})
	call = sign(t, &exchange.Signer{KeyID: "k-1234-1-1", Key: held, Now: e.clk.Now}, http.MethodPost, exchange.PathEnrol, "", body)
	if status, det, _ := e.send(call); status != http.StatusUnauthorized || det.Code != exchange.CodeBadSignature {
		t.Errorf("enrolment under keyid k-1234-1-1: %d %+v", status, det)
	}
	// Neither attempt used the code up.
	if _, err := e.client().Enrol(ctx, 1234, 1, code, held); err != nil {
		t.Errorf("the code after refused attempts: %v", err)
	}
}

func TestSignatureChecks(t *testing.T) {
	e := newEnv(t, Config{})
	d := e.enrol(1234, 1)
	q := "after=0&limit=10"

	// A replayed signed request.
	call := sign(t, d.client.Signer, http.MethodGet, exchange.PathUpdates, q, nil)
	if status, det, _ := e.send(call); status != http.StatusOK {
		t.Fatalf("first send: %d %+v", status, det)
	}
	if status, det, _ := e.send(call); status != http.StatusUnauthorized || det.Code != exchange.CodeReplayed {
		t.Errorf("replay: %d %+v", status, det)
	}

	// A tampered body: the digest no longer matches.
	body := []byte(`{"day":"1404/01/05","requests":1,"expected_cash":10,"counted_cash":10,"card_total":0,"closed_by":"a","closed_at":"2025-03-21T08:00:00Z"}`)
	call = sign(t, d.client.Signer, http.MethodPost, exchange.PathDayCloses, "", body)
	call.body = []byte(`{"day":"1404/01/05","requests":9,"expected_cash":10,"counted_cash":10,"card_total":0,"closed_by":"a","closed_at":"2025-03-21T08:00:00Z"}`)
	if status, det, _ := e.send(call); status != http.StatusUnauthorized || det.Code != exchange.CodeBadSignature {
		t.Errorf("tampered body: %d %+v", status, det)
	}
	// A tampered query.
	call = sign(t, d.client.Signer, http.MethodGet, exchange.PathUpdates, q, nil)
	call.query = "after=5&limit=10"
	if status, det, _ := e.send(call); status != http.StatusUnauthorized || det.Code != exchange.CodeBadSignature {
		t.Errorf("tampered query: %d %+v", status, det)
	}

	// The desk's key id with another private key.
	wrong, _ := exchange.GenerateKey(nil)
	c := e.client()
	c.Signer.KeyID, c.Signer.Key = d.client.Signer.KeyID, wrong
	_, err := c.Updates(context.Background(), 0, 10)
	wantCode(t, err, http.StatusUnauthorized, exchange.CodeBadSignature)

	// An unknown key id.
	c.Signer.KeyID = "k-9999-9-9"
	_, err = c.Updates(context.Background(), 0, 10)
	wantCode(t, err, http.StatusUnauthorized, exchange.CodeUnknownKey)

	// No signature at all.
	status, det, _ := e.send(rawCall{method: http.MethodGet, path: exchange.PathUpdates, query: q, header: http.Header{}})
	if status != http.StatusUnauthorized || det.Code != exchange.CodeBadSignature {
		t.Errorf("unsigned: %d %+v", status, det)
	}

	// A signature made 10 minutes ago (or ahead) is stale. (The desk's
	// client then learns the offset from the Date header and signs again,
	// so it gets through on its second try.)
	for _, skew := range []time.Duration{-10 * time.Minute, 10 * time.Minute} {
		s := *d.client.Signer
		s.Now = func() time.Time { return e.clk.Now().Add(skew) }
		if status, det, _ := e.send(sign(t, &s, http.MethodGet, exchange.PathUpdates, q, nil)); status != http.StatusUnauthorized || det.Code != exchange.CodeBadSignature {
			t.Errorf("signature %s off: %d %+v", skew, status, det)
		}
		c := e.client()
		c.Signer.KeyID, c.Signer.Key, c.Signer.Now = d.client.Signer.KeyID, d.key, s.Now
		if _, err := c.Updates(context.Background(), 0, 10); err != nil {
			t.Errorf("a client %s off did not correct its clock: %v", skew, err)
		}
	}

	// A nonce is forgotten only when its signature is stale anyway.
	e.clk.Advance(exchange.NonceWindow + time.Minute)
	call2 := sign(t, d.client.Signer, http.MethodGet, exchange.PathUpdates, q, nil)
	if status, _, _ := e.send(call2); status != http.StatusOK {
		t.Fatalf("fresh call: %d", status)
	}
	if status, det, _ := e.send(call); status != http.StatusUnauthorized || det.Code != exchange.CodeBadSignature {
		t.Errorf("an old replay after its nonce was forgotten: %d %+v", status, det)
	}
}

func TestReenrolRevokesTheOldKeyAndKeepsTheDesksRequests(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := context.Background()
	old := e.enrol(1234, 1)
	next := ids(1)
	its := items(next, 3)
	if _, _, err := old.client.SubmitBatch(ctx, its); err != nil {
		t.Fatal(err)
	}
	renewed := e.enrol(1234, 1)
	if renewed.client.Signer.KeyID != "k-1234-1-2" {
		t.Errorf("second key id %q", renewed.client.Signer.KeyID)
	}
	_, err := old.client.Updates(ctx, 0, 10)
	wantCode(t, err, http.StatusForbidden, exchange.CodeRevoked)
	_, _, err = old.client.SubmitBatch(ctx, items(next, 1))
	wantCode(t, err, http.StatusForbidden, exchange.CodeRevoked)

	// The renewed key sees the updates of requests sent with the old one,
	// and a resend of them is a duplicate, not new.
	e.clk.Advance(30 * time.Second)
	ups, _ := allUpdates(t, renewed.client, 0, 100)
	seen := map[string]bool{}
	for _, u := range ups {
		seen[u.RequestID] = true
	}
	for _, it := range its {
		if !seen[it.ID] {
			t.Errorf("no update for %s after re-enrolment", it.ID)
		}
	}
	br, _, err := renewed.client.SubmitBatch(ctx, its)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range br.Results {
		if r.Status != exchange.ItemDuplicate || r.Original != exchange.ItemAccepted {
			t.Errorf("resend after re-enrolment: %+v", r)
		}
	}
	// Another desk of the same office keeps its key.
	other := e.enrol(1234, 2)
	if _, err := other.client.Updates(ctx, 0, 10); err != nil {
		t.Fatal(err)
	}
	e.enrol(1234, 1)
	if _, err := other.client.Updates(ctx, 0, 10); err != nil {
		t.Errorf("re-enrolling desk 1 revoked desk 2: %v", err)
	}
}

package exchange

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Client speaks the protocol to one exchange. It is safe for concurrent use.
type Client struct {
	BaseURL string       // e.g. https://exchange.example/ (the /v1 paths are added)
	HTTP    *http.Client // nil means a client with a 30 s timeout
	Signer  *Signer      // the desk's key; required by every call but Health and Enrol

	offset atomic.Int64 // the exchange's clock minus ours, learnt from Date headers (ns)
}

// ClockOffset is how far the exchange's clock is ahead of the desk's (negative
// when behind), as learnt from the Date headers of its answers; 0 until the
// difference is large enough to matter (over 30 s).
func (c *Client) ClockOffset() time.Duration { return time.Duration(c.offset.Load()) }

// learnClock updates the clock offset from an answer's Date header. The
// header has whole seconds, so differences under 30 s are left alone.
func (c *Client) learnClock(date string, sent, received time.Time) (changed bool) {
	server, err := http.ParseTime(date)
	if err != nil {
		return false
	}
	local := sent.Add(received.Sub(sent) / 2)
	skew := server.Sub(local)
	if skew > -30*time.Second && skew < 30*time.Second {
		skew = 0
	}
	old := time.Duration(c.offset.Swap(int64(skew)))
	d := skew - old
	return d > ClockSkew/2 || d < -ClockSkew/2
}

// HTTPError is a non-2xx answer from the exchange.
type HTTPError struct {
	Status     int
	Detail     ErrorDetail
	RetryAfter time.Duration // from Retry-After, 0 when absent
}

func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("exchange answered %d %s", e.Status, http.StatusText(e.Status))
	if e.Detail.Code != "" {
		msg += " (" + e.Detail.Code + ")"
	}
	if e.Detail.Message != "" {
		msg += ": " + e.Detail.Message
	}
	return msg
}

// Auth reports a refusal of the desk's identity (401, 403): retrying does
// not help. A 401 "replayed" is not one: Go's HTTP transport may resend a
// GET on a fresh connection when the first one died before the answer,
// with the same signature and nonce; a new attempt signs afresh.
func (e *HTTPError) Auth() bool {
	return (e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden) && e.Detail.Code != CodeReplayed
}

// Temporary reports an answer worth retrying later: 408, 429, 5xx but 501,
// and a 401 "replayed" (see Auth).
func (e *HTTPError) Temporary() bool {
	return e.Status == http.StatusRequestTimeout || e.Status == http.StatusTooManyRequests ||
		(e.Status >= 500 && e.Status != http.StatusNotImplemented) ||
		(e.Status == http.StatusUnauthorized && e.Detail.Code == CodeReplayed)
}

// TooLarge reports a 413.
func (e *HTTPError) TooLarge() bool { return e.Status == http.StatusRequestEntityTooLarge }

// ParseRetryAfter reads a Retry-After value (seconds or an HTTP date)
// relative to now; it gives 0 for absent or malformed values and caps at an hour.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0
		}
		if n > 3600 {
			n = 3600
		}
		d = time.Duration(n) * time.Second
	} else if allDigits(v) {
		d = time.Hour // more seconds than an int64 holds: still a delay, capped
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), time.Hour)
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return &http.Client{Timeout: 30 * time.Second}
}

// do sends one request and returns the answer's body reader when it is 2xx;
// the caller closes it. signer may be nil for unsigned calls.
// do sends one request and returns the answer when it is 2xx; the caller
// closes its body. signer may be nil for unsigned calls. Requests are
// signed with the desk's clock corrected by the offset learnt from the
// exchange's Date headers, so a counter PC whose clock is wrong by more
// than the 5-minute window still gets through: its first call is refused
// (bad_signature), the answer's Date header teaches the offset, and the
// call is made once more, signed afresh.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body []byte, signer *Signer) (*http.Response, error) {
	u, err := url.Parse(strings.TrimRight(c.BaseURL, "/") + path)
	if err != nil {
		return nil, fmt.Errorf("exchange address %q: %w", c.BaseURL, err)
	}
	u.RawQuery = query.Encode()
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", method, path, err)
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set("Accept", "application/json")
		base := c.clock(signer)
		if signer != nil {
			s := *signer
			off := c.ClockOffset()
			s.Now = func() time.Time { return base().Add(off) }
			if err := s.Sign(req, body); err != nil {
				return nil, err
			}
		}
		sent := base()
		resp, err := c.httpClient().Do(req)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", method, path, err)
		}
		learnt := c.learnClock(resp.Header.Get("Date"), sent, base())
		if resp.StatusCode/100 == 2 {
			return resp, nil
		}
		// An HTTP-date Retry-After is on the exchange's clock: read it against ours corrected.
		he := &HTTPError{Status: resp.StatusCode, RetryAfter: ParseRetryAfter(resp.Header.Get("Retry-After"), base().Add(c.ClockOffset()))}
		he.Detail = DecodeError(resp.Body)
		resp.Body.Close()
		if attempt == 0 && learnt && signer != nil && he.Status == http.StatusUnauthorized && he.Detail.Code == CodeBadSignature {
			continue // our clock was off; signed again with the corrected one
		}
		return nil, fmt.Errorf("%s %s: %w", method, path, he)
	}
}

// clock is the desk's clock: the signer's when it has one (tests set it), else the system's.
func (c *Client) clock(signer *Signer) func() time.Time {
	switch {
	case signer != nil && signer.Now != nil:
		return signer.Now
	case c.Signer != nil && c.Signer.Now != nil:
		return c.Signer.Now
	}
	return time.Now
}

func (c *Client) signer() (*Signer, error) {
	if c.Signer == nil || len(c.Signer.Key) == 0 {
		return nil, errors.New("the desk is not enrolled with the exchange (no key)")
	}
	return c.Signer, nil
}

// Health asks whether the exchange is up (unsigned).
func (c *Client) Health(ctx context.Context) (Health, error) {
	resp, err := c.do(ctx, http.MethodGet, PathHealth, nil, nil, nil)
	if err != nil {
		return Health{}, err
	}
	defer resp.Body.Close()
	return DecodeHealth(resp.Body)
}

// Enrol registers key's public half for the desk with a one-time code.
// The request is signed with key itself.
func (c *Client) Enrol(ctx context.Context, officeCode, deskNumber int, oneTimeCode string, key ed25519.PrivateKey) (EnrolResponse, error) {
	if len(key) != ed25519.PrivateKeySize {
		return EnrolResponse{}, errors.New("enrol: no usable desk key")
	}
	body, err := json.Marshal(EnrolRequest{OfficeCode: officeCode, DeskNumber: deskNumber, OneTimeCode: oneTimeCode,
		PublicKey: key.Public().(ed25519.PublicKey)})
	if err != nil {
		return EnrolResponse{}, fmt.Errorf("encode enrolment: %w", err)
	}
	s := &Signer{KeyID: EnrolKeyID, Key: key}
	if c.Signer != nil {
		s.Now, s.Rand = c.Signer.Now, c.Signer.Rand
	}
	resp, err := c.do(ctx, http.MethodPost, PathEnrol, nil, body, s)
	if err != nil {
		return EnrolResponse{}, err
	}
	defer resp.Body.Close()
	return DecodeEnrolResponse(resp.Body)
}

// SubmitBatch sends items and returns one result per item. It also returns
// the size of the request body in bytes.
func (c *Client) SubmitBatch(ctx context.Context, items []Item) (BatchResponse, int, error) {
	s, err := c.signer()
	if err != nil {
		return BatchResponse{}, 0, err
	}
	body, err := json.Marshal(BatchRequest{Items: items})
	if err != nil {
		return BatchResponse{}, 0, fmt.Errorf("encode batch: %w", err)
	}
	resp, err := c.do(ctx, http.MethodPost, PathBatch, nil, body, s)
	if err != nil {
		return BatchResponse{}, len(body), err
	}
	defer resp.Body.Close()
	br, err := DecodeBatchResponse(resp.Body, items)
	return br, len(body), err
}

// Updates asks for status updates after the cursor, at most limit.
func (c *Client) Updates(ctx context.Context, after int64, limit int) (UpdatesResponse, error) {
	s, err := c.signer()
	if err != nil {
		return UpdatesResponse{}, err
	}
	q := url.Values{"after": {strconv.FormatInt(after, 10)}, "limit": {strconv.Itoa(limit)}}
	resp, err := c.do(ctx, http.MethodGet, PathUpdates, q, nil, s)
	if err != nil {
		return UpdatesResponse{}, err
	}
	defer resp.Body.Close()
	return DecodeUpdates(resp.Body, after)
}

// Catalog asks for the catalog changes since a version (0: the whole catalog).
// progress, when not nil, is told the bytes read so far and the total (-1 when unknown).
func (c *Client) Catalog(ctx context.Context, since int64, progress func(read, total int64)) (CatalogDelta, error) {
	s, err := c.signer()
	if err != nil {
		return CatalogDelta{}, err
	}
	resp, err := c.do(ctx, http.MethodGet, PathCatalog, url.Values{"since": {strconv.FormatInt(since, 10)}}, nil, s)
	if err != nil {
		return CatalogDelta{}, err
	}
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	if progress != nil {
		r = &progressReader{r: resp.Body, total: resp.ContentLength, fn: progress}
	}
	return DecodeCatalogDelta(r, since)
}

// UploadDayClose sends a closed day.
func (c *Client) UploadDayClose(ctx context.Context, dc DayClose) (DayCloseResponse, error) {
	s, err := c.signer()
	if err != nil {
		return DayCloseResponse{}, err
	}
	body, err := json.Marshal(dc)
	if err != nil {
		return DayCloseResponse{}, fmt.Errorf("encode day close: %w", err)
	}
	resp, err := c.do(ctx, http.MethodPost, PathDayCloses, nil, body, s)
	if err != nil {
		return DayCloseResponse{}, err
	}
	defer resp.Body.Close()
	return DecodeDayCloseResponse(resp.Body)
}

type progressReader struct {
	r     io.Reader
	n     int64
	total int64
	fn    func(read, total int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	p.fn(p.n, p.total)
	return n, err
}

package replicator

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"syscall"
	"testing"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/sync/exchange"
)

func TestPersianReason(t *testing.T) {
	netErr := &url.Error{Op: "Post", URL: "https://exchange.example/v1/requests", Err: syscall.ECONNREFUSED}
	for _, c := range []struct {
		err     error
		reached bool
		want    string
	}{
		{netErr, false, "در دسترس نیست"},
		{fmt.Errorf("send batch: %w", &exchange.HTTPError{Status: 503}), true, "موقتاً"},
		{&exchange.HTTPError{Status: 429}, true, "موقتاً"},
		{&exchange.HTTPError{Status: 401}, true, "هویت این میز را نپذیرفت"},
		{fmt.Errorf("%w: x", ErrAuth), true, "هویت این میز را نپذیرفت"},
		{&exchange.HTTPError{Status: 400}, true, "کد ۴۰۰"},
		{fmt.Errorf("dial: %w", pishkhan.Errorf(pishkhan.EUnavailable, "گواهی مرکز پذیرفته نشد", "certificate not trusted")), false, "گواهی مرکز پذیرفته نشد"},
		{errors.New("decode updates: unexpected EOF"), true, "خوانده نشد"},
	} {
		got := persianReason(c.err, c.reached)
		if !strings.Contains(got, c.want) {
			t.Errorf("%v: %q, want it to say %q", c.err, got, c.want)
		}
		if strings.ContainsAny(got, "abcdefghijklmnopqrstuvwxyz0123456789") {
			t.Errorf("%v: %q is not all Persian", c.err, got)
		}
	}
}

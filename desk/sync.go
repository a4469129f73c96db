package desk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/persian"
	"github.com/pishkhan/pishkhan/store"
	"github.com/pishkhan/pishkhan/sync/exchange"
	"github.com/pishkhan/pishkhan/sync/replicator"
)

// KeyFile is the desk's Ed25519 key's file name inside the data folder
// (owner-only, 0600). It is made at enrolment.
const KeyFile = "desk.key"

// The store is the replicator's outbox.
var _ replicator.Outbox = (*store.DB)(nil)

// KeyPath is the path of the desk's key file.
func (d *Desk) KeyPath() string { return filepath.Join(d.dataDir, KeyFile) }

// EnrolInput is what a technician enters to enrol the desk.
type EnrolInput struct {
	ExchangeURL string // e.g. https://exchange.example/
	OneTimeCode string // issued by the exchange for this office and desk
}

// Enrol registers the desk with the exchange: it makes a new Ed25519 key,
// sends its public half with the one-time code (signed with the key), and
// only when the exchange accepts it keeps the key in an owner-only file and
// records the enrolment. A previous key is replaced (the exchange revokes it).
func (d *Desk) Enrol(ctx context.Context, in EnrolInput, by Actor) (pishkhan.SyncState, error) {
	if err := d.authorize(ctx, by, pishkhan.ActEnrol); err != nil {
		return pishkhan.SyncState{}, err
	}
	cfg, err := d.Config(ctx)
	if err != nil {
		return pishkhan.SyncState{}, err
	}
	base, err := checkExchangeURL(in.ExchangeURL)
	if err != nil {
		return pishkhan.SyncState{}, err
	}
	code := strings.TrimSpace(persian.ToLatinDigits(in.OneTimeCode))
	if code == "" {
		return pishkhan.SyncState{}, pishkhan.FieldError("code", "کد یک‌بار مصرف را وارد کنید.", "the one-time enrolment code is required")
	}
	key, err := exchange.GenerateKey(nil)
	if err != nil {
		return pishkhan.SyncState{}, err
	}
	client := &exchange.Client{BaseURL: base, HTTP: d.httpClient()}
	resp, err := client.Enrol(ctx, cfg.OfficeCode, cfg.DeskNumber, code, key)
	if err != nil {
		return pishkhan.SyncState{}, enrolError(err)
	}
	// The key is saved before the enrolment is recorded: a crash in between
	// leaves a key without a record, and enrolling again fixes it.
	if err := exchange.SaveKey(d.KeyPath(), key); err != nil {
		return pishkhan.SyncState{}, pishkhan.WrapError(err, pishkhan.EInternal, "کلید میز ذخیره نشد.", "save the desk key")
	}
	if err := d.Store.SetEnrolment(ctx, base, resp.KeyID, by.Name()); err != nil {
		return pishkhan.SyncState{}, err
	}
	d.Log.Info("desk enrolled", "exchange", base, "key_id", resp.KeyID)
	return d.Store.SyncState(ctx)
}

func enrolError(err error) error {
	if se := wrapSetupError(err, "enrolment failed"); se != nil {
		return se
	}
	var he *exchange.HTTPError
	if errors.As(err, &he) {
		switch {
		case he.Detail.Code == exchange.CodeBadEnrolCode:
			return pishkhan.WrapError(err, pishkhan.EUnauthorized, "کد یک‌بار مصرف پذیرفته نشد (نادرست، مصرف‌شده یا منقضی)؛ کد تازه بگیرید.", "enrolment refused")
		case he.Auth():
			return pishkhan.WrapError(err, pishkhan.EUnauthorized, "مرکز ثبت این میز را نپذیرفت.", "enrolment refused")
		}
		return pishkhan.WrapError(err, pishkhan.EUnavailable, "مرکز پاسخ درستی نداد؛ کمی بعد دوباره تلاش کنید.", "enrolment failed")
	}
	return pishkhan.WrapError(err, pishkhan.EUnavailable, "ارتباط با مرکز برقرار نشد؛ نشانی و شبکه را بررسی کنید.", "enrolment failed")
}

func checkExchangeURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", pishkhan.FieldError("exchange_url", "نشانی مرکز باید مانند https://exchange.example باشد.", "exchange address %q must be an http(s) URL", s)
	}
	if err := checkExchangeScheme(u); err != nil {
		return "", err
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func (d *Desk) httpClient() *http.Client {
	if d.HTTP != nil {
		return d.HTTP
	}
	return d.exchangeHTTPClient() // desk/tls.go
}

// ExchangeClient is a signed client for the exchange the desk is enrolled
// with, or ENotInit when it is not enrolled.
func (d *Desk) ExchangeClient(ctx context.Context) (*exchange.Client, error) {
	st, err := d.Store.SyncState(ctx)
	if err != nil {
		return nil, err
	}
	client := &exchange.Client{BaseURL: st.ExchangeURL, HTTP: d.httpClient()}
	if !st.Enrolled() {
		return client, pishkhan.Errorf(pishkhan.ENotInit, "این میز هنوز در مرکز ثبت نشده است (pishkhan enrol).", "the desk is not enrolled with an exchange; run pishkhan enrol")
	}
	key, err := exchange.LoadKey(d.KeyPath())
	if err != nil {
		if errors.Is(err, exchange.ErrKeyMissing) {
			return client, pishkhan.WrapError(err, pishkhan.ENotInit, "کلید میز پیدا نشد؛ میز را دوباره در مرکز ثبت کنید.", "the desk key is missing; enrol again")
		}
		return client, pishkhan.WrapError(err, pishkhan.EInternal, "کلید میز خوانده نشد.", "read the desk key")
	}
	client.Signer = &exchange.Signer{KeyID: st.KeyID, Key: key}
	return client, nil
}

// NewReplicator makes the sync loop for this desk. The desk must be enrolled.
func (d *Desk) NewReplicator(ctx context.Context, cfg replicator.Config) (*replicator.Replicator, error) {
	if _, err := d.ExchangeClient(ctx); err != nil {
		return nil, err
	}
	if cfg.Log == nil {
		cfg.Log = d.Log
	}
	if cfg.Now == nil {
		cfg.Now = d.Now
	}
	return replicator.New(d.Store, d.ExchangeClient, cfg), nil
}

// SyncReport is the sync state as the CLI and the window show it when no
// replicator runs in this process.
type SyncReport struct {
	State          pishkhan.SyncState
	Outbox         pishkhan.OutboxStats
	Level          pishkhan.OfflineLevel
	CatalogVersion pishkhan.CatalogVersion
	Reachable      bool   // the exchange answered a health probe just now
	ProbeError     string // why not, when it did not
	ProbeErr       error  // the same as an error (pishkhan.PersianMessage gives its Persian)
	ExchangeTime   time.Time
}

// SyncStatus reports the desk's sync state; with probe it also asks the
// exchange's health (for at most a few seconds).
func (d *Desk) SyncStatus(ctx context.Context, probe bool) (SyncReport, error) {
	var r SyncReport
	var err error
	if r.State, err = d.Store.SyncState(ctx); err != nil {
		return r, err
	}
	if r.Outbox, err = d.Store.OutboxStats(ctx); err != nil {
		return r, err
	}
	if r.CatalogVersion, err = d.Store.CatalogVersion(ctx); err != nil {
		return r, err
	}
	r.Level = r.State.Limits.Level(r.Outbox, d.Now())
	if probe && r.State.ExchangeURL != "" {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		h, err := (&exchange.Client{BaseURL: r.State.ExchangeURL, HTTP: d.httpClient()}).Health(pctx)
		if err != nil {
			r.ProbeErr = probeError(err)
			r.ProbeError = r.ProbeErr.Error()
		} else {
			r.Reachable, r.ExchangeTime = true, h.ServerTime
		}
	}
	return r, nil
}

// SetOfflineLimits changes when the desk warns and when it refuses intake
// while requests wait unsent.
func (d *Desk) SetOfflineLimits(ctx context.Context, l pishkhan.OfflineLimits, by Actor) error {
	if err := d.authorize(ctx, by, pishkhan.ActSyncLimits); err != nil {
		return err
	}
	return d.Store.SetOfflineLimits(ctx, l, by.Name())
}

// checkOffline refuses a new intake when the oldest unsent request is past
// the hard limit. A retry of a request already filed (same id) is let
// through: filing it again writes nothing.
func (d *Desk) checkOffline(ctx context.Context, id pishkhan.ID) error {
	limits, oldest, err := d.Store.OfflineCheck(ctx)
	if err != nil {
		return err
	}
	// Level looks only at the oldest time when there is one; Pending just says there is.
	if limits.Level(pishkhan.OutboxStats{Pending: 1, Oldest: oldest}, d.Now()) != pishkhan.OfflineRefuse {
		return nil
	}
	if _, err := d.Store.RequestByID(ctx, id); err == nil {
		return nil
	}
	age := d.Now().Sub(oldest)
	return pishkhan.Errorf(pishkhan.ELimit,
		fmt.Sprintf("%s است که درخواست‌ها به مرکز ارسال نشده‌اند (بیش از حد مجاز %s)؛ تا برقراری ارتباط و ارسال آن‌ها، پذیرش درخواست تازه ممکن نیست.",
			PersianDuration(age), PersianDuration(limits.RefuseAfter)),
		"the oldest unsent request is %s old, past the offline limit of %s; new intake is refused until the outbox drains",
		age.Round(time.Minute), limits.RefuseAfter)
}

// PersianDuration writes a duration for a clerk: «۳ روز و ۴ ساعت», «۲۵ دقیقه».
func PersianDuration(d time.Duration) string {
	d = d.Truncate(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	var parts []string
	if days > 0 {
		parts = append(parts, persian.FormatInt(int64(days))+" روز")
	}
	if hours > 0 {
		parts = append(parts, persian.FormatInt(int64(hours))+" ساعت")
	}
	if mins > 0 && days == 0 {
		parts = append(parts, persian.FormatInt(int64(mins))+" دقیقه")
	}
	if len(parts) == 0 {
		return "کمتر از یک دقیقه"
	}
	return strings.Join(parts, " و ")
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/democatalog"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/devices/cardprofile"
	"github.com/pishkhan/pishkhan/devices/escpos"
	"github.com/pishkhan/pishkhan/sync/exchangesim"
	"github.com/pishkhan/pishkhan/sync/replicator"
)

// demoDataDir is where `pishkhan demo` works unless --data says otherwise:
// a folder of its own next to the real data folder, never the real one.
func demoDataDir() (string, error) {
	d, err := desk.DefaultDataDir()
	if err != nil {
		return "", err
	}
	return strings.TrimRight(d, `/\`) + "-demo", nil
}

// demoMarker marks a data folder as the demo's own. The demo works only in
// an empty folder or one with this marker, so it can never touch a real
// desk's data, whose folder holds the same database files.
const demoMarker = "PISHKHAN-DEMO"

// claimDemoFolder makes dir the demo's folder, or refuses: a folder that
// holds anything and has no demo marker belongs to someone else. With wipe,
// the demo's previous database is removed first.
func claimDemoFolder(dir string, wipe bool) error {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("read demo folder %s: %w", dir, err)
	}
	marked := false
	for _, en := range entries {
		if en.Name() == demoMarker {
			marked = true
		}
	}
	if len(entries) > 0 && !marked {
		return pishkhan.Errorf(pishkhan.EConflict, "این پوشه داده‌های یک میز واقعی یا پرونده‌های دیگری دارد؛ نسخه نمایشی به آن دست نمی‌زند.",
			"%s is not empty and is not a demo folder (no %s file); refusing to use or wipe it (choose another --data)", dir, demoMarker)
	}
	if wipe {
		for _, en := range entries {
			switch en.Name() {
			case desk.DBFile, desk.DBFile + "-wal", desk.DBFile + "-shm", desk.KeyFile,
				demoSimDB, demoSimDB + "-wal", demoSimDB + "-shm":
				if err := os.Remove(filepath.Join(dir, en.Name())); err != nil {
					return fmt.Errorf("wipe demo folder: %w", err)
				}
			}
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create demo folder %s: %w", dir, err)
	}
	if !marked {
		note := []byte("This folder holds Pishkhan's demo data (pishkhan demo). It may be wiped by 'pishkhan demo --fresh'.\n")
		if err := os.WriteFile(filepath.Join(dir, demoMarker), note, 0o600); err != nil {
			return fmt.Errorf("mark demo folder: %w", err)
		}
	}
	return nil
}

// demoCitizens are made-up people with valid national codes.
var demoCitizens = []struct{ nine, first, last, father, birth, mobile string }{
	{"001234567", "زهرا", "احمدی", "علی", "1368/04/12", "09121234567"},
	{"052417893", "محمدرضا", "کریمی", "حسین", "1359/11/03", "09351112233"},
	{"274615390", "فاطمه", "موسوی", "مهدی", "1375/01/28", "09187654321"},
	{"384920176", "علی", "رضایی", "جواد", "1380/07/15", "09011234567"},
	{"450918273", "مریم", "حسینی", "محمود", "1371/09/30", "09391234567"},
	{"612093847", "امیرحسین", "نوری", "رضا", "1363/02/09", "09161239876"},
}

func cmdDemo(e *env, args []string) error {
	fs := newFlags(e, "demo")
	fresh := fs.Bool("fresh", false, "start from an empty demo database")
	err := parseNoArgs(fs, args)
	if err != nil {
		return err
	}
	if e.dataDir == "" {
		if e.dataDir, err = demoDataDir(); err != nil {
			return err
		}
	}
	if err := claimDemoFolder(e.dataDir, *fresh); err != nil {
		return err
	}
	w := e.stdout
	step := func(format string, args ...any) { fmt.Fprintf(w, "\n== "+format+"\n", args...) }
	fmt.Fprintf(w, "Pishkhan %s — headless demo (the window: pishkhan app --demo)\ndata folder: %s\n", version, e.dataDir)

	d, err := e.createDesk()
	if err != nil {
		return err
	}
	defer d.Close()
	d.PINCost = pishkhan.DefaultArgon2id
	ctx := e.ctx

	step("1. set up the desk as its first run does (office and desk, the demo catalog, the first supervisor)")
	tech, err := setUpDemoDesk(ctx, d, demoDeskInput, func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) })
	if err != nil {
		return err
	}
	cfg, err := d.Config(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "office %05d «%s», desk %02d\n", cfg.OfficeCode, cfg.OfficeName, cfg.DeskNumber)

	step("2. the desk's users: each logs in with a PIN; the supervisor added the others")
	for _, u := range demoUsers {
		fmt.Fprintf(w, "%s (%s)\n", u.Username, u.Role)
	}

	step("3. the demo catalog")
	counts, err := d.Store.CatalogCounts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "catalog v%d: %d agencies, %d services (%d licence), %d sub-services, %d inquiry types\n",
		counts.Version, counts.Agencies, counts.Services, counts.Licence, counts.SubServices, counts.InquiryTypes)

	step("4. search the catalog in Persian (Arabic ي/ك and any digits work too)")
	for _, q := range []string{"گذرنامه", "كارت سوخت", "پلاک"} {
		hits, err := d.SearchCatalog(ctx, q, 3)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%q:\n", q)
		for _, h := range hits {
			fmt.Fprintf(w, "   %s  %s — %s  (%s rials, %d inquiries)\n", h.SubServiceID, h.SubServiceName, h.AgencyName, rials(h.TotalFee), h.Inquiries)
		}
	}

	step("5. devices: a receipt printer and a GemPC-Twin-style card reader, simulated on pseudo-terminals")
	devs, err := startDemoDevices(ctx, e.dataDir, d)
	if err != nil {
		return err
	}
	defer devs.close()
	fmt.Fprintf(w, "receipt printer on %s (%s, driven through the serial driver)\ncard reader on %s (%s)\n",
		devs.printerSim.PortName(), escpos.Profile80.Name, devs.cardSim.PortName(), devs.reader.Firmware())
	cardCitizen, err := devs.reader.ReadCitizen(ctx, cardprofile.Demo{}, cardprofile.ReadOptions{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "card read: %s %s, national code %s, father %s, born %s\n", cardCitizen.FirstName, cardCitizen.LastName,
		cardCitizen.NationalCode, cardCitizen.FatherName, cardCitizen.BirthDate)

	step("6. walk-ins: file requests (the first from the card just read)")
	licenceSub := ""
	licence := map[string]bool{}
	cat := democatalog.Version1()
	for _, s := range cat.Services {
		if s.Licence {
			licence[s.ID] = true
		}
	}
	for _, s := range cat.SubServices {
		if licence[s.ServiceID] {
			licenceSub = s.ID
			break
		}
	}
	subs := []string{"ss-0001", "ss-0005", "ss-0014", "ss-0009", "ss-0021", licenceSub}
	var codes []string
	for i, id := range subs {
		c := demoCitizens[i%len(demoCitizens)]
		nc, err := pishkhan.CompleteNationalCode(c.nine)
		if err != nil {
			return err
		}
		en, err := d.SubService(ctx, id)
		if err != nil {
			return err
		}
		fields, ok := democatalog.SampleForm(en.SubService, nc)
		if !ok {
			return fmt.Errorf("demo: no sample form for %s", id)
		}
		if _, has := fields["birth_date"]; has {
			fields["birth_date"] = c.birth
		}
		in := desk.IntakeInput{NationalCode: string(nc), FirstName: c.first, LastName: c.last, FatherName: c.father,
			BirthDate: c.birth, Mobile: c.mobile, SubServiceID: id, Fields: fields, PayMethod: "cash", Clerk: "operator1"}
		if i == 0 { // the citizen whose card is in the reader
			fields, _ = democatalog.SampleForm(en.SubService, cardCitizen.NationalCode)
			if _, has := fields["birth_date"]; has {
				fields["birth_date"] = cardCitizen.BirthDate
			}
			in.NationalCode, in.FirstName, in.LastName = string(cardCitizen.NationalCode), cardCitizen.FirstName, cardCitizen.LastName
			in.FatherName, in.BirthDate, in.Fields = cardCitizen.FatherName, cardCitizen.BirthDate, fields
		}
		if i%2 == 1 {
			in.PayMethod, in.TerminalRef = "card", strconv.Itoa(400000000000+i*7919)
		}
		r, err := d.Intake(ctx, in)
		if err != nil {
			return fmt.Errorf("demo intake of %s: %w", id, err)
		}
		codes = append(codes, string(r.TrackingCode))
		fmt.Fprintf(w, "%s  %s %s — %s: %d inquiries, %s rials (%s)\n", r.TrackingCode.Display(), in.FirstName, in.LastName,
			en.SubService.Name, len(r.Inquiries), rials(r.TotalFee()), in.PayMethod)
	}

	step("7. receipts: printed from the store's print jobs, each marked printed only after the printer says it is fine")
	if err := devs.printReceipts(ctx, w, codes[0]); err != nil {
		return err
	}

	step("8. bad input is refused, in Persian for the screen and English for logs; nothing is written")
	_, err = d.Intake(ctx, desk.IntakeInput{NationalCode: "۰۰۱۲۳۴۵۶۷۸", FirstName: "نمونه", LastName: "نمونه", SubServiceID: "ss-0001", PayMethod: "cash", Clerk: "operator1"})
	fmt.Fprintf(w, "national code ۰۰۱۲۳۴۵۶۷۸ → %v\n   fa: %s\n", err, pishkhan.PersianMessage(err))

	step("9. the central exchange: the built-in simulator on loopback; the technician enrols the desk")
	sim, url, stopSim, err := startDemoExchange(ctx, e.dataDir)
	if err != nil {
		return err
	}
	defer stopSim()
	code, err := sim.IssueEnrolCode(ctx, cfg.OfficeCode, cfg.DeskNumber)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "exchange simulator at %s; it issued the one-time code %s for office %05d desk %02d\n", url, code, cfg.OfficeCode, cfg.DeskNumber)
	st, err := d.Enrol(ctx, desk.EnrolInput{ExchangeURL: url, OneTimeCode: code}, tech)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "enrolled as key %s; the desk's Ed25519 key is in %s (owner-only)\n", st.KeyID, d.KeyPath())

	step("10. sync: the outbox goes to the exchange in signed batches")
	if err := demoSync(ctx, w, d); err != nil {
		return err
	}

	step("11. the exchange answers the inquiries (a few seconds); sync again")
	time.Sleep(3 * demoInquiryDelay)
	if err := demoSync(ctx, w, d); err != nil {
		return err
	}

	step("12. the exchange publishes catalog version 2 (a fee rises, sub-services retire); the desk applies the delta")
	if err := sim.PublishCatalog(ctx, 2); err != nil {
		return err
	}
	if err := demoSync(ctx, w, d); err != nil {
		return err
	}
	ch := democatalog.Changes(2)
	if len(ch.Raised) > 0 {
		if en, err := d.SubService(ctx, ch.Raised[0]); err == nil {
			fmt.Fprintf(w, "%s «%s»: government fee now %s rials under v%d (requests filed earlier keep their own fee)\n",
				en.SubService.ID, en.SubService.Name, rials(en.SubService.GovFee), en.Version)
		}
	}
	fmt.Fprintf(w, "%d sub-services retired in v2, %d fees raised\n", len(ch.Retired), len(ch.Raised))

	step("13. today's requests, with the exchange's answers")
	vs, err := d.ListDay(ctx, d.Today())
	if err != nil {
		return err
	}
	if err := emitList(&env{stdout: w}, vs); err != nil {
		return err
	}

	step("14. look one up by tracking code")
	v, err := d.Show(ctx, codes[0])
	if err != nil {
		return err
	}
	printRequest(w, v)

	step("15. verify the audit trail")
	rep, err := d.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "audit trail OK: %d entries, head %s\n", rep.Entries, rep.Last.Hash)
	fmt.Fprintf(w, "\nTry it yourself:\n  bin/pishkhan --data %s catalog search 'گواهینامه'\n  bin/pishkhan --data %s show %s\n  bin/pishkhan --data %s sync status --probe=false\n  bin/pishkhan devices test-print --sim --profile 80mm-iransystem --preview /tmp/receipt.png\nReceipt previews (what the simulated printer put on paper): %s\n",
		e.dataDir, e.dataDir, codes[0], e.dataDir, devs.dir)
	return nil
}

// demoUsers are the demo desk's users, one of each role.
var demoUsers = []desk.AddUserInput{
	{Username: "modir", FullName: "مدیر دفتر نمایشی", Role: "supervisor", PIN: "۲۴۶۸۱۳"},
	{Username: "operator1", FullName: "اپراتور یک", Role: "clerk", PIN: "135790"},
	{Username: "fanni", FullName: "کارشناس فنی نمایشی", Role: "technician", PIN: "975310"},
}

// demoDeskInput is the demo desk's office and desk.
var demoDeskInput = desk.InitInput{OfficeCode: "۱۲۳۴۵", OfficeName: "دفتر پیشخوان خدمات دولت شماره ۱۲۳۴۵ (نمایشی)", DeskNumber: "1"}

// setUpDemoDesk sets a demo desk up as its first run does (office and desk,
// the demo catalog, the supervisor modir), then modir adds the other demo
// users; it returns the technician logged in with their PIN. On a desk set
// up before, modir logs in only if a demo user is missing.
func setUpDemoDesk(ctx context.Context, d *desk.Desk, in desk.InitInput, say func(format string, args ...any)) (tech desk.Actor, err error) {
	has, err := d.Store.HasUsers(ctx)
	if err != nil {
		return tech, err
	}
	sup := demoUsers[0]
	var boss desk.Actor // modir, once logged in
	if !has {
		if boss, err = d.FirstRun(ctx, desk.FirstRunInput{Desk: in, Supervisor: sup, Catalog: democatalog.Version1()}); err != nil {
			return tech, err
		}
		say("first run: office, catalog and supervisor %s", sup.Username)
	}
	for _, u := range demoUsers[1:] {
		if _, err := d.User(ctx, u.Username); err == nil {
			continue
		}
		if boss.Name() == "" {
			if boss, err = d.Login(ctx, sup.Username, sup.PIN); err != nil {
				return tech, err
			}
		}
		if _, err := d.AddUser(ctx, u, boss); err != nil {
			return tech, err
		}
		say("%s added %s (%s)", sup.Username, u.Username, u.Role)
	}
	t := demoUsers[2]
	return d.Login(ctx, t.Username, t.PIN)
}

// demoSimDB is the demo exchange simulator's database file in the demo folder.
const demoSimDB = "exchange-sim.db"

// demoInquiryDelay is how long the demo exchange takes over an inquiry.
const demoInquiryDelay = time.Second

// startDemoExchange runs the exchange simulator in this process on a
// loopback port, with its state in the demo folder.
func startDemoExchange(ctx context.Context, dir string) (*exchangesim.Sim, string, func(), error) {
	sim, err := exchangesim.Open(ctx, exchangesim.Config{DBPath: filepath.Join(dir, demoSimDB), Seed: 1405,
		InquiryDelay: demoInquiryDelay, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		sim.Close()
		return nil, "", nil, fmt.Errorf("listen on loopback for the demo exchange: %w", err)
	}
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return sim, "http://" + ln.Addr().String(), func() { srv.Close(); sim.Close() }, nil
}

// demoSync drains the outbox and pulls updates and the catalog, and says what happened.
func demoSync(ctx context.Context, w io.Writer, d *desk.Desk) error {
	rep, err := d.NewReplicator(ctx, replicator.Config{})
	if err != nil {
		return err
	}
	cctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := rep.Drain(cctx); err != nil {
		return fmt.Errorf("demo sync: %w", err)
	}
	st := rep.Status()
	rows, err := d.Store.SQL().QueryContext(ctx, "SELECT state, COUNT(*) FROM requests GROUP BY state ORDER BY state")
	if err != nil {
		return err
	}
	defer rows.Close()
	var parts []string
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return err
		}
		parts = append(parts, fmt.Sprintf("%d %s (%s)", n, s, pishkhan.RequestState(s).Persian()))
	}
	fmt.Fprintf(w, "sent %d, pending %d, catalog v%d; requests: %s\n", st.Sent, st.Pending, st.CatalogVersion, strings.Join(parts, ", "))
	return rows.Err()
}

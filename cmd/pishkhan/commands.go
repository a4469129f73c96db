package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/atomicfile"
	"github.com/pishkhan/pishkhan/democatalog"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/persian"
	"github.com/pishkhan/pishkhan/store"
)

// parseNoArgs parses a command's flags and refuses any other argument.
func parseNoArgs(fs *flag.FlagSet, args []string) error {
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	return noArgs(pos)
}

func noArgs(pos []string) error {
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	return nil
}

func cmdInit(e *env, args []string) error {
	fs := newFlags(e, "init")
	office := fs.String("office", "", "office code, 1–99999 (required)")
	name := fs.String("office-name", "", "office name as printed on receipts (required)")
	deskNo := fs.String("desk", "", "desk number in the office, 1–99 (required)")
	err := parseNoArgs(fs, args)
	if err != nil {
		return err
	}
	in := desk.InitInput{OfficeCode: *office, OfficeName: *name, DeskNumber: *deskNo}
	// Validate before anything touches the disk: bad input writes nothing.
	if _, err := desk.ParseInitInput(in); err != nil {
		return err
	}
	d, err := e.createDesk()
	if err != nil {
		return err
	}
	defer d.Close()
	by, err := e.actor(d)
	if err != nil {
		return err
	}
	cfg, err := d.Init(e.ctx, in, by)
	if err != nil {
		return err
	}
	return e.emit(map[string]any{"office_code": cfg.OfficeCode, "office_name": cfg.OfficeName, "desk": cfg.DeskNumber, "data": e.dataDir},
		func(w io.Writer) {
			fmt.Fprintf(w, "desk ready: office %05d (%s), desk %02d, data in %s\n", cfg.OfficeCode, cfg.OfficeName, cfg.DeskNumber, e.dataDir)
		})
}

func cmdUsers(e *env, args []string) error {
	if len(args) == 0 {
		return usagef("users needs a subcommand: add or list")
	}
	switch args[0] {
	case "add":
		fs := newFlags(e, "users add")
		username := fs.String("username", "", "user name: 3–32 lower-case letters, digits, . - _ (required)")
		fullName := fs.String("name", "", "full name (required)")
		role := fs.String("role", "", "clerk, supervisor or technician (required)")
		pin := fs.String("pin", "", "PIN, 4–12 digits (or use --pin-stdin)")
		pinStdin := fs.Bool("pin-stdin", false, "read the PIN from standard input (the line after --user's PIN)")
		pos, err := parse(fs, args[1:])
		if err != nil {
			return err
		}
		if err := noArgs(pos); err != nil {
			return err
		}
		p := *pin
		if *pinStdin {
			// With --user, their PIN comes first and the new user's next.
			if e.user != "" {
				if _, err := e.actorPIN(); err != nil {
					return err
				}
			}
			line, err := e.line()
			if err != nil {
				return pishkhan.FieldError("pin", "رمز از ورودی خوانده نشد.", "could not read the PIN from standard input")
			}
			p = strings.TrimSpace(line)
		}
		// Check everything that needs no database first.
		if err := pishkhan.CheckUsername(*username); err != nil {
			return err
		}
		if _, err := pishkhan.ParseRole(*role); err != nil {
			return err
		}
		if _, err := pishkhan.NormalizePIN(p); err != nil {
			return err
		}
		d, by, err := e.openDeskAs()
		if err != nil {
			return err
		}
		defer d.Close()
		u, err := d.AddUser(e.ctx, desk.AddUserInput{Username: *username, FullName: *fullName, Role: *role, PIN: p}, by)
		if err != nil {
			return err
		}
		return e.emit(userJSON(u), func(w io.Writer) { fmt.Fprintf(w, "user %s added as %s\n", u.Username, u.Role) })
	case "list":
		fs := newFlags(e, "users list")
		pos, err := parse(fs, args[1:])
		if err != nil {
			return err
		}
		if err := noArgs(pos); err != nil {
			return err
		}
		d, err := e.openDesk()
		if err != nil {
			return err
		}
		defer d.Close()
		us, err := d.Users(e.ctx)
		if err != nil {
			return err
		}
		out := make([]map[string]any, 0, len(us))
		for _, u := range us {
			out = append(out, userJSON(u))
		}
		return e.emit(out, func(w io.Writer) {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "USER\tROLE\tNAME\tACTIVE")
			for _, u := range us {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%v\n", u.Username, u.Role, u.FullName, u.Active)
			}
			tw.Flush()
		})
	}
	return usagef("unknown users subcommand %q: use add or list", args[0])
}

func userJSON(u pishkhan.User) map[string]any {
	return map[string]any{"id": u.ID.String(), "username": u.Username, "full_name": u.FullName, "role": u.Role, "active": u.Active}
}

func cmdCatalog(e *env, args []string) error {
	if len(args) == 0 {
		return usagef("catalog needs a subcommand: import, export, search or show")
	}
	switch args[0] {
	case "import":
		fs := newFlags(e, "catalog import")
		demo := fs.Bool("demo", false, "install the built-in demo catalog")
		version := fs.Int64("version", 1, "demo catalog version, with --demo")
		pos, err := parse(fs, args[1:])
		if err != nil {
			return err
		}
		var cat *pishkhan.Catalog
		switch {
		case *demo && len(pos) == 0:
			if *version < 1 {
				return pishkhan.FieldError("version", "نسخه باید مثبت باشد.", "demo catalog version must be at least 1")
			}
			cat = democatalog.Generate(pishkhan.CatalogVersion(*version))
		case !*demo && len(pos) == 1:
			if cat, err = desk.ReadCatalogFile(pos[0]); err != nil {
				return err
			}
		default:
			return usagef("catalog import needs --demo or one catalog JSON file")
		}
		d, by, err := e.openDeskAs()
		if err != nil {
			return err
		}
		defer d.Close()
		c, err := d.ImportCatalog(e.ctx, cat, by)
		if err != nil {
			return err
		}
		return e.emit(c, func(w io.Writer) {
			fmt.Fprintf(w, "catalog v%d installed: %d agencies, %d services (%d licence), %d sub-services, %d inquiry types\n",
				c.Version, c.Agencies, c.Services, c.Licence, c.SubServices, c.InquiryTypes)
		})
	case "export":
		fs := newFlags(e, "catalog export")
		version := fs.Int64("version", 1, "demo catalog version")
		pos, err := parse(fs, args[1:])
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return usagef("catalog export needs one output file (- for standard output)")
		}
		if *version < 1 {
			return pishkhan.FieldError("version", "نسخه باید مثبت باشد.", "demo catalog version must be at least 1")
		}
		b, err := json.MarshalIndent(democatalog.Generate(pishkhan.CatalogVersion(*version)), "", " ")
		if err != nil {
			return fmt.Errorf("encode catalog: %w", err)
		}
		if pos[0] == "-" {
			_, err = e.stdout.Write(append(b, '\n'))
			return err
		}
		if err := atomicfile.Write(pos[0], ".pishkhan-*.tmp", append(b, '\n')); err != nil {
			return pishkhan.WrapError(err, pishkhan.EInternal, "پرونده نوشته نشد.", "write %s", pos[0])
		}
		return nil
	case "search":
		fs := newFlags(e, "catalog search")
		limit := fs.Int("limit", 10, "most results to show (1–500)")
		pos, err := parse(fs, args[1:])
		if err != nil {
			return err
		}
		q := strings.TrimSpace(strings.Join(pos, " "))
		if q == "" {
			return usagef("catalog search needs a query")
		}
		if *limit < 1 || *limit > 500 {
			return pishkhan.FieldError("limit", "تعداد نتایج باید بین ۱ و ۵۰۰ باشد.", "limit must be 1..500, got %d", *limit)
		}
		d, err := e.openDesk()
		if err != nil {
			return err
		}
		defer d.Close()
		hits, err := d.SearchCatalog(e.ctx, q, *limit)
		if err != nil {
			return err
		}
		if hits == nil {
			hits = []store.CatalogHit{}
		}
		return e.emit(hits, func(w io.Writer) {
			if len(hits) == 0 {
				fmt.Fprintf(w, "no sub-service matches %q\n", q)
				return
			}
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tFEE (RIALS)\tINQ\tSUB-SERVICE\tSERVICE\tAGENCY")
			for _, h := range hits {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", h.SubServiceID, rials(h.TotalFee), h.Inquiries, h.SubServiceName, h.ServiceName, h.AgencyName)
			}
			tw.Flush()
		})
	case "show":
		fs := newFlags(e, "catalog show")
		pos, err := parse(fs, args[1:])
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return usagef("catalog show needs one sub-service id")
		}
		d, err := e.openDesk()
		if err != nil {
			return err
		}
		defer d.Close()
		en, err := d.SubService(e.ctx, pos[0])
		if err != nil {
			return err
		}
		return e.emit(en, func(w io.Writer) {
			s := en.SubService
			fmt.Fprintf(w, "%s  %s\n  service: %s (%s)\n  agency:  %s\n  fees:    government %s + counter %s = %s rials\n",
				s.ID, s.Name, en.Service.Name, en.Service.ID, en.Agency.Name, rials(s.GovFee), rials(s.CounterFee), rials(s.TotalFee()))
			fmt.Fprintln(w, "  form:")
			for _, f := range s.Fields {
				req := ""
				if f.Required {
					req = " (required)"
				}
				fmt.Fprintf(w, "    --field %s=…   %s [%s]%s\n", f.Key, f.Label, f.Type, req)
			}
			fmt.Fprintf(w, "  inquiries (%d):\n", len(en.Inquiries))
			for _, q := range en.Inquiries {
				fmt.Fprintf(w, "    %s  %s\n", q.ID, q.Name)
			}
		})
	}
	return usagef("unknown catalog subcommand %q", args[0])
}

func cmdIntake(e *env, args []string) error {
	fs := newFlags(e, "intake")
	var in desk.IntakeInput
	fields := fieldFlags{}
	fs.StringVar(&in.Clerk, "clerk", "", "user name of the clerk (required)")
	fs.StringVar(&in.NationalCode, "national-code", "", "citizen's national code, any digits (required)")
	fs.StringVar(&in.FirstName, "first-name", "", "citizen's first name (required)")
	fs.StringVar(&in.LastName, "last-name", "", "citizen's last name (required)")
	fs.StringVar(&in.FatherName, "father-name", "", "father's name")
	fs.StringVar(&in.BirthDate, "birth-date", "", "Jalali birth date YYYY/MM/DD")
	fs.StringVar(&in.Mobile, "mobile", "", "mobile number 09…")
	fs.StringVar(&in.SubServiceID, "sub-service", "", "sub-service id (see catalog search) (required)")
	fs.Var(fields, "field", "form value key=value (repeat)")
	fs.StringVar(&in.PayMethod, "pay", "cash", "payment: cash or card")
	fs.StringVar(&in.Amount, "amount", "", "amount paid in rials (default: the fee due)")
	fs.StringVar(&in.TerminalRef, "ref", "", "card terminal reference number, for --pay card")
	fs.StringVar(&in.ID, "id", "", "the request's UUIDv7, to make a retry safe (default: a new one)")
	err := parseNoArgs(fs, args)
	if err != nil {
		return err
	}
	in.Fields = fields
	d, err := e.openDesk()
	if err != nil {
		return err
	}
	defer d.Close()
	r, err := d.Intake(e.ctx, in)
	if err != nil {
		return err
	}
	return e.emit(map[string]any{"tracking_code": r.TrackingCode, "id": r.ID.String(), "state": r.State, "total_fee": r.TotalFee(),
		"inquiries": len(r.Inquiries)}, func(w io.Writer) { fmt.Fprintln(w, r.TrackingCode.Display()) })
}

func cmdShow(e *env, args []string) error {
	fs := newFlags(e, "show")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("show needs one tracking code")
	}
	d, err := e.openDesk()
	if err != nil {
		return err
	}
	defer d.Close()
	v, err := d.Show(e.ctx, pos[0])
	if err != nil {
		return err
	}
	return e.emit(requestJSON(v, true), func(w io.Writer) { printRequest(w, v) })
}

func cmdLookup(e *env, args []string) error {
	fs := newFlags(e, "lookup")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("lookup needs one tracking code or national code")
	}
	d, err := e.openDesk()
	if err != nil {
		return err
	}
	defer d.Close()
	vs, err := d.Lookup(e.ctx, pos[0])
	if err != nil {
		return err
	}
	return emitList(e, vs)
}

func cmdList(e *env, args []string) error {
	fs := newFlags(e, "list")
	today := fs.Bool("today", false, "today's requests")
	day := fs.String("day", "", "a Jalali day YYYY/MM/DD")
	err := parseNoArgs(fs, args)
	if err != nil {
		return err
	}
	if *today == (*day != "") {
		return usagef("list needs exactly one of --today or --day YYYY/MM/DD")
	}
	var dd persian.Date
	if *day != "" {
		if dd, err = persian.ParseDate(*day); err != nil {
			return pishkhan.FieldError("day", "تاریخ را به شکل ۱۴۰۵/۰۹/۰۷ وارد کنید.", "day %q: %v", *day, err)
		}
	}
	d, err := e.openDesk()
	if err != nil {
		return err
	}
	defer d.Close()
	if *today {
		dd = d.Today()
	}
	vs, err := d.ListDay(e.ctx, dd)
	if err != nil {
		return err
	}
	return emitList(e, vs)
}

func emitList(e *env, vs []store.RequestView) error {
	out := make([]map[string]any, 0, len(vs))
	for _, v := range vs {
		out = append(out, requestJSON(v, false))
	}
	return e.emit(out, func(w io.Writer) {
		if len(vs) == 0 {
			fmt.Fprintln(w, "no requests")
			return
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "TRACKING CODE\tTIME\tSTATE\tNATIONAL CODE\tCITIZEN\tSUB-SERVICE\tFEE (RIALS)")
		for _, v := range vs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.TrackingCode.Display(), v.CreatedAt.In(persian.Tehran()).Format("15:04"),
				v.State, v.Citizen.NationalCode.Masked(), v.Citizen.FullName(), v.SubServiceName, rials(v.TotalFee()))
		}
		tw.Flush()
		fmt.Fprintf(w, "%d requests\n", len(vs))
	})
}

func requestJSON(v store.RequestView, details bool) map[string]any {
	m := map[string]any{
		"id": v.ID.String(), "tracking_code": v.TrackingCode, "day": v.Day, "state": v.State, "state_fa": v.State.Persian(),
		"national_code": v.Citizen.NationalCode, "citizen": v.Citizen.FullName(), "sub_service_id": v.SubServiceID,
		"sub_service": v.SubServiceName, "service": v.ServiceName, "agency": v.AgencyName, "catalog_version": v.CatalogVersion,
		"gov_fee": v.GovFee, "counter_fee": v.CounterFee, "total_fee": v.TotalFee(), "clerk": v.ClerkID,
		"created_at": v.CreatedAt.Format(time.RFC3339),
	}
	if details {
		m["fields"] = v.Fields
		m["father_name"] = v.Citizen.FatherName
		m["birth_date"] = v.Citizen.BirthDate
		m["mobile"] = v.Citizen.Mobile
		inq := make([]map[string]any, 0, len(v.Inquiries))
		for _, q := range v.Inquiries {
			inq = append(inq, map[string]any{"type": q.TypeID, "name": v.InquiryNames[q.TypeID], "state": q.State, "answer": q.Answer})
		}
		m["inquiries"] = inq
		if v.Payment != nil {
			m["payment"] = map[string]any{"method": v.Payment.Method, "amount": v.Payment.Amount, "terminal_ref": v.Payment.TerminalRef}
		}
		jobs := make([]map[string]any, 0, len(v.PrintJobs))
		for _, j := range v.PrintJobs {
			jobs = append(jobs, map[string]any{"id": j.ID, "kind": j.Kind, "state": j.State, "attempts": j.Attempts})
		}
		m["print_jobs"] = jobs
	}
	return m
}

func printRequest(w io.Writer, v store.RequestView) {
	fmt.Fprintf(w, "tracking code  %s\n", v.TrackingCode.Display())
	fmt.Fprintf(w, "state          %s (%s)\n", v.State, v.State.Persian())
	if v.StateNote != "" {
		fmt.Fprintf(w, "note           %s\n", v.StateNote)
	}
	fmt.Fprintf(w, "filed          %s by %s\n", persian.ToLatinDigits(persian.FormatDateTime(v.CreatedAt.In(persian.Tehran()))), v.ClerkID)
	fmt.Fprintf(w, "citizen        %s, national code %s\n", v.Citizen.FullName(), v.Citizen.NationalCode)
	fmt.Fprintf(w, "service        %s — %s — %s (%s, catalog v%d)\n", v.AgencyName, v.ServiceName, v.SubServiceName, v.SubServiceID, v.CatalogVersion)
	fmt.Fprintf(w, "fees           government %s + counter %s = %s rials\n", rials(v.GovFee), rials(v.CounterFee), rials(v.TotalFee()))
	if v.Payment != nil {
		ref := ""
		if v.Payment.TerminalRef != "" {
			ref = ", ref " + v.Payment.TerminalRef
		}
		fmt.Fprintf(w, "payment        %s %s rials%s\n", v.Payment.Method, rials(v.Payment.Amount), ref)
	}
	keys := make([]string, 0, len(v.Fields))
	for k := range v.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "field          %s = %s\n", k, v.Fields[k])
	}
	fmt.Fprintf(w, "inquiries      %d\n", len(v.Inquiries))
	for _, q := range v.Inquiries {
		fmt.Fprintf(w, "  %-8s %s %s\n", q.State, v.InquiryNames[q.TypeID], q.Answer)
	}
	for _, j := range v.PrintJobs {
		fmt.Fprintf(w, "print job      #%d %s %s\n", j.ID, j.Kind, j.State)
	}
}

func cmdAudit(e *env, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return usagef("audit needs the subcommand verify")
	}
	fs := newFlags(e, "audit verify")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	d, err := e.openDesk()
	if err != nil {
		return err
	}
	defer d.Close()
	rep, err := d.VerifyAudit(e.ctx)
	if err != nil {
		return err
	}
	head := ""
	if rep.Last != nil {
		head = rep.Last.Hash
	}
	return e.emit(map[string]any{"ok": true, "entries": rep.Entries, "head": head}, func(w io.Writer) {
		fmt.Fprintf(w, "audit trail OK: %d entries, head %s\n", rep.Entries, head)
	})
}

func cmdPurge(e *env, args []string) error {
	fs := newFlags(e, "purge")
	days := fs.Int("retention-days", 0, "keep personal data this many days after intake (required, ≥ 1)")
	err := parseNoArgs(fs, args)
	if err != nil {
		return err
	}
	if *days < 1 {
		return pishkhan.FieldError("retention", "مدت نگهداری باید دست‌کم یک روز باشد.", "--retention-days must be at least 1")
	}
	d, by, err := e.openDeskAs()
	if err != nil {
		return err
	}
	defer d.Close()
	n, err := d.PurgePersonalData(e.ctx, time.Duration(*days)*24*time.Hour, by)
	if err != nil {
		return err
	}
	return e.emit(map[string]any{"purged": n}, func(w io.Writer) { fmt.Fprintf(w, "personal data removed from %d requests\n", n) })
}

func cmdVersion(e *env, args []string) error {
	return e.emit(map[string]any{"version": version}, func(w io.Writer) { fmt.Fprintln(w, "pishkhan", version) })
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

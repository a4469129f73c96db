package desk_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/democatalog"
	"github.com/pishkhan/pishkhan/desk"
	"github.com/pishkhan/pishkhan/persian"
)

func TestShowAndLookup(t *testing.T) {
	d, c := readyDesk(t)
	ctx := context.Background()
	nc1 := nationalCode(t, "001234567")
	nc2 := nationalCode(t, "987654321")
	var codes []pishkhan.TrackingCode
	for _, nc := range []pishkhan.NationalCode{nc1, nc2, nc1} {
		r, err := d.Intake(ctx, passInput(nc))
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, r.TrackingCode)
		c.advance(time.Minute)
	}
	code := string(codes[1])
	arabic := strings.NewReplacer("0", "٠", "1", "١", "2", "٢", "3", "٣", "4", "٤", "5", "٥", "6", "٦", "7", "٧", "8", "٨", "9", "٩")

	// Show accepts any digit script, with or without the display dashes.
	for _, q := range []string{code, codes[1].Display(), persian.ToPersianDigits(codes[1].Display()), arabic.Replace(code), " " + code + " "} {
		v, err := d.Show(ctx, q)
		if err != nil || v.TrackingCode != codes[1] || v.Citizen.NationalCode != nc2 {
			t.Errorf("Show(%q) = %s, %v", q, v.TrackingCode, err)
		}
	}
	// Every single mistyped digit is caught by the check digit: invalid, not "not found".
	for i := 0; i < len(code); i++ {
		for _, delta := range []byte{1, 5} {
			b := []byte(code)
			b[i] = '0' + (b[i]-'0'+delta)%10
			_, err := d.Show(ctx, string(b))
			expectCode(t, err, pishkhan.EInvalid, "tracking_code")
			if err != nil && !strings.Contains(err.Error(), "check digit") {
				t.Errorf("Show(%s): %v; want a check-digit error", b, err)
			}
		}
	}
	// Two adjacent digits swapped are caught too.
	for i := 0; i+1 < len(code); i++ {
		if code[i] == code[i+1] {
			continue
		}
		b := []byte(code)
		b[i], b[i+1] = b[i+1], b[i]
		_, err := d.Show(ctx, string(b))
		expectCode(t, err, pishkhan.EInvalid, "tracking_code")
	}
	// A well-formed code that was never issued is not found.
	unknown, _ := pishkhan.NewTrackingCode(pishkhan.TrackingParts{Office: 12345, Desk: 3, Year: 1405, Month: 9, Day: 7, Seq: 999})
	_, err := d.Show(ctx, string(unknown))
	expectCode(t, err, pishkhan.ENotFound, "")
	for _, q := range []string{"", "123", "12345-03-050907-0001", strings.Repeat("1", 19), "abcdefghijklmnopqr"} {
		_, err := d.Show(ctx, q)
		expectCode(t, err, pishkhan.EInvalid, "tracking_code")
	}

	// Lookup by national code, any digit script: newest first.
	for _, q := range []string{string(nc1), persian.ToPersianDigits(string(nc1)), arabic.Replace(string(nc1)),
		string(nc1[:3]) + "-" + string(nc1[3:9]) + "-" + string(nc1[9:])} {
		vs, err := d.Lookup(ctx, q)
		if err != nil || len(vs) != 2 || vs[0].TrackingCode != codes[2] || vs[1].TrackingCode != codes[0] {
			t.Errorf("Lookup(%q) = %d results, %v", q, len(vs), err)
		}
	}
	if vs, err := d.Lookup(ctx, string(nationalCode(t, "111222333"))); err != nil || len(vs) != 0 {
		t.Errorf("Lookup of a citizen with no requests: %d, %v", len(vs), err)
	}
	// Lookup by tracking code.
	vs, err := d.Lookup(ctx, persian.ToPersianDigits(codes[1].Display()))
	if err != nil || len(vs) != 1 || vs[0].TrackingCode != codes[1] || vs[0].Payment == nil {
		t.Errorf("Lookup by tracking code: %+v, %v", vs, err)
	}
	b := []byte(code)
	b[5] = '0' + (b[5]-'0'+1)%10
	_, err = d.Lookup(ctx, string(b))
	expectCode(t, err, pishkhan.EInvalid, "tracking_code")
	// Bad queries.
	_, err = d.Lookup(ctx, string(nc1[:9])+string('0'+(nc1[9]-'0'+1)%10))
	expectCode(t, err, pishkhan.EInvalid, "national_code")
	for _, q := range []string{"", "12345", "علی رضایی", "1234567890123"} {
		_, err := d.Lookup(ctx, q)
		expectCode(t, err, pishkhan.EInvalid, "query")
	}
}

func TestListDay(t *testing.T) {
	d, c := readyDesk(t)
	ctx := context.Background()
	nc := nationalCode(t, "001234567")
	for i := 0; i < 3; i++ {
		if _, err := d.Intake(ctx, passInput(nc)); err != nil {
			t.Fatal(err)
		}
		c.advance(time.Hour)
	}
	c.advance(24 * time.Hour)
	if _, err := d.Intake(ctx, passInput(nc)); err != nil {
		t.Fatal(err)
	}
	day := persian.Date{Year: 1405, Month: 9, Day: 7}
	vs, err := d.ListDay(ctx, day)
	if err != nil || len(vs) != 3 {
		t.Fatalf("ListDay(%v) = %d, %v", day, len(vs), err)
	}
	for i, v := range vs {
		if _, p, _ := pishkhan.ParseTrackingCode(string(v.TrackingCode), 1405); p.Seq != i+1 || v.Day != "1405/09/07" {
			t.Errorf("ListDay[%d] = %s day %s", i, v.TrackingCode, v.Day)
		}
	}
	if d.Today() != (persian.Date{Year: 1405, Month: 9, Day: 8}) {
		t.Errorf("Today = %v", d.Today())
	}
	if vs, err := d.ListDay(ctx, d.Today()); err != nil || len(vs) != 1 {
		t.Errorf("ListDay(today) = %d, %v", len(vs), err)
	}
	if vs, err := d.ListDay(ctx, persian.Date{Year: 1405, Month: 9, Day: 1}); err != nil || len(vs) != 0 {
		t.Errorf("ListDay of an empty day = %d, %v", len(vs), err)
	}
	for _, bad := range []persian.Date{{}, {Year: 1405, Month: 13, Day: 1}, {Year: 1405, Month: 7, Day: 31}, {Year: 1403, Month: 12, Day: 31}} {
		_, err := d.ListDay(ctx, bad)
		expectCode(t, err, pishkhan.EInvalid, "day")
	}
}

// TestDemoCatalog installs the full demo catalog and files a request for a
// real service found by a Persian search.
func TestDemoCatalog(t *testing.T) {
	d, _ := openDesk(t)
	ctx := context.Background()
	if _, err := d.Init(ctx, desk.InitInput{OfficeCode: "۲۰۰۱۷", OfficeName: "دفتر پیشخوان نمونه", DeskNumber: "۱"}, setupActor(t, d)); err != nil {
		t.Fatal(err)
	}
	addUsers(t, d)
	cat := democatalog.Version1()
	c, err := d.ImportCatalog(ctx, cat, as(t, d, "tech"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != 1 || c.Agencies != len(cat.Agencies) || c.Services != len(cat.Services) ||
		c.SubServices != len(cat.SubServices) || c.InquiryTypes != len(cat.InquiryTypes) {
		t.Errorf("counts %+v for a catalog of %d/%d/%d/%d", c, len(cat.Agencies), len(cat.Services), len(cat.SubServices), len(cat.InquiryTypes))
	}
	var licence int
	for _, s := range cat.Services {
		if s.Licence {
			licence++
		}
	}
	if c.Licence != licence {
		t.Errorf("licence services %d, want %d", c.Licence, licence)
	}

	// A real entry outranks generated filler, whatever the letters typed.
	for _, q := range []string{"فک پلاک", "فك پلاك", "فـک  پلاک خودرو"} {
		hits, err := d.SearchCatalog(ctx, q, 10)
		if err != nil || len(hits) == 0 {
			t.Fatalf("search %q: %v, %v", q, hits, err)
		}
		if hits[0].Generated || !strings.Contains(hits[0].SubServiceName, "فک پلاک") {
			t.Errorf("search %q: first hit %+v", q, hits[0])
		}
	}
	hits, err := d.SearchCatalog(ctx, "گذرنامه", 50)
	if err != nil || len(hits) == 0 {
		t.Fatalf("search: %v %v", hits, err)
	}
	for i := 1; i < len(hits); i++ {
		if hits[i].Rank < hits[i-1].Rank || (hits[i].Rank == hits[i-1].Rank && !hits[i].Generated && hits[i-1].Generated) {
			t.Errorf("hits out of order at %d: %+v after %+v", i, hits[i], hits[i-1])
		}
	}

	// File the first hit of «فک پلاک» with values the form accepts.
	hits, _ = d.SearchCatalog(ctx, "فک پلاک", 1)
	e, err := d.SubService(ctx, hits[0].SubServiceID)
	if err != nil {
		t.Fatal(err)
	}
	nc := nationalCode(t, "001234567")
	fields := map[string]string{}
	for _, f := range e.SubService.Fields {
		switch f.Type {
		case pishkhan.FieldNationalCode:
			fields[f.Key] = persian.ToPersianDigits(string(nc))
		case pishkhan.FieldPlate:
			fields[f.Key] = "۱۲ب۳۴۵-۶۷"
		case pishkhan.FieldMobile:
			fields[f.Key] = "۰۹۱۲۱۲۳۴۵۶۷"
		case pishkhan.FieldPostalCode:
			fields[f.Key] = "1311155555"
		case pishkhan.FieldText:
			fields[f.Key] = "IRPC1234567"
		default:
			t.Fatalf("field %+v: extend this test", f)
		}
	}
	r, err := d.Intake(ctx, desk.IntakeInput{NationalCode: string(nc), FirstName: "علی", LastName: "رضایی",
		SubServiceID: e.SubService.ID, Fields: fields, PayMethod: "cash", Clerk: "clerk1"})
	if err != nil {
		t.Fatal(err)
	}
	v, err := d.Show(ctx, string(r.TrackingCode))
	if err != nil || len(v.Inquiries) != len(e.SubService.Inquiries) || v.TotalFee() != e.SubService.TotalFee() {
		t.Errorf("filed %+v, %v", v, err)
	}
	if probs, err := d.Store.IntegrityReport(ctx); err != nil || len(probs) != 0 {
		t.Errorf("IntegrityReport %v %v", probs, err)
	}
}

package store

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/pishkhan/pishkhan"
)

// hitIDs lists the sub-service ids of hits in order.
func hitIDs(hits []CatalogHit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.SubServiceID
	}
	return ids
}

func search(t *testing.T, db *DB, q string) []CatalogHit {
	t.Helper()
	hits, err := db.SearchCatalog(context.Background(), q, 50)
	if err != nil {
		t.Fatalf("SearchCatalog(%q): %v", q, err)
	}
	return hits
}

// findsFirst checks that q finds want as its first hit.
func findsFirst(t *testing.T, db *DB, q, want string) {
	t.Helper()
	hits := search(t, db, q)
	if len(hits) == 0 || hits[0].SubServiceID != want {
		t.Errorf("SearchCatalog(%q) = %v, want %s first", q, hitIDs(hits), want)
	}
}

func TestSearchPersianTolerance(t *testing.T) {
	db, _ := readyDB(t)
	for _, tc := range []struct{ q, want string }{
		// Arabic ي/ك in the query find Persian ی/ک names…
		{"كارت ملي", "ss-card"},
		{"كارت ملی هوشمند", "ss-card"},
		// …and Persian letters find a name stored with Arabic ي/ك.
		{"تعویض پلاک", "ss-plate"},
		{"تعويض پلاك", "ss-plate"},
		// ZWNJ, space and no space.
		{"گواهی‌نامه", "ss-lic"},
		{"تمدید گواهی نامه", "ss-lic"},
		{"تمدید گواهی‌نامه", "ss-lic"},
		{"تمدید گواهینامه", "ss-lic"},
		{"گواهینامه", "ss-lic"},
		{"هوش‌مند", "ss-card"}, // a ZWNJ inside a word the name writes solid
		{"المثنى", "ss-card"},  // alef maksura
		// Diacritics and tatweel.
		{"صُدورِ گَذَرنامه", "ss-pass"},
		{"صـدور گـذرنـامـه", "ss-pass"},
		// Digits in any script.
		{"نمونه ۱۲۳", "ss-gen"},
		{"نمونه ١٢٣", "ss-gen"},
		{"نمونه 123", "ss-gen"},
		// Extra space and mixed case of ids.
		{"  صدور   گذرنامه  ", "ss-pass"},
		{"SS-RENEW", "ss-renew"},
		{"ss-renew", "ss-renew"},
	} {
		findsFirst(t, db, tc.q, tc.want)
	}
}

func TestSearchEveryWordNeeded(t *testing.T) {
	db, _ := readyDB(t)
	if hits := search(t, db, "گذرنامه هوشمند"); len(hits) != 0 {
		t.Errorf("a query whose second word is nowhere found %v", hitIDs(hits))
	}
	// Words may come from the service or agency name.
	hits := search(t, db, "تمدید راهور")
	if len(hits) != 1 || hits[0].SubServiceID != "ss-lic" {
		t.Errorf("تمدید راهور = %v, want [ss-lic]", hitIDs(hits))
	}
	// Word order does not matter.
	findsFirst(t, db, "گذرنامه صدور", "ss-pass")
}

func TestSearchEmptyAndHarmless(t *testing.T) {
	db, _ := readyDB(t)
	for _, q := range []string{"", "   ", "\u200c", "ـــ", "\u064e"} {
		hits, err := db.SearchCatalog(context.Background(), q, 10)
		if err != nil || len(hits) != 0 {
			t.Errorf("SearchCatalog(%q) = %v, %v; want nothing", q, hitIDs(hits), err)
		}
	}
	for _, q := range []string{"%", "_", "'", "''", `"`, "%%", "گذر%", "_ذرنامه", "' OR 1=1 --", "'); DROP TABLE sub_services; --", `\`, "*", "[ا-ی]"} {
		hits, err := db.SearchCatalog(context.Background(), q, 10)
		if err != nil {
			t.Errorf("SearchCatalog(%q): %v", q, err)
		}
		if len(hits) != 0 {
			t.Errorf("SearchCatalog(%q) = %v; wildcard characters must match only themselves", q, hitIDs(hits))
		}
	}
	if c, _ := db.CatalogCounts(context.Background()); c.SubServices != 6 {
		t.Errorf("catalog changed by searching: %+v", c)
	}
}

func TestSearchLiteralPercent(t *testing.T) {
	db, _ := openTestDB(t)
	cat := testCatalog(1)
	cat.SubServices = append(cat.SubServices, pishkhan.SubService{ID: "ss-pct", ServiceID: "sv-9", Name: "تخفیف ۵۰% کارمزد_ویژه"})
	if err := db.ImportCatalog(context.Background(), cat, "tech"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"50%", "۵۰%", "کارمزد_ویژه", "%"} {
		hits := search(t, db, q)
		if len(hits) != 1 || hits[0].SubServiceID != "ss-pct" {
			t.Errorf("SearchCatalog(%q) = %v, want [ss-pct]", q, hitIDs(hits))
		}
	}
}

// rankCatalog has one sub-service per rank for the query «صدور گذرنامه», plus
// a generated twin of a real entry.
func rankCatalog() *pishkhan.Catalog {
	return &pishkhan.Catalog{
		Version:  1,
		Agencies: []pishkhan.Agency{{ID: "a", Name: "پلیس"}, {ID: "g", Name: "دستگاه ساختگی", Generated: true}},
		Services: []pishkhan.Service{
			{ID: "s", AgencyID: "a", Name: "خدمات"},
			{ID: "sp", AgencyID: "a", Name: "صدور گذرنامه"},
			{ID: "sg", AgencyID: "g", Name: "خدمات ساختگی", Generated: true},
		},
		SubServices: []pishkhan.SubService{
			// Listed in a scrambled order so that the order of the hits comes from the ranking.
			{ID: "r5", ServiceID: "sp", Name: "نوبت‌دهی"},                         // only the service matches
			{ID: "r2b", ServiceID: "s", Name: "پیش‌صدور گذرنامه"},                 // a word starts with it (ZWNJ counts as space)
			{ID: "r4", ServiceID: "s", Name: "صدور المثنی گذرنامه"},               // every word, not together
			{ID: "r1g", ServiceID: "sg", Name: "صدور گذرنامه ب", Generated: true}, // prefix, generated, shorter
			{ID: "r1", ServiceID: "s", Name: "صدور گذرنامه زیارتی"},               // prefix, real
			{ID: "r0", ServiceID: "s", Name: "صُدور گذرنامه"},                     // exact once normalised
			{ID: "r2", ServiceID: "s", Name: "درخواست صدور گذرنامه"},              // a word starts with it
			{ID: "r3b", ServiceID: "s", Name: "پیشصدور گذرنامه"},                  // inside a word
			{ID: "none", ServiceID: "s", Name: "تمدید گذرنامه"},                   // lacks «صدور»
		},
	}
}

func TestSearchRanking(t *testing.T) {
	db, _ := openTestDB(t)
	if err := db.ImportCatalog(context.Background(), rankCatalog(), "tech"); err != nil {
		t.Fatal(err)
	}
	hits := search(t, db, "صدور گذرنامه")
	got := make([]string, len(hits))
	for i, h := range hits {
		got[i] = fmt.Sprintf("%s:%d", h.SubServiceID, h.Rank)
	}
	want := []string{"r0:0", "r1:1", "r1g:1", "r2b:2", "r2:2", "r3b:3", "r4:4", "r5:5"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("ranking\n got %v\nwant %v", got, want)
	}
	// Hits carry what the screen shows.
	for _, h := range hits {
		if h.SubServiceID == "r1g" && (!h.Generated || h.ServiceName != "خدمات ساختگی" || h.AgencyName != "دستگاه ساختگی") {
			t.Errorf("hit %+v", h)
		}
	}

	// The limit is honoured and keeps the best.
	few, err := db.SearchCatalog(context.Background(), "صدور گذرنامه", 2)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(hitIDs(few), " ") != "r0 r1" {
		t.Errorf("limit 2: %v", hitIDs(few))
	}

	// An id is an exact hit.
	findsFirst(t, db, "R4", "r4")
}

func TestSearchHitFields(t *testing.T) {
	db, _ := readyDB(t)
	hits := search(t, db, "صدور گذرنامه")
	if len(hits) != 1 {
		t.Fatalf("hits %v", hitIDs(hits))
	}
	h := hits[0]
	if h.SubServiceName != "صدور گذرنامه" || h.ServiceName != "گذرنامه" || h.AgencyName != "پلیس مهاجرت و گذرنامه" ||
		h.TotalFee != 1_150_000 || h.Inquiries != 3 || h.Generated || h.Rank != 0 {
		t.Errorf("hit %+v", h)
	}
}

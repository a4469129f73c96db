package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pishkhan/pishkhan"
)

func TestImportCatalogCounts(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	if v, err := db.CatalogVersion(ctx); err != nil || v != 0 {
		t.Fatalf("CatalogVersion of an empty desk = %d, %v; want 0", v, err)
	}
	cat := testCatalog(3)
	if err := db.ImportCatalog(ctx, cat, "tech"); err != nil {
		t.Fatal(err)
	}
	got, err := db.CatalogCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := CatalogCounts{Version: 3, Agencies: 4, Services: 4, SubServices: 6, InquiryTypes: 3, Licence: 1}
	if got != want {
		t.Errorf("CatalogCounts = %+v, want %+v", got, want)
	}
	if n := count(t, db.SQL(), "SELECT COUNT(*) FROM sub_service_inquiries"); n != 5 {
		t.Errorf("%d sub_service_inquiries rows, want 5", n)
	}
	trail, _ := db.AuditTrail(ctx, "v3", 0)
	if len(trail) != 1 || trail[0].Action != "catalog.import" {
		t.Errorf("audit of the import: %+v", trail)
	}
}

func TestImportCatalogVersions(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	if err := db.ImportCatalog(ctx, testCatalog(5), "tech"); err != nil {
		t.Fatal(err)
	}

	// An older version is refused and changes nothing.
	before := rowCounts(t, db)
	wantCode(t, db.ImportCatalog(ctx, testCatalog(4), "tech"), pishkhan.EConflict)
	sameCounts(t, before, rowCounts(t, db))
	if v, _ := db.CatalogVersion(ctx); v != 5 {
		t.Errorf("version %d after a refused older import, want 5", v)
	}

	// A newer version replaces the content.
	same := testCatalog(6)
	same.SubServices = same.SubServices[:2]
	same.SubServices[1].Name = "تمدید گذرنامه عادی"
	same.SubServices[1].GovFee = 700_000
	if err := db.ImportCatalog(ctx, same, "tech"); err != nil {
		t.Fatalf("import of a newer version: %v", err)
	}
	c, _ := db.CatalogCounts(ctx)
	if c.SubServices != 2 || c.Version != 6 {
		t.Errorf("after newer import: %+v", c)
	}
	e, err := db.SubService(ctx, "ss-renew")
	if err != nil {
		t.Fatal(err)
	}
	if e.SubService.Name != "تمدید گذرنامه عادی" || e.SubService.GovFee != 700_000 {
		t.Errorf("newer import did not replace ss-renew: %+v", e.SubService)
	}
	_, err = db.SubService(ctx, "ss-card")
	wantCode(t, err, pishkhan.ENotFound)
	if hits, _ := db.SearchCatalog(ctx, "کارت ملی", 10); len(hits) != 0 {
		t.Errorf("a removed sub-service is still found: %+v", hits)
	}

	// A newer version replaces everything.
	newer := testCatalog(7)
	newer.SubServices[0].CounterFee = 200_000
	if err := db.ImportCatalog(ctx, newer, "tech"); err != nil {
		t.Fatal(err)
	}
	c, _ = db.CatalogCounts(ctx)
	if c.SubServices != 6 || c.Version != 7 {
		t.Errorf("after newer import: %+v", c)
	}
	e, _ = db.SubService(ctx, "ss-pass")
	if e.SubService.CounterFee != 200_000 || e.Version != 7 {
		t.Errorf("newer import: %+v version %d", e.SubService, e.Version)
	}
}

// catalogGen reads the installed catalog's generation.
func catalogGen(t *testing.T, db *DB) int64 {
	t.Helper()
	gen, _, err := catalogGeneration(context.Background(), db.SQL())
	if err != nil {
		t.Fatal(err)
	}
	return gen
}

func TestImportCatalogSameVersion(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	if err := db.ImportCatalog(ctx, testCatalog(5), "tech"); err != nil {
		t.Fatal(err)
	}
	// The hash is of the JSON with every list in id order, so the order a
	// catalog arrives in (a file, or a delta applied by the exchange) does not matter.
	sorted := testCatalog(5)
	slices.SortFunc(sorted.Agencies, func(a, b pishkhan.Agency) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(sorted.Services, func(a, b pishkhan.Service) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(sorted.SubServices, func(a, b pishkhan.SubService) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(sorted.InquiryTypes, func(a, b pishkhan.InquiryType) int { return strings.Compare(a.ID, b.ID) })
	want := sha256.Sum256(must(json.Marshal(sorted)))
	var stored string
	if err := db.SQL().QueryRow("SELECT content_hash FROM catalog_meta").Scan(&stored); err != nil || stored != hex.EncodeToString(want[:]) {
		t.Errorf("content_hash %q, %v; want the SHA-256 of the catalog's JSON in id order %x", stored, err, want)
	}
	reversed := testCatalog(5)
	slices.Reverse(reversed.SubServices)
	slices.Reverse(reversed.Agencies)
	if err := db.ImportCatalog(ctx, reversed, "tech"); err != nil {
		t.Fatalf("the installed catalog in another order: %v", err)
	}

	// The same version with the same content (built afresh) is a no-op.
	before, gen := rowCounts(t, db), catalogGen(t, db)
	if err := db.ImportCatalog(ctx, testCatalog(5), "tech"); err != nil {
		t.Fatalf("re-import of the installed catalog: %v", err)
	}
	sameCounts(t, before, rowCounts(t, db)) // no audit entry either
	if g := catalogGen(t, db); g != gen {
		t.Errorf("generation %d after a no-op import, want %d", g, gen)
	}

	// The same version with other content is refused and changes nothing.
	for name, mutate := range map[string]func(c *pishkhan.Catalog){
		"fee":            func(c *pishkhan.Catalog) { c.SubServices[1].GovFee++ },
		"name":           func(c *pishkhan.Catalog) { c.Agencies[0].Name += " " },
		"fewer":          func(c *pishkhan.Catalog) { c.SubServices = c.SubServices[:5] },
		"inquiry order":  func(c *pishkhan.Catalog) { c.SubServices[0].Inquiries = []string{"iq-1", "iq-3", "iq-2"} },
		"licence flag":   func(c *pishkhan.Catalog) { c.Services[0].Licence = true },
		"field required": func(c *pishkhan.Catalog) { c.SubServices[0].Fields[2].Required = true },
	} {
		t.Run(name, func(t *testing.T) {
			cat := testCatalog(5)
			mutate(cat)
			err := db.ImportCatalog(ctx, cat, "tech")
			wantCode(t, err, pishkhan.EConflict)
			if !strings.Contains(err.Error(), "catalog version 5 is already installed with different content") {
				t.Errorf("error %q", err)
			}
			if p := pishkhan.PersianMessage(err); p != "نسخه ۵ فهرست خدمات با محتوای دیگری قبلاً نصب شده است." {
				t.Errorf("Persian message %q", p)
			}
			sameCounts(t, before, rowCounts(t, db))
			if g := catalogGen(t, db); g != gen {
				t.Errorf("generation %d after a refused import, want %d", g, gen)
			}
		})
	}
	if e, _ := db.SubService(ctx, "ss-renew"); e.SubService.GovFee != 500_000 {
		t.Errorf("a refused import changed ss-renew: %+v", e.SubService)
	}

	// A newer version still imports.
	if err := db.ImportCatalog(ctx, testCatalog(6), "tech"); err != nil {
		t.Fatal(err)
	}
	if g := catalogGen(t, db); g != gen+1 {
		t.Errorf("generation %d after a newer import, want %d", g, gen+1)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestSearchKeysNotStored checks that the search keys are computed when the
// cache loads: a name changed under the cache's feet (as a newer
// normalisation would change its key) is found by its new form.
func TestSearchKeysNotStored(t *testing.T) {
	db, _ := readyDB(t)
	rows, err := db.SQL().Query("SELECT name FROM pragma_table_info('sub_services')")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var col string
		if err := rows.Scan(&col); err != nil {
			t.Fatal(err)
		}
		switch col {
		case "name_key", "name_compact", "search_key", "search_compact", "inquiry_count":
			t.Errorf("sub_services still stores %s", col)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	findsFirst(t, db, "تعویض پلاک", "ss-plate")
	if err := rawExec(db, "UPDATE sub_services SET name = 'تعويض شماره پلاك' WHERE id = 'ss-plate'"); err != nil {
		t.Fatal(err)
	}
	if err := rawExec(db, "UPDATE catalog_meta SET generation = generation + 1"); err != nil {
		t.Fatal(err)
	}
	findsFirst(t, db, "تعویض شماره پلاک", "ss-plate")
	hits := search(t, db, "تعویض پلاک")
	if len(hits) != 1 || hits[0].Rank != 4 {
		t.Errorf("old name: hits %+v, want ss-plate at rank 4 (every word, not together)", hits)
	}
}

func TestCatalogJSONNames(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want []string
	}{
		{CatalogHit{}, []string{"sub_service_id", "sub_service_name", "service_name", "agency_name", "total_fee", "inquiries", "generated", "rank"}},
		{CatalogEntry{}, []string{"version", "sub_service", "service", "agency", "inquiries"}},
		{CatalogCounts{}, []string{"version", "agencies", "services", "sub_services", "inquiry_types", "licence"}},
	} {
		var m map[string]any
		if err := json.Unmarshal(must(json.Marshal(tc.v)), &m); err != nil {
			t.Fatal(err)
		}
		got := slices.Sorted(maps.Keys(m))
		want := slices.Sorted(slices.Values(tc.want))
		if !slices.Equal(got, want) {
			t.Errorf("%T in JSON has %v, want %v", tc.v, got, want)
		}
	}
}

func TestImportCatalogInvalid(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	if err := db.ImportCatalog(ctx, testCatalog(1), "tech"); err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(c *pishkhan.Catalog){
		"version zero":          func(c *pishkhan.Catalog) { c.Version = 0 },
		"duplicate sub-service": func(c *pishkhan.Catalog) { c.SubServices = append(c.SubServices, c.SubServices[0]) },
		"unknown service":       func(c *pishkhan.Catalog) { c.SubServices[1].ServiceID = "sv-404" },
		"unknown agency":        func(c *pishkhan.Catalog) { c.Services[0].AgencyID = "ag-404" },
		"unknown inquiry":       func(c *pishkhan.Catalog) { c.SubServices[1].Inquiries = []string{"iq-404"} },
		"negative fee":          func(c *pishkhan.Catalog) { c.SubServices[1].GovFee = -1 },
		"bad field key":         func(c *pishkhan.Catalog) { c.SubServices[0].Fields[0].Key = "Mobile" },
		"choice without choices": func(c *pishkhan.Catalog) {
			c.SubServices[0].Fields[1].Choices = nil
		},
		"empty name":        func(c *pishkhan.Catalog) { c.Agencies[0].Name = "" },
		"duplicate inquiry": func(c *pishkhan.Catalog) { c.SubServices[0].Inquiries = []string{"iq-1", "iq-1"} },
	} {
		t.Run(name, func(t *testing.T) {
			cat := testCatalog(2)
			mutate(cat)
			before := rowCounts(t, db)
			err := db.ImportCatalog(ctx, cat, "tech")
			wantCode(t, err, pishkhan.EInvalid)
			sameCounts(t, before, rowCounts(t, db))
			if v, _ := db.CatalogVersion(ctx); v != 1 {
				t.Errorf("version %d after an invalid import, want 1", v)
			}
		})
	}
	t.Run("nil", func(t *testing.T) {
		before := rowCounts(t, db)
		wantCode(t, db.ImportCatalog(ctx, nil, "tech"), pishkhan.EInvalid)
		sameCounts(t, before, rowCounts(t, db))
	})
}

func TestSubServiceDetails(t *testing.T) {
	db, _ := readyDB(t)
	ctx := context.Background()
	e, err := db.SubService(ctx, "ss-pass")
	if err != nil {
		t.Fatal(err)
	}
	want := testCatalog(1).SubServices[0]
	if !reflect.DeepEqual(e.SubService, want) {
		t.Errorf("SubService =\n%+v\nwant\n%+v", e.SubService, want)
	}
	if e.Version != 1 || e.Service.ID != "sv-1" || e.Service.Name != "گذرنامه" || e.Agency.ID != "ag-2" || e.Agency.Name != "پلیس مهاجرت و گذرنامه" {
		t.Errorf("context: version %d service %+v agency %+v", e.Version, e.Service, e.Agency)
	}
	var ids []string
	for _, q := range e.Inquiries {
		ids = append(ids, q.ID)
	}
	if !reflect.DeepEqual(ids, []string{"iq-3", "iq-1", "iq-2"}) {
		t.Errorf("inquiries in order %v, want [iq-3 iq-1 iq-2]", ids)
	}
	if e.Inquiries[0].Name != "استعلام نظام وظیفه" || e.Inquiries[0].AgencyID != "ag-2" {
		t.Errorf("inquiry 0 = %+v", e.Inquiries[0])
	}
	if e.SubService.TotalFee() != 1_150_000 {
		t.Errorf("total fee %d", e.SubService.TotalFee())
	}

	gen, err := db.SubService(ctx, "ss-gen")
	if err != nil {
		t.Fatal(err)
	}
	if !gen.SubService.Generated || !gen.Service.Generated || !gen.Agency.Generated || len(gen.SubService.Fields) != 0 || len(gen.Inquiries) != 0 {
		t.Errorf("generated entry: %+v", gen)
	}
	lic, _ := db.SubService(ctx, "ss-lic")
	if !lic.Service.Licence {
		t.Error("licence flag lost")
	}

	_, err = db.SubService(ctx, "ss-404")
	wantCode(t, err, pishkhan.ENotFound)
}

package store

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pishkhan/pishkhan"
)

// versionedCatalog is a catalog in which every name carries its version
// ("v7"), and whose shape alternates between even and odd versions (how many
// sub-services, which agency a service belongs to, which inquiries a
// sub-service needs), so that a catalog read half from one version and half
// from another shows in the names.
func versionedCatalog(v pishkhan.CatalogVersion) *pishkhan.Catalog {
	tag := fmt.Sprintf("v%d", v)
	odd := v%2 == 1
	cat := &pishkhan.Catalog{
		Version: v,
		Agencies: []pishkhan.Agency{
			{ID: "ag-1", Name: "دستگاه یکم " + tag},
			{ID: "ag-2", Name: "دستگاه دوم " + tag},
		},
		InquiryTypes: []pishkhan.InquiryType{
			{ID: "iq-1", AgencyID: "ag-1", Name: "استعلام یکم " + tag},
			{ID: "iq-2", AgencyID: "ag-2", Name: "استعلام دوم " + tag},
		},
	}
	for i := 0; i < 3; i++ {
		ag := "ag-1"
		if odd == (i%2 == 0) {
			ag = "ag-2"
		}
		cat.Services = append(cat.Services, pishkhan.Service{ID: fmt.Sprintf("sv-%d", i), AgencyID: ag, Name: fmt.Sprintf("خدمت %d %s", i, tag)})
	}
	n := 150
	if odd {
		n = 120
	}
	for i := 0; i < n; i++ {
		inq := []string{"iq-1", "iq-2"}
		if odd == (i%2 == 0) {
			inq = []string{"iq-2"}
		}
		cat.SubServices = append(cat.SubServices, pishkhan.SubService{ID: fmt.Sprintf("ss-%03d", i), ServiceID: fmt.Sprintf("sv-%d", i%3),
			Name: fmt.Sprintf("نمونه زیرخدمت %s %03d", tag, i), GovFee: pishkhan.Rials(1000 * int64(v)), Inquiries: inq})
	}
	return cat
}

var versionTag = regexp.MustCompile(`v[0-9]+`)

// tagOf returns the version tag a name carries ("" when none).
func tagOf(name string) string { return versionTag.FindString(name) }

// TestCatalogCacheConsistentUnderImports imports catalogs v2, v3, v4… through
// a second handle on the same file (as the CLI next to the window would)
// while the first handle searches and reads sub-services; every result must
// come from one catalog version, never a mix of two.
func TestCatalogCacheConsistentUnderImports(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pishkhan.db")
	open := func() *DB {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	reader, importer := open(), open()
	if err := importer.ImportCatalog(ctx, versionedCatalog(1), "tech"); err != nil {
		t.Fatal(err)
	}

	var stop atomic.Bool
	var wg sync.WaitGroup
	var imports atomic.Int64
	importErr := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for v := pishkhan.CatalogVersion(2); !stop.Load(); v++ {
			if err := importer.ImportCatalog(ctx, versionedCatalog(v), "tech"); err != nil {
				importErr <- err
				return
			}
			imports.Add(1)
		}
	}()

	deadline := time.Now().Add(time.Second)
	var reads, busy int
	tags := map[string]bool{}
	var bad []string
	for time.Now().Before(deadline) && len(bad) < 5 {
		hits, err := reader.SearchCatalog(ctx, "نمونه", 500)
		if pishkhan.ErrorCode(err) == pishkhan.EUnavailable {
			busy++
			continue
		}
		if err != nil {
			t.Fatalf("SearchCatalog: %v", err)
		}
		if len(hits) == 0 {
			bad = append(bad, "search found nothing")
			continue
		}
		tag := tagOf(hits[0].SubServiceName)
		want := 150
		if v := tag[1:]; v[len(v)-1]%2 == 1 {
			want = 120
		}
		if len(hits) != want {
			bad = append(bad, fmt.Sprintf("%s: %d hits, want %d", tag, len(hits), want))
		}
		for _, h := range hits {
			if tagOf(h.SubServiceName) != tag || tagOf(h.ServiceName) != tag || tagOf(h.AgencyName) != tag {
				bad = append(bad, fmt.Sprintf("hit mixes versions: %+v (first hit is %s)", h, tag))
				break
			}
		}
		tags[tag] = true

		e, err := reader.SubService(ctx, "ss-001")
		if pishkhan.ErrorCode(err) == pishkhan.EUnavailable {
			busy++
			continue
		}
		if err != nil {
			t.Fatalf("SubService: %v", err)
		}
		tag = fmt.Sprintf("v%d", e.Version)
		odd := e.Version%2 == 1
		wantInq, wantAgency := 1, "ag-2" // ss-001 and sv-1 in an even version
		if odd {
			wantInq, wantAgency = 2, "ag-1"
		}
		ok := tagOf(e.SubService.Name) == tag && tagOf(e.Service.Name) == tag && tagOf(e.Agency.Name) == tag &&
			e.Agency.ID == wantAgency && e.Service.AgencyID == wantAgency && len(e.Inquiries) == wantInq &&
			len(e.SubService.Inquiries) == wantInq && e.SubService.GovFee == pishkhan.Rials(1000*int64(e.Version))
		for _, q := range e.Inquiries {
			ok = ok && tagOf(q.Name) == tag
		}
		if !ok {
			bad = append(bad, fmt.Sprintf("entry of version %d mixes versions: %+v", e.Version, e))
		}
		reads++
	}
	stop.Store(true)
	wg.Wait()
	select {
	case err := <-importErr:
		t.Fatalf("import: %v", err)
	default:
	}
	for _, b := range bad {
		t.Error(b)
	}
	t.Logf("%d consistent reads of %d catalog versions, %d imports, %d reads gave up", reads, len(tags), imports.Load(), busy)
	if reads == 0 || imports.Load() < 2 {
		t.Errorf("the test did not exercise anything: %d reads, %d imports", reads, imports.Load())
	}
}

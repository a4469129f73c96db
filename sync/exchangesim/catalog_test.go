package exchangesim

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/democatalog"
	"github.com/pishkhan/pishkhan/sync/exchange"
)

func TestCatalogFullDeltaUnchangedAhead(t *testing.T) {
	e := newEnv(t, Config{CatalogVersion: 3})
	ctx := context.Background()
	d := e.enrol(1234, 1)
	want := mustJSON(t, catalogOf(3))

	// The whole catalog, with progress.
	var lastRead, total int64
	full, err := d.client.Catalog(ctx, 0, func(read, tot int64) { lastRead, total = read, tot })
	if err != nil {
		t.Fatal(err)
	}
	if !full.Full || full.Base != 0 || full.Version != 3 {
		t.Fatalf("full catalog: base %d version %d full %v", full.Base, full.Version, full.Full)
	}
	if total <= 0 || lastRead != total {
		t.Errorf("progress %d of %d: the answer has no length", lastRead, total)
	}
	got, err := full.Apply(nil)
	if err != nil {
		t.Fatal(err)
	}
	if mustJSON(t, got) != want {
		t.Error("the full catalog differs from democatalog.Generate(3)")
	}

	// Deltas from every older version make exactly the published catalog.
	for _, since := range []int64{1, 2} {
		delta, err := d.client.Catalog(ctx, since, nil)
		if err != nil {
			t.Fatal(err)
		}
		if delta.Full || delta.Base != since || delta.Version != 3 {
			t.Fatalf("delta from %d: base %d version %d full %v", since, delta.Base, delta.Version, delta.Full)
		}
		var retired []string
		for v := since + 1; v <= 3; v++ {
			retired = append(retired, democatalog.Changes(pishkhan.CatalogVersion(v)).Retired...)
		}
		slices.Sort(retired)
		del := slices.Sorted(slices.Values(delta.Deleted.SubServices))
		if !slices.Equal(del, retired) {
			t.Errorf("delta from %d deletes %v, want %v", since, del, retired)
		}
		if len(delta.SubServices) == 0 || len(delta.SubServices) > 200 || len(delta.Agencies)+len(delta.Services)+len(delta.InquiryTypes) != 0 {
			t.Errorf("delta from %d: %d sub-services, %d agencies, %d services, %d inquiry types changed",
				since, len(delta.SubServices), len(delta.Agencies), len(delta.Services), len(delta.InquiryTypes))
		}
		got, err := delta.Apply(democatalog.Generate(pishkhan.CatalogVersion(since)))
		if err != nil {
			t.Fatal(err)
		}
		if mustJSON(t, got) != want {
			t.Errorf("version %d plus the delta differs from democatalog.Generate(3)", since)
		}
	}

	// The desk's version is the published one: nothing changes.
	same, err := d.client.Catalog(ctx, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if same.Full || same.Base != 3 || same.Version != 3 || len(same.SubServices) != 0 || len(same.Deleted.SubServices) != 0 {
		t.Errorf("unchanged catalog: %+v", same)
	}

	// A desk ahead of the exchange is refused.
	_, err = d.client.Catalog(ctx, 4, nil)
	wantCode(t, err, http.StatusBadRequest, exchange.CodeStaleCatalog)
}

func TestPublishCatalog(t *testing.T) {
	e := newEnv(t, Config{CatalogVersion: 2})
	ctx := context.Background()
	d := e.enrol(1234, 1)
	if err := e.sim.PublishCatalog(ctx, 1); err == nil {
		t.Error("publishing an older version was allowed")
	}
	if err := e.sim.PublishCatalog(ctx, 2); err != nil {
		t.Errorf("publishing the same version again: %v", err)
	}
	resp, err := http.Post(e.srv.URL+"/sim/catalog/publish?version=4", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || e.sim.CatalogVersion() != 4 {
		t.Fatalf("publish over the admin API: %d, version %d", resp.StatusCode, e.sim.CatalogVersion())
	}
	delta, err := d.client.Catalog(ctx, 2, nil)
	if err != nil || delta.Base != 2 || delta.Version != 4 {
		t.Fatalf("delta after publishing: %+v, %v", delta, err)
	}
	got, err := delta.Apply(catalogOf(2))
	if err != nil || mustJSON(t, got) != mustJSON(t, democatalog.Generate(4)) {
		t.Errorf("version 2 plus the delta is not version 4: %v", err)
	}
	h, err := d.client.Health(ctx)
	if err != nil || h.CatalogVersion != 4 {
		t.Errorf("health after publishing: %+v, %v", h, err)
	}
	resp, err = http.Post(e.srv.URL+"/sim/catalog/publish?version=3", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || e.sim.CatalogVersion() != 4 {
		t.Errorf("publishing a lower version: %d, version %d", resp.StatusCode, e.sim.CatalogVersion())
	}
}

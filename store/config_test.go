package store

import (
	"context"
	"testing"

	"github.com/pishkhan/pishkhan"
)

func TestDeskConfigNotInitialised(t *testing.T) {
	db, _ := openTestDB(t)
	_, err := db.DeskConfig(context.Background())
	wantCode(t, err, pishkhan.ENotInit)
}

func TestInitDesk(t *testing.T) {
	db, c := openTestDB(t)
	ctx := context.Background()
	if err := db.InitDesk(ctx, testCfg, "tech"); err != nil {
		t.Fatal(err)
	}
	got, err := db.DeskConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.OfficeCode != testCfg.OfficeCode || got.DeskNumber != testCfg.DeskNumber || got.OfficeName != testCfg.OfficeName {
		t.Errorf("DeskConfig = %+v, want %+v", got, testCfg)
	}
	if !got.CreatedAt.Equal(c.now()) {
		t.Errorf("CreatedAt %v, want %v", got.CreatedAt, c.now())
	}
	trail, err := db.AuditTrail(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(trail) != 1 || trail[0].Action != "desk.init" || trail[0].Actor != "tech" || trail[0].Subject != "12345-03" {
		t.Errorf("audit after init: %+v", trail)
	}

	// The same again is a no-op: no error, nothing written.
	before := rowCounts(t, db)
	c.advance(1000)
	if err := db.InitDesk(ctx, testCfg, "tech"); err != nil {
		t.Errorf("InitDesk again with the same values: %v", err)
	}
	sameCounts(t, before, rowCounts(t, db))

	// A different office or desk is a conflict and changes nothing.
	for _, cfg := range []pishkhan.DeskConfig{
		{OfficeCode: 54321, OfficeName: testCfg.OfficeName, DeskNumber: testCfg.DeskNumber},
		{OfficeCode: testCfg.OfficeCode, OfficeName: testCfg.OfficeName, DeskNumber: 4},
	} {
		err := db.InitDesk(ctx, cfg, "tech")
		wantCode(t, err, pishkhan.EConflict)
		sameCounts(t, before, rowCounts(t, db))
	}
	got2, _ := db.DeskConfig(ctx)
	if got2.OfficeCode != testCfg.OfficeCode || got2.DeskNumber != testCfg.DeskNumber {
		t.Errorf("config changed by a refused init: %+v", got2)
	}
}

func TestInitDeskBadValues(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	for _, tc := range []struct {
		cfg   pishkhan.DeskConfig
		field string
	}{
		{pishkhan.DeskConfig{OfficeCode: 0, OfficeName: "دفتر", DeskNumber: 1}, "office_code"},
		{pishkhan.DeskConfig{OfficeCode: -5, OfficeName: "دفتر", DeskNumber: 1}, "office_code"},
		{pishkhan.DeskConfig{OfficeCode: 100000, OfficeName: "دفتر", DeskNumber: 1}, "office_code"},
		{pishkhan.DeskConfig{OfficeCode: 1, OfficeName: "دفتر", DeskNumber: 0}, "desk"},
		{pishkhan.DeskConfig{OfficeCode: 1, OfficeName: "دفتر", DeskNumber: 100}, "desk"},
		{pishkhan.DeskConfig{OfficeCode: 1, OfficeName: "   ", DeskNumber: 1}, "office_name"},
		{pishkhan.DeskConfig{OfficeCode: 1, OfficeName: "", DeskNumber: 1}, "office_name"},
	} {
		before := rowCounts(t, db)
		err := db.InitDesk(ctx, tc.cfg, "tech")
		wantCode(t, err, pishkhan.EInvalid)
		if pe := asError(err); pe == nil || pe.Field != tc.field {
			t.Errorf("InitDesk(%+v): field %v, want %s", tc.cfg, pe, tc.field)
		}
		sameCounts(t, before, rowCounts(t, db))
	}
	_, err := db.DeskConfig(ctx)
	wantCode(t, err, pishkhan.ENotInit)
}

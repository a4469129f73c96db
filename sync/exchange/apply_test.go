package exchange_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/democatalog"
	"github.com/pishkhan/pishkhan/sync/exchange"
)

// TestApplyDemoChanges builds the deltas of the demo catalog's versions
// from democatalog.Changes, sends them through the wire and applies them:
// version 1 plus the delta to 2 is exactly Generate(2), and so on to 3.
func TestApplyDemoChanges(t *testing.T) {
	cat := democatalog.Generate(1)
	before := normal(t, cat)
	for v := pishkhan.CatalogVersion(2); v <= 3; v++ {
		d := deltaFromChanges(t, v)
		if ch := democatalog.Changes(v); len(ch.Raised) == 0 || len(ch.Retired) == 0 {
			t.Fatalf("version %d changes nothing (%+v): the test would prove little", v, ch)
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		got, err := exchange.DecodeCatalogDelta(bytes.NewReader(b), int64(v-1))
		if err != nil {
			t.Fatalf("version %d: %v", v, err)
		}
		next, err := got.Apply(cat)
		if err != nil {
			t.Fatalf("version %d: %v", v, err)
		}
		if err := next.Check(); err != nil {
			t.Errorf("version %d: %v", v, err)
		}
		if normal(t, next) != normal(t, democatalog.Generate(v)) {
			t.Errorf("version %d: the delta applied is not Generate(%d)", v, v)
		}
		if v == 2 && normal(t, cat) != before {
			t.Error("Apply changed the catalog it was given")
		}
		// Applying the same delta again (the desk has moved on) is refused.
		if _, err := got.Apply(next); err == nil {
			t.Errorf("version %d: the delta applied twice", v)
		}
		cat = next
	}
}

// small is a catalog of a few entities, to see Apply's order rules.
func small() *pishkhan.Catalog {
	return &pishkhan.Catalog{
		Version:      4,
		Agencies:     []pishkhan.Agency{{ID: "ag-1", Name: "ثبت احوال"}, {ID: "ag-2", Name: "راهور"}},
		Services:     []pishkhan.Service{{ID: "sv-1", AgencyID: "ag-1", Name: "شناسنامه"}, {ID: "sv-2", AgencyID: "ag-2", Name: "پلاک"}},
		InquiryTypes: []pishkhan.InquiryType{{ID: "iq-1", AgencyID: "ag-2", Name: "خلافی"}},
		SubServices: []pishkhan.SubService{
			{ID: "ss-1", ServiceID: "sv-1", Name: "المثنی", GovFee: 100_000, CounterFee: 50_000},
			{ID: "ss-2", ServiceID: "sv-2", Name: "تعویض پلاک", GovFee: 200_000, Inquiries: []string{"iq-1"}},
			{ID: "ss-3", ServiceID: "sv-2", Name: "فک پلاک", GovFee: 300_000},
		},
	}
}

func ids[T any](list []T, id func(T) string) string {
	var out []string
	for _, e := range list {
		out = append(out, id(e))
	}
	return strings.Join(out, " ")
}

func subIDs(c *pishkhan.Catalog) string {
	return ids(c.SubServices, func(s pishkhan.SubService) string { return s.ID })
}

func TestApplyOrderAndDeletions(t *testing.T) {
	base := small()
	before := normal(t, base)
	d := exchange.CatalogDelta{Base: 4, Version: 6,
		SubServices: []pishkhan.SubService{
			{ID: "ss-9", ServiceID: "sv-1", Name: "جدید ۹"},
			{ID: "ss-3", ServiceID: "sv-2", Name: "فک پلاک", GovFee: 330_000},
			{ID: "ss-5", ServiceID: "sv-3", Name: "جدید ۵"},
		},
		Services:     []pishkhan.Service{{ID: "sv-3", AgencyID: "ag-3", Name: "گذرنامه"}},
		Agencies:     []pishkhan.Agency{{ID: "ag-3", Name: "پلیس مهاجرت"}, {ID: "ag-1", Name: "سازمان ثبت احوال"}},
		InquiryTypes: []pishkhan.InquiryType{{ID: "iq-2", AgencyID: "ag-3", Name: "ممنوع‌الخروجی"}},
		Deleted:      exchange.Deletions{SubServices: []string{"ss-1", "ss-404"}},
	}
	got, err := d.Apply(base)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 6 {
		t.Errorf("version %d", got.Version)
	}
	// Upserts replace in place, new entities go at the end in the delta's
	// order, deletions go (an unknown id is nothing to delete).
	if s := subIDs(got); s != "ss-2 ss-3 ss-9 ss-5" {
		t.Errorf("sub-services %s", s)
	}
	if got.SubServices[1].GovFee != 330_000 || got.SubServices[0].GovFee != 200_000 {
		t.Errorf("fees %+v", got.SubServices)
	}
	if s := ids(got.Agencies, func(a pishkhan.Agency) string { return a.ID + "=" + a.Name }); s != "ag-1=سازمان ثبت احوال ag-2=راهور ag-3=پلیس مهاجرت" {
		t.Errorf("agencies %s", s)
	}
	if s := ids(got.InquiryTypes, func(q pishkhan.InquiryType) string { return q.ID }); s != "iq-1 iq-2" {
		t.Errorf("inquiry types %s", s)
	}
	if normal(t, base) != before {
		t.Error("Apply changed its base")
	}
	// The result is the desk's own: changing it leaves the base alone.
	got.SubServices[0].Name = "x"
	got.Agencies = append(got.Agencies[:1], got.Agencies[2:]...)
	if normal(t, base) != before {
		t.Error("the result shares memory with the base")
	}

	// Deleting an entity of each kind.
	d = exchange.CatalogDelta{Base: 4, Version: 5, Deleted: exchange.Deletions{
		SubServices: []string{"ss-2"}, InquiryTypes: []string{"iq-1"}, Services: []string{"sv-1"}, Agencies: []string{"ag-1"}}}
	if _, err := d.Apply(small()); err == nil {
		t.Error("deleting ag-1 left sv-1's sub-service ss-1 dangling, yet applied")
	}
	d.Deleted.SubServices = []string{"ss-1", "ss-2"}
	got, err = d.Apply(small())
	if err != nil {
		t.Fatal(err)
	}
	if subIDs(got) != "ss-3" || len(got.Agencies) != 1 || len(got.Services) != 1 || len(got.InquiryTypes) != 0 {
		t.Errorf("after deletions: %+v", got)
	}
}

func TestApplyRefuses(t *testing.T) {
	for name, c := range map[string]struct {
		base *pishkhan.Catalog
		d    exchange.CatalogDelta
	}{
		"another base version":   {small(), exchange.CatalogDelta{Base: 3, Version: 5}},
		"a newer base":           {small(), exchange.CatalogDelta{Base: 5, Version: 6}},
		"no base for a delta":    {nil, exchange.CatalogDelta{Base: 4, Version: 5}},
		"no base, base 0":        {nil, exchange.CatalogDelta{Base: 0, Version: 5}},
		"dangling service":       {small(), exchange.CatalogDelta{Base: 4, Version: 5, Services: []pishkhan.Service{{ID: "sv-9", AgencyID: "ag-9", Name: "x"}}}},
		"unknown inquiry":        {small(), exchange.CatalogDelta{Base: 4, Version: 5, SubServices: []pishkhan.SubService{{ID: "ss-9", ServiceID: "sv-1", Name: "x", Inquiries: []string{"iq-9"}}}}},
		"negative fee":           {small(), exchange.CatalogDelta{Base: 4, Version: 5, SubServices: []pishkhan.SubService{{ID: "ss-1", ServiceID: "sv-1", Name: "x", GovFee: -1}}}},
		"fee above the maximum":  {small(), exchange.CatalogDelta{Base: 4, Version: 5, SubServices: []pishkhan.SubService{{ID: "ss-1", ServiceID: "sv-1", Name: "x", CounterFee: pishkhan.MaxFee + 1}}}},
		"a nameless entity":      {small(), exchange.CatalogDelta{Base: 4, Version: 5, Agencies: []pishkhan.Agency{{ID: "ag-1"}}}},
		"a bad field spec":       {small(), exchange.CatalogDelta{Base: 4, Version: 5, SubServices: []pishkhan.SubService{{ID: "ss-1", ServiceID: "sv-1", Name: "x", Fields: []pishkhan.FieldSpec{{Key: "Bad Key", Type: "text"}}}}}},
		"every sub-service gone": {small(), exchange.CatalogDelta{Base: 4, Version: 5, Deleted: exchange.Deletions{SubServices: []string{"ss-1", "ss-2", "ss-3"}}}},
		"an upsert twice": {small(), exchange.CatalogDelta{Base: 4, Version: 5, SubServices: []pishkhan.SubService{
			{ID: "ss-7", ServiceID: "sv-1", Name: "a", GovFee: 1}, {ID: "ss-7", ServiceID: "sv-1", Name: "b", GovFee: 2}}}},
		"a changed entity twice": {small(), exchange.CatalogDelta{Base: 4, Version: 5, Agencies: []pishkhan.Agency{
			{ID: "ag-1", Name: "a"}, {ID: "ag-1", Name: "b"}}}},
		"upserted and deleted": {small(), exchange.CatalogDelta{Base: 4, Version: 5, Services: []pishkhan.Service{{ID: "sv-3", AgencyID: "ag-1", Name: "x"}},
			Deleted: exchange.Deletions{Services: []string{"sv-3"}}}},
		"deleted twice":          {small(), exchange.CatalogDelta{Base: 4, Version: 5, Deleted: exchange.Deletions{InquiryTypes: []string{"iq-9", "iq-9"}}}},
		"an empty full catalog":  {nil, exchange.CatalogDelta{Version: 5, Full: true}},
		"a full catalog, twice":  {nil, exchange.CatalogDelta{Version: 5, Full: true, Agencies: append(small().Agencies, small().Agencies[0]), Services: small().Services, SubServices: small().SubServices}},
		"a full catalog dangles": {nil, exchange.CatalogDelta{Version: 5, Full: true, Services: small().Services, SubServices: small().SubServices}},
	} {
		var before string
		if c.base != nil {
			before = normal(t, c.base)
		}
		if got, err := c.d.Apply(c.base); err == nil {
			t.Errorf("%s: applied, giving %+v", name, got)
		}
		if c.base != nil && normal(t, c.base) != before {
			t.Errorf("%s: a refused delta changed the base", name)
		}
	}
}

func TestApplyFull(t *testing.T) {
	s := small()
	d := exchange.CatalogDelta{Version: 9, Full: true, Agencies: s.Agencies, Services: s.Services, SubServices: s.SubServices[1:], InquiryTypes: s.InquiryTypes}
	for _, base := range []*pishkhan.Catalog{nil, small()} { // the full catalog of TestClientAgainstAVerifyingExchange is the demo one
		got, err := d.Apply(base)
		if err != nil {
			t.Fatal(err)
		}
		// A full catalog replaces whatever the desk had.
		if got.Version != 9 || subIDs(got) != "ss-2 ss-3" || len(got.Agencies) != 2 {
			t.Errorf("full over %v: %+v", base != nil, got)
		}
	}
}

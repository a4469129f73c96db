package exchangesim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/democatalog"
	"github.com/pishkhan/pishkhan/sync/exchange"
)

// subInfo is what the business rules need of a sub-service in one version.
type subInfo struct {
	govFee, counterFee int64
	inquiries          map[string]bool
}

// catalogCache keeps the few catalogs, sub-service indexes and encoded
// answers in use: building a demo catalog takes tens of milliseconds and
// encoding a full one a few megabytes.
type catalogCache struct {
	mu      sync.Mutex
	cats    *fifo[int64, *pishkhan.Catalog]
	indexes *fifo[int64, map[string]subInfo]
	bodies  *fifo[[2]int64, []byte]
}

func newCatalogCache() *catalogCache {
	return &catalogCache{cats: newFIFO[int64, *pishkhan.Catalog](4), indexes: newFIFO[int64, map[string]subInfo](16),
		bodies: newFIFO[[2]int64, []byte](6)}
}

// catalog returns the demo catalog of version v (shared: do not modify).
// The caller holds c.mu.
func (c *catalogCache) catalog(v int64) *pishkhan.Catalog {
	if cat, ok := c.cats.get(v); ok {
		return cat
	}
	cat := democatalog.Generate(pishkhan.CatalogVersion(v))
	c.cats.put(v, cat)
	return cat
}

// subServices returns the sub-services of version v by id.
func (c *catalogCache) subServices(v int64) map[string]subInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	if idx, ok := c.indexes.get(v); ok {
		return idx
	}
	cat := c.catalog(v)
	idx := make(map[string]subInfo, len(cat.SubServices))
	for _, ss := range cat.SubServices {
		q := make(map[string]bool, len(ss.Inquiries))
		for _, id := range ss.Inquiries {
			q[id] = true
		}
		idx[ss.ID] = subInfo{govFee: int64(ss.GovFee), counterFee: int64(ss.CounterFee), inquiries: q}
	}
	c.indexes.put(v, idx)
	return idx
}

// deltaJSON returns the encoded answer to GET /v1/catalog?since=since when
// version pub is published (since ≤ pub).
func (c *catalogCache) deltaJSON(since, pub int64) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := [2]int64{since, pub}
	if b, ok := c.bodies.get(key); ok {
		return b, nil
	}
	var d exchange.CatalogDelta
	switch {
	case since == 0:
		cat := c.catalog(pub)
		d = exchange.CatalogDelta{Base: 0, Version: pub, Full: true, Agencies: cat.Agencies, Services: cat.Services,
			SubServices: cat.SubServices, InquiryTypes: cat.InquiryTypes}
	case since == pub:
		d = exchange.CatalogDelta{Base: since, Version: pub}
	default:
		var err error
		if d, err = Delta(c.catalog(since), c.catalog(pub)); err != nil {
			return nil, err
		}
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode catalog %d→%d: %w", since, pub, err)
	}
	c.bodies.put(key, b)
	return b, nil
}

// Delta is the catalog delta that turns from into to: the entities of to
// that are new or changed, and the ids of from that to no longer has.
// (*exchange.CatalogDelta).Apply(from) gives to, in to's order as long as
// to adds no entity before an existing one (the demo catalog only changes
// and removes).
func Delta(from, to *pishkhan.Catalog) (exchange.CatalogDelta, error) {
	d := exchange.CatalogDelta{Base: int64(from.Version), Version: int64(to.Version)}
	var err error
	if d.Agencies, d.Deleted.Agencies, err = diff(from.Agencies, to.Agencies, func(a pishkhan.Agency) string { return a.ID }); err != nil {
		return d, err
	}
	if d.Services, d.Deleted.Services, err = diff(from.Services, to.Services, func(a pishkhan.Service) string { return a.ID }); err != nil {
		return d, err
	}
	if d.SubServices, d.Deleted.SubServices, err = diff(from.SubServices, to.SubServices, func(a pishkhan.SubService) string { return a.ID }); err != nil {
		return d, err
	}
	if d.InquiryTypes, d.Deleted.InquiryTypes, err = diff(from.InquiryTypes, to.InquiryTypes, func(a pishkhan.InquiryType) string { return a.ID }); err != nil {
		return d, err
	}
	return d, nil
}

// diff returns the entities of to that are absent from or different in
// from (compared by their JSON), and the ids of from absent from to.
func diff[T any](from, to []T, id func(T) string) (upserts []T, deleted []string, err error) {
	old := make(map[string][]byte, len(from))
	for _, e := range from {
		b, err := json.Marshal(e)
		if err != nil {
			return nil, nil, fmt.Errorf("encode catalog entity %s: %w", id(e), err)
		}
		old[id(e)] = b
	}
	kept := make(map[string]bool, len(to))
	for _, e := range to {
		k := id(e)
		kept[k] = true
		b, err := json.Marshal(e)
		if err != nil {
			return nil, nil, fmt.Errorf("encode catalog entity %s: %w", k, err)
		}
		if prev, ok := old[k]; !ok || !bytes.Equal(prev, b) {
			upserts = append(upserts, e)
		}
	}
	for _, e := range from {
		if k := id(e); !kept[k] {
			deleted = append(deleted, k)
		}
	}
	return upserts, deleted, nil
}

func (s *Sim) handleCatalog(w http.ResponseWriter, r *http.Request) *apiError {
	body, e := readBody(r, 1<<16)
	if e != nil {
		return e
	}
	if _, e := s.authenticate(r, body); e != nil {
		return e
	}
	since := int64(0)
	if v := r.URL.Query().Get("since"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return badRequest("since %q is not a catalog version", v)
		}
		since = n
	}
	pub := s.CatalogVersion()
	if since > pub {
		return newError(http.StatusBadRequest, exchange.CodeStaleCatalog,
			"the desk's catalog version %d is ahead of the published version %d", since, pub)
	}
	data, err := s.cat.deltaJSON(since, pub)
	if err != nil {
		return internal(err)
	}
	writeBytes(w, http.StatusOK, data)
	return nil
}

// fifo is a small map that forgets its oldest entry when full.
type fifo[K comparable, V any] struct {
	max   int
	m     map[K]V
	order []K
}

func newFIFO[K comparable, V any](max int) *fifo[K, V] {
	return &fifo[K, V]{max: max, m: make(map[K]V, max)}
}

func (f *fifo[K, V]) get(k K) (V, bool) {
	v, ok := f.m[k]
	return v, ok
}

func (f *fifo[K, V]) put(k K, v V) {
	if _, ok := f.m[k]; !ok {
		if len(f.order) == f.max {
			delete(f.m, f.order[0])
			f.order = f.order[1:]
		}
		f.order = append(f.order, k)
	}
	f.m[k] = v
}

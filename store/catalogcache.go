package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/persian"
)

// catalogCache is the installed catalog held in memory: every sub-service
// with its service, agency and inquiries, and the normalised search keys.
// A counter PC searches it on every keystroke and reads an entry on every
// intake, so neither goes back to SQLite for it. It is tied to the
// generation in catalog_meta, which every import raises, so a catalog
// imported by another process (the CLI next to the window) is seen at once.
// A cache is never changed after it is built.
type catalogCache struct {
	generation int64
	version    pishkhan.CatalogVersion
	entries    map[string]*CatalogEntry
	index      []searchEntry // in id order
}

type searchEntry struct {
	e             *CatalogEntry
	idLower       string
	name          string // persian.Normalize(name)
	nameCompact   string // name without spaces
	search        string // name, service and agency, normalised
	searchCompact string // search without spaces
	nameLen       int    // in characters, for ranking
}

// catalogKeys are a sub-service's search keys.
type catalogKeys struct{ name, nameCompact, search, searchCompact string }

// searchKeys normalises a sub-service's name and its context (service and
// agency names) the way SearchCatalog normalises a query. They are computed
// when the cache loads, never stored, so they always follow persian.Normalize.
func searchKeys(name, context string) catalogKeys {
	n := persian.Normalize(name)
	all := strings.TrimSpace(n + " " + persian.Normalize(context))
	return catalogKeys{name: n, nameCompact: strings.ReplaceAll(n, " ", ""), search: all, searchCompact: strings.ReplaceAll(all, " ", "")}
}

// catalogGeneration reads the installed catalog's generation and version (0, 0 when none).
func catalogGeneration(ctx context.Context, q queryer) (int64, pishkhan.CatalogVersion, error) {
	var gen, ver int64
	err := q.QueryRowContext(ctx, "SELECT generation, version FROM catalog_meta WHERE id = 1").Scan(&gen, &ver)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, storageError(fmt.Errorf("read catalog generation: %w", err))
	}
	return gen, pishkhan.CatalogVersion(ver), nil
}

// catalogReadAttempts bounds how often loadCatalog starts over when another
// process imports a catalog while it reads one.
const catalogReadAttempts = 5

// loadCatalog returns the cache for the installed catalog, reading it
// through q (the database or the current transaction) when it changed.
//
// Inside a transaction (intake holds the write lock) one read is consistent.
// Through the database handle each SELECT is its own read transaction, on
// whichever pooled connection, and another process may import a catalog
// between two of them; taking a transaction here would not help, as the DSN
// makes every BEGIN immediate and so a search would block writers. Instead
// the generation is read before and after the catalog, and the read is
// retried if it moved. That is enough because an import replaces the rows
// and raises the generation in one transaction, and the generation only ever
// increases: every SELECT in between sees some committed state, and if any
// import had committed after the first generation read, the second would
// see a larger number. Equal before and after therefore means every SELECT
// saw the same committed catalog.
func (s *DB) loadCatalog(ctx context.Context, q queryer) (*catalogCache, error) {
	_, inTx := q.(*sql.Tx)
	for attempt := 1; ; attempt++ {
		gen, ver, err := catalogGeneration(ctx, q)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		c := s.catalog
		s.mu.Unlock()
		if c != nil && c.generation == gen {
			return c, nil
		}
		c, err = readCatalog(ctx, q, gen, ver)
		if !inTx {
			// A read that mixed two catalogs may also fail outright (an
			// inquiry of a sub-service the other catalog lacks): check the
			// generation before trusting either outcome.
			after, _, genErr := catalogGeneration(ctx, q)
			if genErr != nil {
				return nil, genErr
			}
			if after != gen {
				if attempt == catalogReadAttempts {
					return nil, pishkhan.Errorf(pishkhan.EUnavailable, "فهرست خدمات همین حالا در حال به‌روزرسانی است؛ دوباره تلاش کنید.",
						"the catalog changed during each of %d attempts to read it; try again", attempt)
				}
				continue
			}
		}
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		// Another goroutine may have loaded a newer catalog meanwhile; keep it.
		if s.catalog == nil || s.catalog.generation < c.generation {
			s.catalog = c
		}
		s.mu.Unlock()
		return c, nil
	}
}

// readCatalog reads the whole installed catalog (generation gen, version
// ver) and indexes it for lookups and search.
func readCatalog(ctx context.Context, q queryer, gen int64, ver pishkhan.CatalogVersion) (*catalogCache, error) {
	c := &catalogCache{generation: gen, version: ver, entries: map[string]*CatalogEntry{}}
	if gen == 0 {
		return c, nil
	}
	cat, err := readFullCatalog(ctx, q)
	if err != nil {
		return nil, err
	}
	if cat == nil {
		return c, nil
	}
	agencies := make(map[string]pishkhan.Agency, len(cat.Agencies))
	for _, a := range cat.Agencies {
		agencies[a.ID] = a
	}
	services := make(map[string]pishkhan.Service, len(cat.Services))
	for _, sv := range cat.Services {
		services[sv.ID] = sv
	}
	inquiries := make(map[string]pishkhan.InquiryType, len(cat.InquiryTypes))
	for _, it := range cat.InquiryTypes {
		inquiries[it.ID] = it
	}
	c.index = make([]searchEntry, 0, len(cat.SubServices))
	for _, ss := range cat.SubServices { // in id order
		e := &CatalogEntry{Version: ver, SubService: ss}
		e.Service = services[ss.ServiceID]
		e.Agency = agencies[e.Service.AgencyID]
		for _, qid := range ss.Inquiries {
			e.Inquiries = append(e.Inquiries, inquiries[qid])
		}
		k := searchKeys(ss.Name, e.Service.Name+" "+e.Agency.Name)
		c.entries[ss.ID] = e
		c.index = append(c.index, searchEntry{e: e, idLower: strings.ToLower(ss.ID), name: k.name, nameCompact: k.nameCompact,
			search: k.search, searchCompact: k.searchCompact, nameLen: utf8.RuneCountInString(k.name)})
	}
	return c, nil
}

// each runs a query and calls fn for every row.
func each(ctx context.Context, q queryer, query string, fn func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// entry returns a copy of one sub-service's entry that the caller may change.
func (c *catalogCache) entry(id string) (CatalogEntry, error) {
	e, ok := c.entries[id]
	if !ok {
		return CatalogEntry{}, pishkhan.Errorf(pishkhan.ENotFound, "این خدمت در فهرست خدمات نیست.", "no sub-service %q in the catalog", id)
	}
	cp := *e
	cp.SubService.Fields = slices.Clone(e.SubService.Fields)
	cp.SubService.Inquiries = slices.Clone(e.SubService.Inquiries)
	cp.Inquiries = slices.Clone(e.Inquiries)
	return cp, nil
}

// search ranks the sub-services that match the normalised query q (see SearchCatalog).
func (c *catalogCache) search(q string, limit int) []CatalogHit {
	qc := strings.ReplaceAll(q, " ", "")
	words := strings.Fields(q)
	type ranked struct {
		se   *searchEntry
		rank int
	}
	var found []ranked
	for i := range c.index {
		se := &c.index[i]
		idMatch := se.idLower == q
		if !idMatch && !allWords(words, se.search, se.searchCompact) {
			continue
		}
		var rank int
		switch {
		case idMatch || se.name == q || se.nameCompact == qc:
			rank = 0
		case strings.HasPrefix(se.name, q) || strings.HasPrefix(se.nameCompact, qc):
			rank = 1
		case strings.Contains(" "+se.name, " "+q):
			rank = 2
		case strings.Contains(se.name, q) || strings.Contains(se.nameCompact, qc):
			rank = 3
		case allWords(words, se.name, se.nameCompact):
			rank = 4
		default:
			rank = 5
		}
		found = append(found, ranked{se, rank})
	}
	sort.Slice(found, func(i, j int) bool {
		a, b := found[i], found[j]
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		if a.se.e.SubService.Generated != b.se.e.SubService.Generated {
			return !a.se.e.SubService.Generated
		}
		if a.se.nameLen != b.se.nameLen {
			return a.se.nameLen < b.se.nameLen
		}
		return a.se.e.SubService.ID < b.se.e.SubService.ID
	})
	if len(found) > limit {
		found = found[:limit]
	}
	hits := make([]CatalogHit, len(found))
	for i, f := range found {
		e := f.se.e
		hits[i] = CatalogHit{SubServiceID: e.SubService.ID, SubServiceName: e.SubService.Name, ServiceName: e.Service.Name,
			AgencyName: e.Agency.Name, TotalFee: e.SubService.TotalFee(), Inquiries: len(e.SubService.Inquiries),
			Generated: e.SubService.Generated, Rank: f.rank}
	}
	return hits
}

// allWords reports whether every word occurs in text or, across its spaces, in compact.
func allWords(words []string, text, compact string) bool {
	for _, w := range words {
		if !strings.Contains(text, w) && !strings.Contains(compact, w) {
			return false
		}
	}
	return true
}

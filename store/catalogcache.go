package store

import (
	"context"
	"database/sql"
	"encoding/json"
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

// readCatalog reads the whole installed catalog.
func readCatalog(ctx context.Context, q queryer, gen int64, ver pishkhan.CatalogVersion) (*catalogCache, error) {
	c := &catalogCache{generation: gen, version: ver, entries: map[string]*CatalogEntry{}}
	if gen == 0 {
		return c, nil
	}
	fail := func(what string, err error) (*catalogCache, error) {
		return nil, storageError(fmt.Errorf("read catalog %s: %w", what, err))
	}
	agencies := map[string]pishkhan.Agency{}
	err := each(ctx, q, "SELECT id, name, generated FROM agencies", func(r *sql.Rows) error {
		var a pishkhan.Agency
		var gen int
		err := r.Scan(&a.ID, &a.Name, &gen)
		a.Generated = gen == 1
		agencies[a.ID] = a
		return err
	})
	if err != nil {
		return fail("agencies", err)
	}
	services := map[string]pishkhan.Service{}
	err = each(ctx, q, "SELECT id, agency_id, name, licence, generated FROM services", func(r *sql.Rows) error {
		var sv pishkhan.Service
		var lic, gen int
		err := r.Scan(&sv.ID, &sv.AgencyID, &sv.Name, &lic, &gen)
		sv.Licence, sv.Generated = lic == 1, gen == 1
		services[sv.ID] = sv
		return err
	})
	if err != nil {
		return fail("services", err)
	}
	inquiries := map[string]pishkhan.InquiryType{}
	err = each(ctx, q, "SELECT id, agency_id, name FROM inquiry_types", func(r *sql.Rows) error {
		var it pishkhan.InquiryType
		err := r.Scan(&it.ID, &it.AgencyID, &it.Name)
		inquiries[it.ID] = it
		return err
	})
	if err != nil {
		return fail("inquiry types", err)
	}
	err = each(ctx, q, `SELECT id, service_id, name, fields_json, gov_fee, counter_fee, needs_approval, generated
			FROM sub_services ORDER BY id`, func(r *sql.Rows) error {
		e := &CatalogEntry{Version: ver}
		ss := &e.SubService
		var fj string
		var gov, counter int64
		var na, gen int
		if err := r.Scan(&ss.ID, &ss.ServiceID, &ss.Name, &fj, &gov, &counter, &na, &gen); err != nil {
			return err
		}
		ss.GovFee, ss.CounterFee, ss.NeedsApproval, ss.Generated = pishkhan.Rials(gov), pishkhan.Rials(counter), na == 1, gen == 1
		if err := json.Unmarshal([]byte(fj), &ss.Fields); err != nil {
			return fmt.Errorf("decode fields of %s: %w", ss.ID, err)
		}
		e.Service = services[ss.ServiceID]
		e.Agency = agencies[e.Service.AgencyID]
		k := searchKeys(ss.Name, e.Service.Name+" "+e.Agency.Name)
		se := searchEntry{e: e, idLower: strings.ToLower(ss.ID), name: k.name, nameCompact: k.nameCompact,
			search: k.search, searchCompact: k.searchCompact, nameLen: utf8.RuneCountInString(k.name)}
		c.entries[ss.ID] = e
		c.index = append(c.index, se)
		return nil
	})
	if err != nil {
		return fail("sub-services", err)
	}
	err = each(ctx, q, "SELECT sub_service_id, inquiry_type_id FROM sub_service_inquiries ORDER BY sub_service_id, position", func(r *sql.Rows) error {
		var sid, qid string
		if err := r.Scan(&sid, &qid); err != nil {
			return err
		}
		e := c.entries[sid]
		if e == nil {
			return fmt.Errorf("inquiry %s of unknown sub-service %s", qid, sid)
		}
		e.Inquiries = append(e.Inquiries, inquiries[qid])
		e.SubService.Inquiries = append(e.SubService.Inquiries, qid)
		return nil
	})
	if err != nil {
		return fail("inquiries", err)
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

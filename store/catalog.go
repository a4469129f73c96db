package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/persian"
)

// ImportCatalog replaces the desk's catalog with cat in one transaction. A
// catalog older than the one installed is refused. The installed version
// again with the same content (its canonical JSON hashes the same) is a
// no-op that writes nothing; the installed version with other content is an
// EConflict, since one version number must always mean one catalog.
// Requests already filed keep the names, fees and version they were made under.
func (s *DB) ImportCatalog(ctx context.Context, cat *pishkhan.Catalog, actor string) error {
	if cat == nil {
		return pishkhan.Errorf(pishkhan.EInvalid, "فهرست خدمات خالی است و وارد نشد.", "catalog is nil")
	}
	if err := cat.Check(); err != nil {
		return pishkhan.WrapError(err, pishkhan.EInvalid, "فهرست خدمات معتبر نیست و وارد نشد.", "catalog is invalid")
	}
	hash, err := catalogHash(cat)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.replaceCatalogTx(ctx, tx, cat, hash, actor, "catalog.import")
	})
}

// UpgradeCatalog builds a new catalog from the installed one (nil when none
// is installed) and installs it, all in one transaction, so nothing can slip
// between reading the base and writing the result. The exchange's catalog
// deltas are applied this way. build's result is checked like an import's.
func (s *DB) UpgradeCatalog(ctx context.Context, actor string, build func(cur *pishkhan.Catalog) (*pishkhan.Catalog, error)) (pishkhan.CatalogVersion, error) {
	var ver pishkhan.CatalogVersion
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := readFullCatalog(ctx, tx)
		if err != nil {
			return err
		}
		cat, err := build(cur)
		if err != nil {
			return pishkhan.WrapError(err, pishkhan.EInvalid, "به‌روزرسانی فهرست خدمات معتبر نیست و نصب نشد.", "catalog upgrade")
		}
		if err := cat.Check(); err != nil {
			return pishkhan.WrapError(err, pishkhan.EInvalid, "به‌روزرسانی فهرست خدمات معتبر نیست و نصب نشد.", "catalog upgrade is invalid")
		}
		hash, err := catalogHash(cat)
		if err != nil {
			return err
		}
		ver = cat.Version
		return s.replaceCatalogTx(ctx, tx, cat, hash, actor, "catalog.upgrade")
	})
	return ver, err
}

// replaceCatalogTx installs cat (already checked, with its hash) in tx
// unless the same version and content are already there.
func (s *DB) replaceCatalogTx(ctx context.Context, tx *sql.Tx, cat *pishkhan.Catalog, hash, actor, action string) error {
	var cur int64
	var curHash string
	err := tx.QueryRowContext(ctx, "SELECT version, content_hash FROM catalog_meta WHERE id = 1").Scan(&cur, &curHash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("read catalog version: %w", err)
	case int64(cat.Version) < cur:
		return pishkhan.Errorf(pishkhan.EConflict, "نسخه فهرست خدمات از نسخه نصب‌شده قدیمی‌تر است.",
			"catalog version %d is older than the installed version %d", cat.Version, cur)
	case int64(cat.Version) == cur && hash == curHash:
		return nil // already installed: nothing to write
	case int64(cat.Version) == cur:
		return pishkhan.Errorf(pishkhan.EConflict,
			"نسخه "+persian.ToPersianDigits(strconv.FormatInt(cur, 10))+" فهرست خدمات با محتوای دیگری قبلاً نصب شده است.",
			"catalog version %d is already installed with different content", cur)
	}
	for _, q := range []string{"DELETE FROM sub_service_inquiries", "DELETE FROM sub_services",
		"DELETE FROM inquiry_types", "DELETE FROM services", "DELETE FROM agencies"} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("clear catalog: %w", err)
		}
	}
	if err := insertCatalog(ctx, tx, cat); err != nil {
		return err
	}
	now := s.Now()
	// The generation changes in the same transaction as the rows; the
	// cache relies on that (see loadCatalog).
	if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_meta (id, version, content_hash, generation, imported_at) VALUES (1, ?, ?, 1, ?)
		ON CONFLICT (id) DO UPDATE SET version = excluded.version, content_hash = excluded.content_hash,
			imported_at = excluded.imported_at, generation = catalog_meta.generation + 1`,
		int64(cat.Version), hash, fmtTime(now)); err != nil {
		return fmt.Errorf("save catalog version: %w", err)
	}
	return s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: now, Actor: actor, Action: action,
		Subject: fmt.Sprintf("v%d", cat.Version),
		Detail:  fmt.Sprintf("%d agencies, %d services, %d sub-services, %d inquiry types", len(cat.Agencies), len(cat.Services), len(cat.SubServices), len(cat.InquiryTypes))})
}

// Catalog returns the whole installed catalog (nil when none is installed),
// every list in id order.
func (s *DB) Catalog(ctx context.Context) (*pishkhan.Catalog, error) {
	for range catalogReadAttempts {
		gen, _, err := catalogGeneration(ctx, s.db)
		if err != nil {
			return nil, err
		}
		cat, err := readFullCatalog(ctx, s.db)
		if err != nil {
			return nil, err
		}
		after, _, err := catalogGeneration(ctx, s.db)
		if err != nil {
			return nil, err
		}
		if after == gen { // no import landed between the reads
			return cat, nil
		}
	}
	return nil, pishkhan.Errorf(pishkhan.EUnavailable, "فهرست خدمات در حال به‌روزرسانی است؛ دوباره تلاش کنید.",
		"catalog kept changing while it was read")
}

// readFullCatalog reads the installed catalog through q, lists in id order;
// nil when none is installed.
func readFullCatalog(ctx context.Context, q queryer) (*pishkhan.Catalog, error) {
	ver, err := catalogVersion(ctx, q)
	if err != nil || ver == 0 {
		return nil, err
	}
	cat := &pishkhan.Catalog{Version: ver}
	fail := func(what string, err error) (*pishkhan.Catalog, error) {
		return nil, storageError(fmt.Errorf("read catalog %s: %w", what, err))
	}
	if err := each(ctx, q, "SELECT id, name, generated FROM agencies ORDER BY id", func(r *sql.Rows) error {
		var a pishkhan.Agency
		var gen int
		err := r.Scan(&a.ID, &a.Name, &gen)
		a.Generated = gen == 1
		cat.Agencies = append(cat.Agencies, a)
		return err
	}); err != nil {
		return fail("agencies", err)
	}
	if err := each(ctx, q, "SELECT id, agency_id, name, licence, generated FROM services ORDER BY id", func(r *sql.Rows) error {
		var sv pishkhan.Service
		var lic, gen int
		err := r.Scan(&sv.ID, &sv.AgencyID, &sv.Name, &lic, &gen)
		sv.Licence, sv.Generated = lic == 1, gen == 1
		cat.Services = append(cat.Services, sv)
		return err
	}); err != nil {
		return fail("services", err)
	}
	if err := each(ctx, q, "SELECT id, agency_id, name FROM inquiry_types ORDER BY id", func(r *sql.Rows) error {
		var it pishkhan.InquiryType
		err := r.Scan(&it.ID, &it.AgencyID, &it.Name)
		cat.InquiryTypes = append(cat.InquiryTypes, it)
		return err
	}); err != nil {
		return fail("inquiry types", err)
	}
	index := map[string]int{}
	if err := each(ctx, q, `SELECT id, service_id, name, fields_json, gov_fee, counter_fee, needs_approval, generated
			FROM sub_services ORDER BY id`, func(r *sql.Rows) error {
		var ss pishkhan.SubService
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
		index[ss.ID] = len(cat.SubServices)
		cat.SubServices = append(cat.SubServices, ss)
		return nil
	}); err != nil {
		return fail("sub-services", err)
	}
	if err := each(ctx, q, "SELECT sub_service_id, inquiry_type_id FROM sub_service_inquiries ORDER BY sub_service_id, position", func(r *sql.Rows) error {
		var sid, qid string
		if err := r.Scan(&sid, &qid); err != nil {
			return err
		}
		i, ok := index[sid]
		if !ok {
			return fmt.Errorf("inquiry %s of unknown sub-service %s", qid, sid)
		}
		cat.SubServices[i].Inquiries = append(cat.SubServices[i].Inquiries, qid)
		return nil
	}); err != nil {
		return fail("inquiries", err)
	}
	return cat, nil
}

// catalogHash is the hex SHA-256 of the catalog's canonical JSON (as
// json.Marshal writes it, which is deterministic for a catalog whose slices
// are in order). ImportCatalog stores it to tell whether a version it
// already has comes back with the same content.
func catalogHash(cat *pishkhan.Catalog) (string, error) {
	c := *cat // lists in id order, so the order they came in does not matter
	c.Agencies = slices.SortedFunc(slices.Values(cat.Agencies), func(a, b pishkhan.Agency) int { return cmp.Compare(a.ID, b.ID) })
	c.Services = slices.SortedFunc(slices.Values(cat.Services), func(a, b pishkhan.Service) int { return cmp.Compare(a.ID, b.ID) })
	c.SubServices = slices.SortedFunc(slices.Values(cat.SubServices), func(a, b pishkhan.SubService) int { return cmp.Compare(a.ID, b.ID) })
	c.InquiryTypes = slices.SortedFunc(slices.Values(cat.InquiryTypes), func(a, b pishkhan.InquiryType) int { return cmp.Compare(a.ID, b.ID) })
	b, err := json.Marshal(&c)
	if err != nil {
		return "", pishkhan.WrapError(err, pishkhan.EInvalid, "فهرست خدمات معتبر نیست و وارد نشد.", "encode catalog")
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

func insertCatalog(ctx context.Context, tx *sql.Tx, cat *pishkhan.Catalog) error {
	prep := func(q string) (*sql.Stmt, error) {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("prepare catalog insert: %w", err)
		}
		return st, nil
	}
	st, err := prep("INSERT INTO agencies (id, name, generated) VALUES (?, ?, ?)")
	if err != nil {
		return err
	}
	defer st.Close()
	for _, a := range cat.Agencies {
		if _, err := st.ExecContext(ctx, a.ID, a.Name, boolInt(a.Generated)); err != nil {
			return fmt.Errorf("insert agency %s: %w", a.ID, err)
		}
	}
	st2, err := prep("INSERT INTO services (id, agency_id, name, licence, generated) VALUES (?, ?, ?, ?, ?)")
	if err != nil {
		return err
	}
	defer st2.Close()
	for _, sv := range cat.Services {
		if _, err := st2.ExecContext(ctx, sv.ID, sv.AgencyID, sv.Name, boolInt(sv.Licence), boolInt(sv.Generated)); err != nil {
			return fmt.Errorf("insert service %s: %w", sv.ID, err)
		}
	}
	st3, err := prep("INSERT INTO inquiry_types (id, agency_id, name) VALUES (?, ?, ?)")
	if err != nil {
		return err
	}
	defer st3.Close()
	for _, q := range cat.InquiryTypes {
		if _, err := st3.ExecContext(ctx, q.ID, q.AgencyID, q.Name); err != nil {
			return fmt.Errorf("insert inquiry type %s: %w", q.ID, err)
		}
	}
	st4, err := prep(`INSERT INTO sub_services (id, service_id, name, fields_json, gov_fee, counter_fee, needs_approval, generated)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer st4.Close()
	st5, err := prep("INSERT INTO sub_service_inquiries (sub_service_id, inquiry_type_id, position) VALUES (?, ?, ?)")
	if err != nil {
		return err
	}
	defer st5.Close()
	for _, ss := range cat.SubServices {
		fields := ss.Fields
		if fields == nil {
			fields = []pishkhan.FieldSpec{}
		}
		fj, err := json.Marshal(fields)
		if err != nil {
			return fmt.Errorf("encode fields of %s: %w", ss.ID, err)
		}
		if _, err := st4.ExecContext(ctx, ss.ID, ss.ServiceID, ss.Name, string(fj), int64(ss.GovFee), int64(ss.CounterFee),
			boolInt(ss.NeedsApproval), boolInt(ss.Generated)); err != nil {
			return fmt.Errorf("insert sub-service %s: %w", ss.ID, err)
		}
		for i, q := range ss.Inquiries {
			if _, err := st5.ExecContext(ctx, ss.ID, q, i); err != nil {
				return fmt.Errorf("insert inquiry %s of %s: %w", q, ss.ID, err)
			}
		}
	}
	return nil
}

// CatalogVersion returns the installed catalog's version, 0 when none is installed.
func (s *DB) CatalogVersion(ctx context.Context) (pishkhan.CatalogVersion, error) {
	return catalogVersion(ctx, s.db)
}

func catalogVersion(ctx context.Context, q queryer) (pishkhan.CatalogVersion, error) {
	var v int64
	err := q.QueryRowContext(ctx, "SELECT version FROM catalog_meta WHERE id = 1").Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, storageError(fmt.Errorf("read catalog version: %w", err))
	}
	return pishkhan.CatalogVersion(v), nil
}

// CatalogCounts are the sizes of the installed catalog.
type CatalogCounts struct {
	Version      pishkhan.CatalogVersion `json:"version"`
	Agencies     int                     `json:"agencies"`
	Services     int                     `json:"services"`
	SubServices  int                     `json:"sub_services"`
	InquiryTypes int                     `json:"inquiry_types"`
	Licence      int                     `json:"licence"` // services that are licences
}

// CatalogCounts counts the installed catalog.
func (s *DB) CatalogCounts(ctx context.Context) (CatalogCounts, error) {
	var c CatalogCounts
	v, err := s.CatalogVersion(ctx)
	if err != nil {
		return c, err
	}
	c.Version = v
	err = s.db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM agencies), (SELECT COUNT(*) FROM services),
		(SELECT COUNT(*) FROM sub_services), (SELECT COUNT(*) FROM inquiry_types), (SELECT COUNT(*) FROM services WHERE licence = 1)`).
		Scan(&c.Agencies, &c.Services, &c.SubServices, &c.InquiryTypes, &c.Licence)
	if err != nil {
		return c, storageError(fmt.Errorf("count catalog: %w", err))
	}
	return c, nil
}

// CatalogEntry is a sub-service with what surrounds it: its service, its
// agency and the inquiry types it needs.
type CatalogEntry struct {
	Version    pishkhan.CatalogVersion `json:"version"`
	SubService pishkhan.SubService     `json:"sub_service"`
	Service    pishkhan.Service        `json:"service"`
	Agency     pishkhan.Agency         `json:"agency"`
	Inquiries  []pishkhan.InquiryType  `json:"inquiries"`
}

// SubService returns one sub-service by id with its context, or ENotFound.
func (s *DB) SubService(ctx context.Context, id string) (CatalogEntry, error) {
	c, err := s.loadCatalog(ctx, s.db)
	if err != nil {
		return CatalogEntry{}, err
	}
	return c.entry(id)
}

// CatalogHit is one search result.
type CatalogHit struct {
	SubServiceID   string         `json:"sub_service_id"`
	SubServiceName string         `json:"sub_service_name"`
	ServiceName    string         `json:"service_name"`
	AgencyName     string         `json:"agency_name"`
	TotalFee       pishkhan.Rials `json:"total_fee"`
	Inquiries      int            `json:"inquiries"` // how many inquiries it needs
	Generated      bool           `json:"generated"`
	// Rank orders hits: 0 exact id or name, 1 name starts with the query,
	// 2 a word of the name starts with it, 3 the name contains it,
	// 4 the name holds every word of it, 5 only its service or agency matches.
	// Ranks 0, 1 and 3 also compare name and query with their spaces removed.
	Rank int `json:"rank"`
}

// SearchCatalog finds sub-services by a Persian query. The query and the
// names are normalised alike (Arabic ي/ك, diacritics, tatweel, ZWNJ and
// spaces, digit scripts); every word of the query must appear in the
// sub-service's name or its service's or agency's name. A word also matches
// across the spaces of a name, so «گواهینامه» typed without ZWNJ finds
// «گواهی‌نامه». Results are ranked (see CatalogHit.Rank), real services
// before generated ones, shorter names first.
func (s *DB) SearchCatalog(ctx context.Context, query string, limit int) ([]CatalogHit, error) {
	q := persian.Normalize(query)
	if q == "" {
		return nil, nil
	}
	switch {
	case limit <= 0:
		limit = 20
	case limit > 500:
		limit = 500
	}
	c, err := s.loadCatalog(ctx, s.db)
	if err != nil {
		return nil, fmt.Errorf("search catalog for %q: %w", query, err)
	}
	return c.search(q, limit), nil
}

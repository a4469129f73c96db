package desk

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/store"
)

// ImportCatalog installs a whole catalog and returns the installed counts.
func (d *Desk) ImportCatalog(ctx context.Context, cat *pishkhan.Catalog, by Actor) (store.CatalogCounts, error) {
	if err := d.authorize(ctx, by, pishkhan.ActDeskSetup); err != nil {
		return store.CatalogCounts{}, err
	}
	if err := d.Store.ImportCatalog(ctx, cat, by.Name()); err != nil {
		return store.CatalogCounts{}, err
	}
	c, err := d.Store.CatalogCounts(ctx)
	if err == nil {
		d.Log.Info("catalog imported", "version", c.Version, "sub_services", c.SubServices)
	}
	return c, err
}

// ReadCatalogFile reads a catalog in the JSON form that `pishkhan catalog export` writes.
func ReadCatalogFile(path string) (*pishkhan.Catalog, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, pishkhan.WrapError(err, pishkhan.EInvalid, "پرونده فهرست خدمات خوانده نشد.", "read catalog file %s", path)
	}
	var cat pishkhan.Catalog
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields() // a misspelt "gov_fees" must not make a service free
	if err := dec.Decode(&cat); err != nil {
		return nil, pishkhan.WrapError(err, pishkhan.EInvalid, "پرونده فهرست خدمات قالب درستی ندارد.", "catalog file %s is not a valid catalog", path)
	}
	if dec.More() {
		return nil, pishkhan.Errorf(pishkhan.EInvalid, "پرونده فهرست خدمات قالب درستی ندارد.", "catalog file %s has data after the catalog", path)
	}
	if err := cat.Check(); err != nil {
		return nil, pishkhan.WrapError(err, pishkhan.EInvalid, "فهرست خدمات معتبر نیست.", "catalog file %s is invalid", path)
	}
	return &cat, nil
}

// SearchCatalog finds sub-services for a Persian query (see store.SearchCatalog).
func (d *Desk) SearchCatalog(ctx context.Context, query string, limit int) ([]store.CatalogHit, error) {
	return d.Store.SearchCatalog(ctx, query, limit)
}

// SubService returns a sub-service with its form, fees and inquiries.
func (d *Desk) SubService(ctx context.Context, id string) (store.CatalogEntry, error) {
	e, err := d.Store.SubService(ctx, id)
	if err != nil {
		return e, fmt.Errorf("sub-service %s: %w", id, err)
	}
	return e, nil
}

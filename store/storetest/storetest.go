// Package storetest holds helpers for tests of packages built on the store.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/pishkhan/pishkhan"
)

// LimitPages sets PRAGMA max_page_count on every connection db will use:
// the pragma is per connection, so the pool is held at a few connections
// that are all set, and kept (not closed when idle).
// SQLite then fails a write that would grow the database past pages with
// SQLITE_FULL, as on a full disk.
func LimitPages(t testing.TB, db *sql.DB, pages int64) {
	t.Helper()
	ctx := context.Background()
	const n = 4
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	conns := make([]*sql.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatalf("take a connection: %v", err)
		}
		conns = append(conns, c)
		var got int64
		if err := c.QueryRowContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages)).Scan(&got); err != nil {
			t.Fatalf("PRAGMA max_page_count = %d: %v", pages, err)
		}
	}
}

// CheckDiskFullMessages fails unless err's messages are those of the
// disk-full error: English starting "disk full", Persian saying that the
// disk is full and to free space, and "internal" in neither.
func CheckDiskFullMessages(t testing.TB, err error) {
	t.Helper()
	if msg := err.Error(); !strings.HasPrefix(msg, "disk full") || strings.Contains(strings.ToLower(msg), "internal") {
		t.Errorf("English message %q does not start with \"disk full\", or says internal", msg)
	}
	if p := pishkhan.PersianMessage(err); !strings.Contains(p, "دیسک پر است") || !strings.Contains(p, "فضای دیسک را آزاد کنید") ||
		strings.Contains(p, "داخلی") {
		t.Errorf("Persian message %q does not say that the disk is full and to free space", p)
	}
}

package store

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pishkhan/pishkhan"
)

func TestOpenPragmas(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	// Every connection of the pool must have the pragmas, so hold several at once.
	conns := make([]interface{ Close() error }, 0, 3)
	for i := 0; i < 3; i++ {
		conn, err := db.SQL().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, conn)
		var mode string
		var fk, syncMode, busy int
		if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&syncMode); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" {
			t.Errorf("connection %d: journal_mode %q, want wal", i, mode)
		}
		if fk != 1 {
			t.Errorf("connection %d: foreign_keys %d, want 1", i, fk)
		}
		if syncMode != 2 {
			t.Errorf("connection %d: synchronous %d, want 2 (FULL)", i, syncMode)
		}
		if busy < 1000 {
			t.Errorf("connection %d: busy_timeout %d ms, want a real wait (≥ 1000)", i, busy)
		}
	}
	for _, c := range conns {
		c.Close()
	}
	if _, err := os.Stat(db.Path()); err != nil {
		t.Errorf("database file: %v", err)
	}
}

func TestOpenMigratesOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pishkhan.db")
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no embedded migrations")
	}
	for round := 0; round < 3; round++ {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("open round %d: %v", round, err)
		}
		v, err := db.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v != len(ms) {
			t.Errorf("round %d: schema version %d, want %d", round, v, len(ms))
		}
		rows, err := db.SQL().Query("SELECT version, name FROM schema_migrations ORDER BY version")
		if err != nil {
			t.Fatal(err)
		}
		i := 0
		for rows.Next() {
			var ver int
			var name string
			if err := rows.Scan(&ver, &name); err != nil {
				t.Fatal(err)
			}
			if i >= len(ms) || ver != ms[i].Version || name != ms[i].Name {
				t.Errorf("round %d: schema_migrations row %d is (%d, %s)", round, i, ver, name)
			}
			i++
		}
		rows.Close()
		if i != len(ms) {
			t.Errorf("round %d: %d schema_migrations rows, want %d (one per migration)", round, i, len(ms))
		}
		// The reference data of the migration is not inserted twice.
		if n := count(t, db.SQL(), "SELECT COUNT(*) FROM request_transitions"); n != 15 {
			t.Errorf("round %d: %d request_transitions rows, want 15", round, n)
		}
		if round == 0 {
			if err := db.InitDesk(ctx, testCfg, "tech"); err != nil {
				t.Fatal(err)
			}
		} else if _, err := db.DeskConfig(ctx); err != nil {
			t.Errorf("round %d: data lost on reopen: %v", round, err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pishkhan.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := Migrations()
	future := len(ms) + 1
	if err := rawExec(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
		future, "9999_future.sql", fmtTime(testStart)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db2, err := Open(ctx, path)
	if err == nil {
		db2.Close()
		t.Fatal("opened a database whose schema is newer than this program")
	}
	if code := pishkhan.ErrorCode(err); code == pishkhan.EInternal || code == "" {
		t.Errorf("error code %q, want a specific one: %v", code, err)
	}
	checkPersian(t, err)
	if !strings.Contains(err.Error(), "newer") || !strings.Contains(err.Error(), "upgrade") {
		t.Errorf("error does not say the schema is newer and to upgrade: %v", err)
	}
}

func TestOpenNotADatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	for name, content := range map[string][]byte{
		"random.db": func() []byte {
			b := make([]byte, 16384)
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			return b
		}(),
		"text.db": []byte("this is a text file, not a database\n"),
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			db, err := Open(ctx, path)
			if err == nil {
				db.Close()
				t.Fatal("opened a file that is not a database")
			}
			if code := pishkhan.ErrorCode(err); code == pishkhan.EInternal || code == "" {
				t.Errorf("error code %q, want a specific one: %v", code, err)
			}
			checkPersian(t, err)
			if !strings.Contains(err.Error(), "not a") || !strings.Contains(err.Error(), path) {
				t.Errorf("error does not name the file and say it is not a database: %v", err)
			}
			// The file is left as it was.
			got, _ := os.ReadFile(path)
			if string(got) != string(content) {
				t.Error("Open changed a file that is not a database")
			}
		})
	}
}

func TestMigrationsNumbered(t *testing.T) {
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if m.Version != i+1 || m.SQL == "" || !strings.HasSuffix(m.Name, ".sql") {
			t.Errorf("migration %d: %+v", i, m.Name)
		}
	}
}

// TestOpenOddPaths opens databases in folders whose names mean something in
// a URI: the file must be created exactly where asked, never elsewhere.
func TestOpenOddPaths(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"a#b", "a?b", "a%20b", "a b", "a&b=c", "داده‌های پیشخوان"} {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			path := filepath.Join(parent, name, "pishkhan.db")
			db, err := Open(ctx, path)
			if err != nil {
				t.Fatalf("Open(%q): %v", path, err)
			}
			if err := db.InitDesk(ctx, testCfg, "tech"); err != nil {
				t.Fatal(err)
			}
			db.Close()
			if _, err := os.Stat(path); err != nil {
				t.Errorf("database not at %q: %v", path, err)
			}
			entries, _ := os.ReadDir(parent)
			if len(entries) != 1 || entries[0].Name() != name {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("files in the parent folder: %q, want only %q", names, name)
			}
			db, err = Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.DeskConfig(ctx); err != nil {
				t.Errorf("reopen: %v", err)
			}
		})
	}
}

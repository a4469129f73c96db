// Package logring keeps the newest log records in memory, so the window can
// show a technician what the devices and the sync did lately without
// opening a file. It is a log/slog handler that passes every record on to
// the next handler (the file or the terminal) as well.
package logring

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Entry is one remembered record.
type Entry struct {
	Time    time.Time
	Level   slog.Level
	Message string
	Attrs   string // key=value pairs, as the text handler writes them
}

// String is the entry as one line.
func (e Entry) String() string {
	s := e.Time.Format("15:04:05") + " " + e.Level.String() + " " + e.Message
	if e.Attrs != "" {
		s += " " + e.Attrs
	}
	return s
}

// Ring remembers the newest records at or above a level.
type Ring struct {
	mu    sync.Mutex
	buf   []Entry
	next  int
	full  bool
	level slog.Level
}

// New returns a ring of size entries that keeps records at level and above.
func New(size int, level slog.Level) *Ring {
	if size < 1 {
		size = 1
	}
	return &Ring{buf: make([]Entry, size), level: level}
}

// Entries returns the remembered entries, oldest first.
func (r *Ring) Entries() []Entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.full {
		return append([]Entry(nil), r.buf[:r.next]...)
	}
	return append(append([]Entry(nil), r.buf[r.next:]...), r.buf[:r.next]...)
}

func (r *Ring) add(e Entry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf[r.next] = e
	r.next++
	if r.next == len(r.buf) {
		r.next, r.full = 0, true
	}
}

// Handler returns a handler that remembers records in r and passes them on
// to next (which may be nil).
func (r *Ring) Handler(next slog.Handler) slog.Handler { return &handler{ring: r, next: next} }

type handler struct {
	ring   *Ring
	next   slog.Handler
	prefix string // attributes added with WithAttrs, already written
	group  string
}

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.ring.level || (h.next != nil && h.next.Enabled(ctx, l))
}

func (h *handler) Handle(ctx context.Context, rec slog.Record) error {
	if rec.Level >= h.ring.level {
		var b strings.Builder
		b.WriteString(h.prefix)
		rec.Attrs(func(a slog.Attr) bool {
			writeAttr(&b, h.group, a)
			return true
		})
		h.ring.add(Entry{Time: rec.Time, Level: rec.Level, Message: rec.Message, Attrs: strings.TrimSpace(b.String())})
	}
	if h.next != nil && h.next.Enabled(ctx, rec.Level) {
		return h.next.Handle(ctx, rec)
	}
	return nil
}

func writeAttr(b *strings.Builder, group string, a slog.Attr) {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return
	}
	key := a.Key
	if group != "" {
		key = group + "." + key
	}
	if a.Value.Kind() == slog.KindGroup {
		for _, g := range a.Value.Group() {
			writeAttr(b, key, g)
		}
		return
	}
	v := a.Value.String()
	if strings.ContainsAny(v, " =\"") {
		v = fmt.Sprintf("%q", v)
	}
	b.WriteString(" " + key + "=" + v)
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	var b strings.Builder
	b.WriteString(h.prefix)
	for _, a := range as {
		writeAttr(&b, h.group, a)
	}
	n := &handler{ring: h.ring, prefix: b.String(), group: h.group}
	if h.next != nil {
		n.next = h.next.WithAttrs(as)
	}
	return n
}

func (h *handler) WithGroup(name string) slog.Handler {
	g := name
	if h.group != "" {
		g = h.group + "." + name
	}
	n := &handler{ring: h.ring, prefix: h.prefix, group: g}
	if h.next != nil {
		n.next = h.next.WithGroup(name)
	}
	return n
}

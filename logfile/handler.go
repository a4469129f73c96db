package logfile

import (
	"io"
	"log/slog"
)

// TimeFormat is the layout of the time on each line: RFC 3339 in UTC, to
// the millisecond, e.g. 2026-03-21T06:30:00.125Z (time.RFC3339 and
// time.RFC3339Nano both parse it).
const TimeFormat = "2006-01-02T15:04:05.000Z07:00"

// NewHandler returns a handler that writes each record at level and above
// to w as one text line (slog's key=value format) with the time in
// [TimeFormat]. Each record is a single Write call, which a [Writer] never
// splits across files. It does not redact: wrap the handler (or the
// handler that fans out to it) in [Redact].
func NewHandler(w io.Writer, level slog.Leveler) slog.Handler {
	return slog.NewTextHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: utcTime})
}

// utcTime writes the record's time in UTC to the millisecond.
func utcTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey && a.Value.Kind() == slog.KindTime {
		return slog.String(slog.TimeKey, a.Value.Time().UTC().Format(TimeFormat))
	}
	return a
}

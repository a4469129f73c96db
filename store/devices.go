package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pishkhan/pishkhan"
)

// DeviceKind names one of the desk's serial devices.
type DeviceKind string

// The device kinds.
const (
	DevicePrinter    DeviceKind = "printer"
	DeviceCardReader DeviceKind = "card_reader"
)

// DeviceSettings are how the desk reaches one serial device.
type DeviceSettings struct {
	Kind      DeviceKind
	Port      string
	Baud      int
	DataBits  int
	Parity    string // none, even, odd
	StopBits  int
	Profile   string // the printer profile's name
	USBSerial string // the USB adapter's serial number, when known
	UpdatedAt time.Time
}

// Device returns the settings of one device; ok is false when the
// technician has not set it up.
func (s *DB) Device(ctx context.Context, kind DeviceKind) (DeviceSettings, bool, error) {
	d := DeviceSettings{Kind: kind}
	var updated string
	err := s.db.QueryRowContext(ctx, `SELECT port, baud, data_bits, parity, stop_bits, profile, usb_serial, updated_at
		FROM device_settings WHERE kind = ?`, string(kind)).Scan(&d.Port, &d.Baud, &d.DataBits, &d.Parity, &d.StopBits, &d.Profile, &d.USBSerial, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return d, false, nil
	}
	if err != nil {
		return d, false, storageError(fmt.Errorf("read %s settings: %w", kind, err))
	}
	if d.UpdatedAt, err = parseTime(updated); err != nil {
		return d, false, storageError(fmt.Errorf("read %s settings: %w", kind, err))
	}
	return d, true, nil
}

// SetDevice saves one device's settings (the caller has checked them) and
// audits the change.
func (s *DB) SetDevice(ctx context.Context, d DeviceSettings, actor string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		_, err := tx.ExecContext(ctx, `INSERT INTO device_settings (kind, port, baud, data_bits, parity, stop_bits, profile, usb_serial, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (kind) DO UPDATE SET port = excluded.port, baud = excluded.baud, data_bits = excluded.data_bits,
				parity = excluded.parity, stop_bits = excluded.stop_bits, profile = excluded.profile,
				usb_serial = excluded.usb_serial, updated_at = excluded.updated_at`,
			string(d.Kind), d.Port, d.Baud, d.DataBits, d.Parity, d.StopBits, d.Profile, d.USBSerial, fmtTime(now))
		if err != nil {
			return fmt.Errorf("save %s settings: %w", d.Kind, err)
		}
		return s.appendAudit(ctx, tx, pishkhan.AuditEntry{At: now, Actor: actor, Action: "devices.set", Subject: string(d.Kind),
			Detail: fmt.Sprintf("%s %d %d%s%d profile %q", d.Port, d.Baud, d.DataBits, map[string]string{"none": "N", "even": "E", "odd": "O"}[d.Parity], d.StopBits, d.Profile)})
	})
}

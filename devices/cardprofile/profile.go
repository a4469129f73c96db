// Package cardprofile turns an identity card into a pishkhan.Citizen.
//
// How a card stores its holder is the card issuer's business: the real
// Iranian national smart card keeps it in an applet that only answers
// after a secure session with keys issued by the national registry. So the
// desk reads cards through a Profile, and the project ships Demo, a
// documented, open profile (docs/card-profile.md) that the card simulator
// follows; a registry-approved profile can be plugged in beside it without
// touching the reader or the desk.
package cardprofile

import (
	"context"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/devices/iso7816"
)

// Profile reads a card holder from a powered card.
type Profile interface {
	// Name identifies the profile in settings and logs, e.g. "demo".
	Name() string
	// ReadCitizen selects the profile's application and reads the holder:
	// national code, first name, last name, father's name and birth date
	// (Citizen.BirthDate, Jalali YYYY/MM/DD with Latin digits). Errors are
	// *pishkhan.Error values (or wrap them) with a Persian message for
	// the clerk.
	ReadCitizen(ctx context.Context, card *iso7816.Card, opts ReadOptions) (pishkhan.Citizen, error)
}

// ReadOptions are what the clerk may supply for a read.
type ReadOptions struct {
	// PIN is the card holder's PIN, typed by the citizen; empty means
	// none. A profile presents it only if the card asks for it.
	PIN string
}

package pishkhan

import "slices"

// Action is something done at the desk that not every role may do. The desk
// checks it before it touches anything; the window only hides what a role
// may not do.
type Action string

// The actions that need a role.
const (
	ActIntake     Action = "intake"      // take a walk-in's request
	ActReprint    Action = "reprint"     // reprint a request's receipt (a copy marked رونوشت)
	ActDayClose   Action = "day_close"   // close or reopen a day, reprint its Z-report
	ActUsers      Action = "users"       // add users
	ActDeskSetup  Action = "desk_setup"  // office code, desk number and name; catalog import
	ActDevices    Action = "devices"     // configure the printer and reader, print a test page
	ActCardTest   Action = "card_test"   // raw APDUs to a card (the technician's console)
	ActEnrol      Action = "enrol"       // enrol the desk with the exchange
	ActSyncLimits Action = "sync_limits" // the offline warning and hard limit
	ActBackup     Action = "backup"      // copy the database
	ActRestore    Action = "restore"     // replace the database with a backup
	ActPurge      Action = "purge"       // blank old personal data
)

// permissions is who may do what. A clerk files and reprints; a supervisor
// runs the office (and, where no technician comes, its devices); a technician
// sets the desk and its devices up and never takes a request or closes a day.
var permissions = map[Role][]Action{
	RoleClerk:      {ActIntake, ActReprint},
	RoleSupervisor: {ActIntake, ActReprint, ActDayClose, ActUsers, ActDeskSetup, ActDevices, ActEnrol, ActSyncLimits, ActBackup, ActRestore, ActPurge},
	RoleTechnician: {ActDeskSetup, ActDevices, ActCardTest, ActEnrol, ActSyncLimits, ActBackup, ActRestore},
}

// setupActions are what may be done on a desk that has no users yet, before
// anyone can log in: set it up, add its first supervisor, install the
// catalog, configure its devices and enrol it.
var setupActions = []Action{ActDeskSetup, ActUsers, ActDevices, ActEnrol}

// Can reports whether the role may do a.
func (r Role) Can(a Action) bool { return slices.Contains(permissions[r], a) }

// SetupMay reports whether a may be done while the desk has no users.
func SetupMay(a Action) bool { return slices.Contains(setupActions, a) }

// Persian names the action for a refusal on screen.
func (a Action) Persian() string {
	switch a {
	case ActIntake:
		return "پذیرش درخواست"
	case ActReprint:
		return "چاپ دوباره رسید"
	case ActDayClose:
		return "بستن و بازگشایی روز"
	case ActUsers:
		return "تعریف کاربر"
	case ActDeskSetup:
		return "راه‌اندازی میز و نصب فهرست خدمات"
	case ActDevices:
		return "تنظیم دستگاه‌ها"
	case ActCardTest:
		return "فرمان مستقیم به کارت"
	case ActEnrol:
		return "ثبت میز در مرکز"
	case ActSyncLimits:
		return "تنظیم محدودیت کار بدون شبکه"
	case ActBackup:
		return "پشتیبان‌گیری"
	case ActRestore:
		return "بازگردانی پشتیبان"
	case ActPurge:
		return "پاک‌کردن داده‌های شخصی قدیمی"
	}
	return string(a)
}

// Forbidden is the error for a role that may not do a.
func Forbidden(r Role, a Action) *Error {
	if !r.Valid() {
		return Errorf(EUnauthorized, "برای "+a.Persian()+" نخست با نام کاربری و رمز وارد شوید.", "%s needs a logged-in user", a)
	}
	return Errorf(EUnauthorized, "«"+r.Persian()+"» اجازهٔ "+a.Persian()+" را ندارد.", "a %s may not do %s", r, a)
}

package iso7816

import (
	"fmt"

	"github.com/pishkhan/pishkhan/persian"
)

// StatusWord is SW1 SW2 of an answer.
type StatusWord uint16

// Status words this package acts on.
const (
	SWOK                   StatusWord = 0x9000
	SWEndOfFile            StatusWord = 0x6282 // end of file before Ne bytes were read
	SWWrongLength          StatusWord = 0x6700
	SWSecurityNotSatisfied StatusWord = 0x6982
	SWPINBlocked           StatusWord = 0x6983
	SWConditionsNotMet     StatusWord = 0x6985
	SWNoCurrentEF          StatusWord = 0x6986
	SWWrongData            StatusWord = 0x6A80
	SWFuncNotSupported     StatusWord = 0x6A81
	SWFileNotFound         StatusWord = 0x6A82
	SWWrongP1P2NotFound    StatusWord = 0x6A86
	SWRefDataNotFound      StatusWord = 0x6A88
	SWWrongP1P2            StatusWord = 0x6B00 // e.g. an offset beyond the end of the file
	SWINSNotSupported      StatusWord = 0x6D00
	SWCLANotSupported      StatusWord = 0x6E00
	SWUnknown              StatusWord = 0x6F00
)

// SW1 returns the first status byte.
func (sw StatusWord) SW1() byte { return byte(sw >> 8) }

// SW2 returns the second status byte.
func (sw StatusWord) SW2() byte { return byte(sw) }

// OK reports 9000.
func (sw StatusWord) OK() bool { return sw == SWOK }

// Warning reports a 62xx or 63xx status: processed, with a warning.
func (sw StatusWord) Warning() bool { return sw.SW1() == 0x62 || sw.SW1() == 0x63 }

// MoreData reports 61xx and returns how many bytes GET RESPONSE can fetch
// (xx = 00 means 256 or more).
func (sw StatusWord) MoreData() (int, bool) {
	if sw.SW1() != 0x61 {
		return 0, false
	}
	return shortLe(sw.SW2()), true
}

// ExactLength reports 6Cxx and returns the Le the card wants (00 means 256).
func (sw StatusWord) ExactLength() (int, bool) {
	if sw.SW1() != 0x6C {
		return 0, false
	}
	return shortLe(sw.SW2()), true
}

// TriesLeft reports 63Cx, the answer of a failed VERIFY (or of a VERIFY
// without data), and returns x, the tries left.
func (sw StatusWord) TriesLeft() (int, bool) {
	if sw&0xFFF0 != 0x63C0 {
		return 0, false
	}
	return int(sw & 0x0F), true
}

type swText struct{ en, fa string }

var swTexts = map[StatusWord]swText{
	0x9000: {"success", "انجام شد."},
	0x6200: {"warning, state of non-volatile memory unchanged", "هشدار کارت: حافظه تغییر نکرد."},
	0x6281: {"warning, part of the returned data may be corrupted", "بخشی از داده‌های خوانده‌شده از کارت ممکن است خراب باشد."},
	0x6282: {"end of file reached before reading Le bytes", "فایل کارت پیش از خواندن همهٔ بایت‌ها به پایان رسید."},
	0x6283: {"selected file deactivated", "فایل انتخاب‌شده روی کارت غیرفعال است."},
	0x6284: {"file control information not formatted as expected", "اطلاعات فایل کارت قالب درستی ندارد."},
	0x6300: {"warning, verification failed", "تأیید روی کارت ناموفق بود."},
	0x6400: {"execution error, state of non-volatile memory unchanged", "کارت در اجرای فرمان خطا داد."},
	0x6581: {"memory failure", "حافظهٔ کارت خراب است."},
	0x6700: {"wrong length", "طول فرمان کارت نادرست است."},
	0x6881: {"logical channel not supported", "کارت از کانال منطقی پشتیبانی نمی‌کند."},
	0x6882: {"secure messaging not supported", "کارت از پیام‌رسانی امن پشتیبانی نمی‌کند."},
	0x6981: {"command incompatible with file structure", "فرمان با ساختار فایل کارت سازگار نیست."},
	0x6982: {"security status not satisfied (PIN not verified)", "برای این کار باید ابتدا رمز کارت وارد شود."},
	0x6983: {"authentication method blocked (PIN blocked)", "رمز کارت مسدود شده است؛ برای رفع انسداد به صادرکنندهٔ کارت مراجعه کنید."},
	0x6984: {"reference data not usable", "دادهٔ مرجع کارت قابل استفاده نیست."},
	0x6985: {"conditions of use not satisfied", "شرایط اجرای این فرمان روی کارت فراهم نیست."},
	0x6986: {"command not allowed (no current EF)", "فرمان مجاز نیست؛ فایلی روی کارت انتخاب نشده است."},
	0x6A80: {"incorrect parameters in the data field", "داده‌های فرمان کارت نادرست است."},
	0x6A81: {"function not supported", "کارت از این کار پشتیبانی نمی‌کند."},
	0x6A82: {"file or application not found", "فایل یا برنامهٔ مورد نظر روی کارت پیدا نشد؛ آیا کارت درست است؟"},
	0x6A83: {"record not found", "رکورد مورد نظر روی کارت پیدا نشد."},
	0x6A84: {"not enough memory space in the file", "فضای کافی روی کارت نیست."},
	0x6A86: {"incorrect parameters P1-P2", "پارامترهای فرمان کارت نادرست است."},
	0x6A88: {"referenced data not found", "دادهٔ خواسته‌شده روی کارت پیدا نشد."},
	0x6B00: {"wrong parameters P1-P2 (offset outside the file)", "نشانی خواسته‌شده بیرون از فایل کارت است."},
	0x6D00: {"instruction not supported", "کارت این فرمان را نمی‌شناسد."},
	0x6E00: {"class not supported", "کارت این دستهٔ فرمان (CLA) را نمی‌شناسد."},
	0x6F00: {"no precise diagnosis", "کارت خطای نامشخصی داد."},
}

// English explains the status word in English, for logs and the CLI.
func (sw StatusWord) English() string {
	if n, ok := sw.MoreData(); ok {
		return fmt.Sprintf("%d more bytes available (GET RESPONSE)", n)
	}
	if n, ok := sw.ExactLength(); ok {
		return fmt.Sprintf("wrong Le; the card has %d bytes", n)
	}
	if n, ok := sw.TriesLeft(); ok {
		return fmt.Sprintf("verification failed, %d tries left", n)
	}
	if t, ok := swTexts[sw]; ok {
		return t.en
	}
	if t, ok := swTexts[sw&0xFF00]; ok {
		return t.en
	}
	switch sw.SW1() {
	case 0x62, 0x63:
		return "warning"
	case 0x64, 0x65, 0x66:
		return "execution error"
	case 0x67, 0x68, 0x69, 0x6A, 0x6B, 0x6D, 0x6E, 0x6F:
		return "checking error"
	}
	return "unknown status"
}

// Persian explains the status word in Persian, for the clerk's screen.
func (sw StatusWord) Persian() string {
	if n, ok := sw.MoreData(); ok {
		return fmt.Sprintf("کارت %s بایت دیگر آماده دارد.", persian.FormatInt(int64(n)))
	}
	if n, ok := sw.ExactLength(); ok {
		return fmt.Sprintf("طول پاسخ خواسته‌شده نادرست است؛ کارت %s بایت دارد.", persian.FormatInt(int64(n)))
	}
	if n, ok := sw.TriesLeft(); ok {
		if n == 0 {
			return "رمز کارت نادرست است و فرصت دیگری نمانده است."
		}
		return fmt.Sprintf("رمز کارت نادرست است؛ %s بار دیگر می‌توانید تلاش کنید.", persian.FormatInt(int64(n)))
	}
	if t, ok := swTexts[sw]; ok {
		return t.fa
	}
	if t, ok := swTexts[sw&0xFF00]; ok {
		return t.fa
	}
	return fmt.Sprintf("کارت خطای %04X داد.", uint16(sw))
}

// String returns "6A82 (file or application not found)".
func (sw StatusWord) String() string {
	return fmt.Sprintf("%04X (%s)", uint16(sw), sw.English())
}

package cardreader

import (
	"fmt"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/devices/ccid"
)

// Errors of the driver. They are *pishkhan.Error values with a Persian
// message for the clerk; the driver wraps them with context, so match them
// with errors.Is and show them with pishkhan.PersianMessage.
var (
	ErrNoCard = &pishkhan.Error{Code: pishkhan.ENotFound,
		Message: "no card in the reader",
		Persian: "کارتی در کارت‌خوان نیست؛ کارت را در کارت‌خوان بگذارید."}
	ErrCardRemoved = &pishkhan.Error{Code: pishkhan.EUnavailable,
		Message: "the card was removed during the operation",
		Persian: "کارت در میانهٔ کار از کارت‌خوان بیرون کشیده شد؛ کارت را دوباره بگذارید و از نو بخوانید."}
	ErrCardMute = &pishkhan.Error{Code: pishkhan.EUnavailable,
		Message: "the card does not answer (mute, or inserted the wrong way)",
		Persian: "کارت پاسخ نمی‌دهد؛ کارت را بیرون بیاورید و از سمت درست دوباره بگذارید."}
	ErrNotPowered = &pishkhan.Error{Code: pishkhan.EState,
		Message: "the card is not powered on",
		Persian: "کارت هنوز روشن نشده است؛ دوباره دکمهٔ «خواندن کارت» را بزنید."}
	ErrReaderGone = &pishkhan.Error{Code: pishkhan.EUnavailable,
		Message: "the card reader is disconnected",
		Persian: "ارتباط با کارت‌خوان قطع شده است؛ کابل آن را بررسی کنید. پس از وصل شدن، برنامه خودبه‌خود دوباره وصل می‌شود."}
	ErrTimeout = &pishkhan.Error{Code: pishkhan.EUnavailable,
		Message: "the card reader did not answer in time",
		Persian: "کارت‌خوان به‌موقع پاسخ نداد؛ روشن بودن و اتصال آن را بررسی کنید."}
	ErrProtocol = &pishkhan.Error{Code: pishkhan.EUnavailable,
		Message: "garbled exchange with the card reader",
		Persian: "ارتباط با کارت‌خوان مختل است و داده‌ها خراب می‌رسند؛ کابل و درگاه را بررسی کنید."}
	// ErrGarbledAnswer is a garbled answer to a command that is not safe
	// to run twice (a VERIFY, a READ BINARY after a SELECT, a power-on):
	// the driver does not ask again with a NAK, which libccid never sends
	// either, since a reader that missed the point would run the command
	// again. It wraps ErrProtocol.
	ErrGarbledAnswer = &pishkhan.Error{Code: pishkhan.EUnavailable,
		Message: "garbled answer from the card reader; the command may have run, so it is not repeated",
		Persian: "پاسخ کارت‌خوان خراب رسید و چون ممکن است کارت فرمان را انجام داده باشد، فرمان تکرار نشد؛ کارت را دوباره بخوانید و اگر تکرار شد کابل و درگاه را بررسی کنید.",
		Err:     ErrProtocol}
	// ErrUnsupportedProtocol is a card whose default protocol is not T=0
	// (see UnsupportedProtocolError): the driver exchanges T=0 TPDUs only.
	ErrUnsupportedProtocol = &pishkhan.Error{Code: pishkhan.EInvalid,
		Message: "the card's protocol is not supported (T=0 only)",
		Persian: "این کارت با پروتکلی جز T=0 کار می‌کند که پیشخوان با این کارت‌خوان پشتیبانی نمی‌کند؛ مشخصات را دستی وارد کنید یا کارت دیگری بگذارید."}
	ErrClosed = &pishkhan.Error{Code: pishkhan.EState,
		Message: "the card reader is closed",
		Persian: "کارت‌خوان بسته شده است."}
)

// ReaderError is a command the reader refused, with its CCID bError.
type ReaderError struct {
	Op   string
	Code byte
}

func (e *ReaderError) Error() string {
	return fmt.Sprintf("%s: reader error %02X: %s", e.Op, e.Code, ccid.ErrorText(e.Code))
}

// Unwrap gives the project error with a Persian message.
func (e *ReaderError) Unwrap() error {
	return &pishkhan.Error{Code: pishkhan.EUnavailable, Message: ccid.ErrorText(e.Code),
		Persian: fmt.Sprintf("کارت‌خوان فرمان را انجام نداد (خطای %02X)؛ کارت را دوباره بگذارید و اگر تکرار شد با کارشناس فنی تماس بگیرید.", e.Code)}
}

// UnsupportedProtocolError is a card whose answer to reset names a
// default protocol other than T=0 (usually T=1). The driver sends what
// iso7816.Card gives it as it is, which is right for T=0 (a TPDU-level
// GemPC Twin passes the bytes on) but not for T=1, which needs blocks
// (NAD PCB LEN … LRC), IFSD negotiation and PPS that this driver does not
// do. Connect powers such a card down again and returns this error.
type UnsupportedProtocolError struct {
	Protocol int    // the ATR's first offered protocol
	ATR      []byte // the raw ATR
}

func (e *UnsupportedProtocolError) Error() string {
	return fmt.Sprintf("card protocol T=%d not supported, only T=0 (ATR % X)", e.Protocol, e.ATR)
}

// Unwrap gives ErrUnsupportedProtocol, with its Persian message.
func (e *UnsupportedProtocolError) Unwrap() error { return ErrUnsupportedProtocol }

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
		Persian: "کارت هنوز روشن نشده است؛ دوباره خواندن کارت را بزنید."}
	ErrReaderGone = &pishkhan.Error{Code: pishkhan.EUnavailable,
		Message: "the card reader is disconnected",
		Persian: "ارتباط با کارت‌خوان قطع شده است؛ کابل آن را بررسی کنید. پس از وصل شدن، برنامه خودکار دوباره وصل می‌شود."}
	ErrTimeout = &pishkhan.Error{Code: pishkhan.EUnavailable,
		Message: "the card reader did not answer in time",
		Persian: "کارت‌خوان به‌موقع پاسخ نداد؛ روشن بودن و اتصال آن را بررسی کنید."}
	ErrProtocol = &pishkhan.Error{Code: pishkhan.EUnavailable,
		Message: "garbled exchange with the card reader",
		Persian: "ارتباط با کارت‌خوان مختل است و داده‌ها خراب می‌رسند؛ کابل و درگاه را بررسی کنید."}
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

// Package receipt lays out the desk's receipts (رسید) as escpos receipts:
// the one a citizen takes away after intake, and its copy (رونوشت).
package receipt

import (
	"fmt"
	"time"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/devices/escpos"
	"github.com/pishkhan/pishkhan/persian"
)

// lrm keeps a code (digits, dashes, stars) reading left to right inside
// right-to-left text.
const lrm = "\u200e"

// Input is what a receipt shows.
type Input struct {
	Office         pishkhan.DeskConfig
	Request        pishkhan.Request // with its Payment
	AgencyName     string
	ServiceName    string
	SubServiceName string
	ClerkName      string
	Copy           bool // a reprint: it says رونوشت at the top
}

// Build lays out the intake receipt for a printer of headDots dots: office
// and desk, Jalali date and time in Persian digits, the tracking code large
// and as a QR code, the citizen with a masked national code, the service,
// the fees and their total in rials with ٬, how it was paid, the clerk, and
// whether the exchange has the request yet or it waits in the outbox.
func Build(in Input, headDots int) *escpos.Receipt {
	r := in.Request
	at := r.CreatedAt.In(persian.Tehran())
	var b []escpos.Block
	add := func(bs ...escpos.Block) { b = append(b, bs...) }
	if in.Copy {
		add(escpos.Text{Text: "رونوشت", Align: escpos.AlignCenter, Bold: true, Double: true})
	}
	add(
		escpos.Text{Text: in.Office.OfficeName, Align: escpos.AlignCenter, Bold: true},
		escpos.Text{Text: "کد دفتر " + persian.ToPersianDigits(fmt.Sprintf("%05d", in.Office.OfficeCode)) + " — میز " +
			persian.ToPersianDigits(fmt.Sprintf("%02d", in.Office.DeskNumber)), Align: escpos.AlignCenter},
		escpos.Text{Text: persian.DateOf(at).Long() + " — ساعت " + persian.FormatTime(at), Align: escpos.AlignCenter},
		escpos.Separator{Double: true},
		escpos.Text{Text: "کد رهگیری", Align: escpos.AlignCenter},
		// Large on an 80 mm head; on 58 mm double size would not fit on one line.
		escpos.Text{Text: lrm + persian.ToPersianDigits(r.TrackingCode.Display()), Align: escpos.AlignCenter, Bold: true, Double: headDots >= 576},
		escpos.QR{Data: string(r.TrackingCode), Module: 6},
		escpos.Separator{},
		escpos.KV{Key: "متقاضی", Value: r.Citizen.FirstName + " " + r.Citizen.LastName},
		escpos.KV{Key: "کد ملی", Value: lrm + persian.ToPersianDigits(r.Citizen.NationalCode.Masked())},
		escpos.KV{Key: "دستگاه", Value: in.AgencyName},
		escpos.KV{Key: "خدمت", Value: in.ServiceName + " — " + in.SubServiceName},
		escpos.Separator{},
		escpos.KV{Key: "تعرفه دولتی", Value: persian.FormatRials(int64(r.GovFee))},
		escpos.KV{Key: "کارمزد پیشخوان", Value: persian.FormatRials(int64(r.CounterFee))},
		escpos.KV{Key: "جمع کل", Value: persian.FormatRials(int64(r.TotalFee())), Bold: true},
		escpos.KV{Key: "پرداخت", Value: payment(r.Payment)},
		escpos.KV{Key: "اپراتور", Value: in.ClerkName},
		escpos.Separator{},
		escpos.Text{Text: exchangeLine(r.State), Align: escpos.AlignRight},
		escpos.Text{Text: "این رسید را تا پایان کار نگه دارید.", Align: escpos.AlignCenter},
		escpos.Feed{Lines: 3},
		escpos.Cut{},
	)
	return &escpos.Receipt{Blocks: b}
}

func payment(p *pishkhan.Payment) string {
	switch {
	case p == nil:
		return "—"
	case p.Method == pishkhan.PayCard:
		return "کارتی (شماره مرجع " + lrm + persian.ToPersianDigits(p.TerminalRef) + ")"
	}
	return "نقدی"
}

// exchangeLine says where the request stands with the central exchange.
func exchangeLine(s pishkhan.RequestState) string {
	switch s {
	case pishkhan.StateQueued, pishkhan.StateSending:
		return "وضعیت: در صف ارسال به مرکز (بدون اتصال)؛ پس از برقراری ارتباط ارسال می‌شود."
	case pishkhan.StateRejected, pishkhan.StateConflict:
		return "وضعیت: " + s.Persian() + " — به اپراتور مراجعه کنید."
	}
	return "وضعیت: ثبت در مرکز — " + s.Persian()
}

// Sample is the standard receipt the tests and benchmarks use: a passport
// paid by card, filed offline.
func Sample() Input {
	created := time.Date(2026, 11, 28, 7, 30, 0, 0, time.UTC) // 11:00 in Tehran, 1405/09/07
	return Input{
		Office: pishkhan.DeskConfig{OfficeCode: 12345, OfficeName: "دفتر پیشخوان خدمات دولت شماره ۱۲۳۴۵", DeskNumber: 1},
		Request: pishkhan.Request{
			TrackingCode: "123450105090700015",
			Citizen:      pishkhan.Citizen{NationalCode: "0012345679", FirstName: "زهرا", LastName: "احمدی"},
			GovFee:       3_500_000, CounterFee: 250_000, State: pishkhan.StateQueued, CreatedAt: created,
			Payment: &pishkhan.Payment{Method: pishkhan.PayCard, Amount: 3_750_000, TerminalRef: "1234567890", PaidAt: created},
		},
		AgencyName: "پلیس مهاجرت و گذرنامه فراجا", ServiceName: "گذرنامه", SubServiceName: "صدور گذرنامه",
		ClerkName: "اپراتور یک",
	}
}

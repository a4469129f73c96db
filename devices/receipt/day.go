package receipt

import (
	"fmt"

	"github.com/pishkhan/pishkhan"
	"github.com/pishkhan/pishkhan/devices/escpos"
	"github.com/pishkhan/pishkhan/persian"
)

// DayTotal is one line of a day's totals.
type DayTotal struct {
	Name   string
	Count  int
	Amount pishkhan.Rials
}

// DayInput is what the day's receipt (the Z-report) shows.
type DayInput struct {
	Office    pishkhan.DeskConfig
	Close     pishkhan.DayClose
	ByService []DayTotal
	ByClerk   []DayTotal
	Unsent    int
	Copy      bool // a reprint of a closed day's receipt
}

// money is rials in Persian digits with ٬.
func money(r pishkhan.Rials) string { return persian.FormatRials(int64(r)) }

func signed(r pishkhan.Rials) string {
	if r > 0 {
		return "+" + money(r)
	}
	if r < 0 {
		return "−" + money(-r)
	}
	return money(0)
}

// Day lays out the receipt of a closed day for the thermal printer: office
// and desk, the Jalali day, the requests, cash and card expected against
// counted with the differences and their reason, totals by service and by
// clerk, what is still unsent, who closed it and when.
func Day(in DayInput, headDots int) *escpos.Receipt {
	c := in.Close
	at := c.ClosedAt.In(persian.Tehran())
	day, _ := persian.ParseDate(c.Date)
	var b []escpos.Block
	add := func(bs ...escpos.Block) { b = append(b, bs...) }
	if in.Copy {
		add(escpos.Text{Text: "رونوشت", Align: escpos.AlignCenter, Bold: true, Double: true})
	}
	add(
		escpos.Text{Text: "گزارش پایان روز", Align: escpos.AlignCenter, Bold: true, Double: headDots >= 576},
		escpos.Text{Text: in.Office.OfficeName, Align: escpos.AlignCenter, Bold: true},
		escpos.Text{Text: "کد دفتر " + persian.ToPersianDigits(fmt.Sprintf("%05d", in.Office.OfficeCode)) + " — میز " +
			persian.ToPersianDigits(fmt.Sprintf("%02d", in.Office.DeskNumber)), Align: escpos.AlignCenter},
		escpos.Text{Text: day.Long(), Align: escpos.AlignCenter},
		escpos.Separator{Double: true},
		escpos.KV{Key: "تعداد درخواست", Value: persian.ToPersianDigits(fmt.Sprint(c.Requests))},
		escpos.KV{Key: "نقد — مورد انتظار", Value: money(c.ExpectedCash)},
		escpos.KV{Key: "نقد — شمرده‌شده", Value: money(c.CountedCash)},
		escpos.KV{Key: "اختلاف نقد", Value: signed(c.Difference()), Bold: c.Difference() != 0},
		escpos.KV{Key: "کارت — ثبت‌شده", Value: money(c.ExpectedCard)},
		escpos.KV{Key: "کارت — تسویه کارتخوان", Value: money(c.CountedCard)},
		escpos.KV{Key: "اختلاف کارت", Value: signed(c.CardDifference()), Bold: c.CardDifference() != 0},
	)
	if c.Reason != "" {
		add(escpos.Text{Text: "دلیل اختلاف: " + c.Reason})
	}
	if len(in.ByService) > 0 {
		add(escpos.Separator{}, escpos.Text{Text: "به تفکیک خدمت", Bold: true})
		for _, t := range in.ByService {
			add(escpos.KV{Key: t.Name, Value: persian.ToPersianDigits(fmt.Sprint(t.Count)) + " — " + money(t.Amount)})
		}
	}
	if len(in.ByClerk) > 0 {
		add(escpos.Separator{}, escpos.Text{Text: "به تفکیک اپراتور", Bold: true})
		for _, t := range in.ByClerk {
			add(escpos.KV{Key: t.Name, Value: persian.ToPersianDigits(fmt.Sprint(t.Count)) + " — " + money(t.Amount)})
		}
	}
	add(escpos.Separator{})
	if in.Unsent > 0 {
		add(escpos.Text{Text: persian.ToPersianDigits(fmt.Sprint(in.Unsent)) + " درخواست هنوز به مرکز ارسال نشده است.", Bold: true})
	}
	add(
		escpos.KV{Key: "بسته‌شده به دست", Value: c.ClosedBy},
		escpos.KV{Key: "زمان بستن", Value: persian.FormatDateTime(at)},
		escpos.Feed{Lines: 3},
		escpos.Cut{},
	)
	return &escpos.Receipt{Blocks: b}
}

package report

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/pishkhan/pishkhan/persian"
)

// Test data: a realistic day at office 12345, desk 1.

const officeName = "دفتر پیشخوان خدمات دولت شماره ۲۱۴ تهران، خیابان ولیعصر"

var services = []struct{ name, agency string }{
	{"صدور گذرنامه", "پلیس مهاجرت و گذرنامه"},
	{"تمدید گذرنامه", "پلیس مهاجرت و گذرنامه"},
	{"صدور گواهینامه رانندگی پایه دوم", "پلیس راهور"},
	{"تعویض پلاک خودرو و صدور سند مالکیت", "پلیس راهور"},
	{"صدور المثنی کارت سوخت", "شرکت ملی پخش فرآورده‌های نفتی"},
	{"استعلام وضعیت نظام وظیفه (معافیت تحصیلی)", "سازمان وظیفه عمومی ناجا"},
	{"درخواست صدور پروانه کسب برای واحدهای صنفی تولیدی، خدماتی و توزیعی", "اتاق اصناف ایران"},
	{"ثبت‌نام کارت هوشمند ملی (المثنی)", "سازمان ثبت احوال کشور"},
	{"پرداخت جریمه‌ی رانندگی با کد 1234-ABC", "پلیس راهور"},
	{"صدور کارت ملی هوشمند برای افراد بالای ۱۵ سال", "سازمان ثبت احوال کشور"},
}

var citizens = []string{
	"علی رضایی", "فاطمه حسینی", "محمدحسین کریمی‌نژاد", "زهرا موسوی", "Sara Ahmadi",
	"رضا قاسمی", "مریم جعفری‌فر", "حسن نوروزی ۲", "امیرعلی طباطبایی‌زاده اصفهانی", "ژاله پژمان",
}

var clerks = []string{"operator1", "کاربر نمونه", "مهدی صادقی"}

var states = []string{"پذیرفته‌شده", "در صف ارسال", "انجام‌شده", "در حال رسیدگی", "نیازمند اقدام"}

// testDay makes a day of n requests, deterministic for a seed.
func testDay(n int, seed uint64) Day {
	rng := rand.New(rand.NewPCG(seed, 1))
	teh := persian.Tehran()
	date := persian.Date{Year: 1405, Month: 9, Day: 7}
	start, err := date.Time(teh)
	if err != nil {
		panic(err)
	}
	start = start.Add(8 * time.Hour)
	d := Day{
		Office:           Office{Code: 12345, Name: officeName, Desk: 1},
		From:             date,
		To:               date,
		Closed:           true,
		ClosedBy:         "مدیر دفتر (modir)",
		ClosedAt:         start.Add(10*time.Hour + 35*time.Minute),
		DifferenceReason: "یک اسکناس ۱۰۰٬۰۰۰ ریالی به اشتباه به‌عنوان باقی‌مانده به شهروند داده شد.",
		Printed:          start.Add(10*time.Hour + 40*time.Minute),
	}
	bySvc := map[string]*Total{}
	byAg := map[string]*Total{}
	byCl := map[string]*Total{}
	add := func(m map[string]*Total, k string, amt int64) {
		t := m[k]
		if t == nil {
			t = &Total{Name: k}
			m[k] = t
		}
		t.Count++
		t.Amount += amt
	}
	var cash int64
	for i := range n {
		s := services[rng.IntN(len(services))]
		gov := int64(rng.IntN(200)+1) * 10_000
		ctr := int64(rng.IntN(20)+5) * 10_000
		pay := "نقد"
		if rng.IntN(3) == 0 {
			pay = "کارت"
			d.CardTotal += gov + ctr
		} else {
			cash += gov + ctr
		}
		seq := i + 1
		l := Line{
			Tracking: fmt.Sprintf("12345-01-050907-%04d-%d", seq%10000, seq%10),
			Citizen:  citizens[rng.IntN(len(citizens))],
			Service:  s.name,
			Agency:   s.agency,
			Clerk:    clerks[rng.IntN(len(clerks))],
			State:    states[rng.IntN(len(states))],
			Payment:  pay,
			Gov:      gov,
			Counter:  ctr,
			At:       start.Add(time.Duration(i) * 10 * time.Hour / time.Duration(n+1)),
		}
		d.Lines = append(d.Lines, l)
		if l.State == "در صف ارسال" {
			d.Unsent = append(d.Unsent, l)
		}
		add(bySvc, l.Service, gov+ctr)
		add(byAg, l.Agency, gov+ctr)
		add(byCl, l.Clerk, gov+ctr)
	}
	d.ExpectedCash = cash
	d.CountedCash = cash - 100_000
	list := func(m map[string]*Total) []Total {
		var ts []Total
		for _, t := range m {
			ts = append(ts, *t)
		}
		sort.Slice(ts, func(i, j int) bool { return ts[i].Amount > ts[j].Amount })
		return ts
	}
	d.ByService, d.ByAgency, d.ByClerk = list(bySvc), list(byAg), list(byCl)
	return d
}

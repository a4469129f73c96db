package persian_test

import (
	"fmt"
	"time"

	"github.com/pishkhan/pishkhan/persian"
)

func ExampleFormatInt() {
	fmt.Println(persian.FormatInt(1234567))
	// Output: ۱٬۲۳۴٬۵۶۷
}

func ExampleParseInt() {
	n, err := persian.ParseInt(" ۱۲۵٬۰۰۰ ")
	fmt.Println(n, err)
	_, err = persian.ParseInt("12,50")
	fmt.Println(err)
	// Output:
	// 125000 <nil>
	// persian: parse integer "12,50": invalid integer syntax: last digit group is not 3 digits long
}

func ExampleFormatTomans() {
	fmt.Println(persian.FormatRials(1250000))
	fmt.Println(persian.FormatTomans(1250000))
	fmt.Println(persian.FormatTomans(1250005))
	// Output:
	// ۱٬۲۵۰٬۰۰۰ ریال
	// ۱۲۵٬۰۰۰ تومان
	// ۱۲۵٬۰۰۰٫۵ تومان
}

func ExampleNormalize() {
	fmt.Println(persian.Normalize("  آقاي علي‌كريمي  ۱۲ "))
	// Output: اقای علی کریمی 12
}

func ExampleNormalizeText() {
	fmt.Printf("%q\n", persian.NormalizeText("  علي   كريمي‌زاده  "))
	// Output: "علی کریمی\u200cزاده"
}

func ExampleDateOf() {
	t := time.Date(2026, time.November, 28, 14, 35, 0, 0, persian.Tehran())
	d := persian.DateOf(t)
	fmt.Println(d)
	fmt.Println(d.Persian())
	fmt.Println(d.Long())
	fmt.Println(persian.FormatDateTime(t))
	// Output:
	// 1405/09/07
	// ۱۴۰۵/۰۹/۰۷
	// شنبه ۷ آذر ۱۴۰۵
	// ۱۴۰۵/۰۹/۰۷ ۱۴:۳۵
}

func ExampleParseDate() {
	d, err := persian.ParseDate("۱۴۰۳-۱۲-۳۰")
	fmt.Println(d, err)
	_, err = persian.ParseDate("1404/12/30")
	fmt.Println(err)
	// Output:
	// 1403/12/30 <nil>
	// persian: parse date "1404/12/30": invalid Jalali date: 1404 is not a leap year, so Esfand has 29 days
}

func ExampleDate_Time() {
	d := persian.Date{Year: 1404, Month: 1, Day: 1}
	t, err := d.Time(time.UTC)
	fmt.Println(t.Format(time.DateOnly), err)
	// Output: 2025-03-21 <nil>
}

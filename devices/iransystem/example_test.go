package iransystem_test

import (
	"fmt"

	"github.com/pishkhan/pishkhan/devices/iransystem"
	"github.com/pishkhan/pishkhan/persian"
)

func ExampleFromLogical() {
	b, err := iransystem.FromLogical("کد رهگیری: 123")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("% X\n", b)
	// Output: 31 32 33 20 3A FD A4 FE F0 FB A4 20 A2 EE
}

func ExampleDecode() {
	// علی as a DOS program stored it: visual order, one byte per form.
	// 0xF3 is lam initial-medial, which decodes to the initial form ﻟ.
	fmt.Println(iransystem.Decode([]byte{0xFC, 0xF3, 0xE4}))
	// Output: ﯽﻟﻋ
}

func ExampleEncode() {
	visual := persian.ForDevice("بلا") // beh initial, then the final lam-alef ligature
	b, _ := iransystem.Encode(visual)
	fmt.Printf("% X %q\n", b, iransystem.Decode(b)) // the final ﻼ comes back as the isolated ﻻ
	_, err := iransystem.Encode(persian.ForDevice("تأمین"))
	fmt.Println(err)
	// Output:
	// F2 93 "ﻻﺑ"
	// iransystem: U+FE84 'ﺄ' at byte 9 has no Iran System code
}

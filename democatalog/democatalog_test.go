package democatalog

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pishkhan/pishkhan"
)

const marker = "ساختگی"

// goldenV1 is the SHA-256 of dump(Version1()). If you change the generator
// on purpose, update it; if it changes by itself, the catalog is no longer
// reproducible. dump spells out every field itself, so that changes to the
// domain's JSON tags do not move the digest.
const goldenV1 = "281146c493c261eb147a69e2d4141ab6f3d261426e9451ba430ebec567100322"

// dump writes the catalog as text, field by field.
func dump(c *pishkhan.Catalog) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "version %d\n", c.Version)
	for _, a := range c.Agencies {
		fmt.Fprintf(&b, "agency %q %q %v\n", a.ID, a.Name, a.Generated)
	}
	for _, q := range c.InquiryTypes {
		fmt.Fprintf(&b, "inquiry %q %q %q\n", q.ID, q.AgencyID, q.Name)
	}
	for _, s := range c.Services {
		fmt.Fprintf(&b, "service %q %q %q %v %v\n", s.ID, s.AgencyID, s.Name, s.Licence, s.Generated)
	}
	for _, s := range c.SubServices {
		fmt.Fprintf(&b, "sub %q %q %q %d %d %q %v %v\n", s.ID, s.ServiceID, s.Name, s.GovFee, s.CounterFee, s.Inquiries, s.NeedsApproval, s.Generated)
		for _, f := range s.Fields {
			fmt.Fprintf(&b, "  field %q %q %q %v %d %d %d %d %q %q\n", f.Key, f.Label, f.Type, f.Required, f.MinLen, f.MaxLen, f.Min, f.Max, f.Pattern, f.Choices)
		}
	}
	return []byte(b.String())
}

func TestCounts(t *testing.T) {
	c := Version1()
	if c.Version != 1 {
		t.Errorf("Version = %d, want 1", c.Version)
	}
	for _, tc := range []struct {
		what      string
		got, want int
	}{
		{"agencies", len(c.Agencies), Agencies},
		{"services", len(c.Services), Services},
		{"sub-services", len(c.SubServices), SubServices},
		{"inquiry types", len(c.InquiryTypes), InquiryTypes},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %d, want %d", tc.what, tc.got, tc.want)
		}
	}
	if Agencies != 108 || Services != 779 || SubServices != 2094 || InquiryTypes != 1300 || LicenceServices != 241 {
		t.Errorf("programme counts changed: %d %d %d %d %d", Agencies, Services, SubServices, InquiryTypes, LicenceServices)
	}
	licence := 0
	for _, s := range c.Services {
		if s.Licence {
			licence++
		}
	}
	if licence != LicenceServices {
		t.Errorf("licence services: %d, want %d", licence, LicenceServices)
	}
	perService := map[string]int{}
	for _, s := range c.SubServices {
		perService[s.ServiceID]++
	}
	for _, s := range c.Services {
		if perService[s.ID] == 0 {
			t.Errorf("service %s has no sub-service", s.ID)
		}
	}
	perAgency := map[string]int{}
	for _, s := range c.Services {
		perAgency[s.AgencyID]++
	}
	for _, a := range c.Agencies {
		if a.Generated && perAgency[a.ID] == 0 {
			t.Errorf("generated agency %s offers no service", a.ID)
		}
	}
}

func TestIDsSequentialRealFirst(t *testing.T) {
	c := Version1()
	for i, a := range c.Agencies {
		if want := fmt.Sprintf("ag-%03d", i+1); a.ID != want {
			t.Fatalf("agency %d: id %s, want %s", i, a.ID, want)
		}
		if a.Generated != (i >= RealAgencies) {
			t.Errorf("agency %s: Generated=%v", a.ID, a.Generated)
		}
	}
	for i, s := range c.Services {
		if want := fmt.Sprintf("sv-%04d", i+1); s.ID != want {
			t.Fatalf("service %d: id %s, want %s", i, s.ID, want)
		}
		if s.Generated != (i >= RealServices) {
			t.Errorf("service %s: Generated=%v", s.ID, s.Generated)
		}
	}
	prevService := ""
	seenService := map[string]bool{}
	for i, s := range c.SubServices {
		if want := fmt.Sprintf("ss-%04d", i+1); s.ID != want {
			t.Fatalf("sub-service %d: id %s, want %s", i, s.ID, want)
		}
		if s.Generated != (i >= RealSubServices) {
			t.Errorf("sub-service %s: Generated=%v", s.ID, s.Generated)
		}
		if s.ServiceID != prevService {
			if seenService[s.ServiceID] {
				t.Errorf("sub-service %s: sub-services of %s are not grouped", s.ID, s.ServiceID)
			}
			seenService[s.ServiceID] = true
			prevService = s.ServiceID
		}
	}
	for i, q := range c.InquiryTypes {
		if want := fmt.Sprintf("iq-%04d", i+1); q.ID != want {
			t.Fatalf("inquiry type %d: id %s, want %s", i, q.ID, want)
		}
	}
	// Real sub-services belong to real services, generated to generated;
	// each refers only to inquiry types of its own kind.
	services := map[string]pishkhan.Service{}
	for _, s := range c.Services {
		services[s.ID] = s
	}
	for _, s := range c.SubServices {
		if services[s.ServiceID].Generated != s.Generated {
			t.Errorf("sub-service %s (Generated=%v) under service %s (Generated=%v)", s.ID, s.Generated, s.ServiceID, services[s.ServiceID].Generated)
		}
		for _, q := range s.Inquiries {
			if generatedInquiry(q) != s.Generated {
				t.Errorf("sub-service %s (Generated=%v) uses inquiry type %s", s.ID, s.Generated, q)
			}
		}
	}
}

func generatedInquiry(id string) bool {
	var n int
	fmt.Sscanf(id, "iq-%d", &n)
	return n > RealInquiryTypes
}

func TestCheck(t *testing.T) {
	for _, v := range []pishkhan.CatalogVersion{1, 2, 3, 10, 251} {
		if err := Generate(v).Check(); err != nil {
			t.Errorf("Generate(%d).Check(): %v", v, err)
		}
	}
}

func catalogJSON(t testing.TB, c *pishkhan.Catalog) []byte {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDeterminism(t *testing.T) {
	for _, v := range []pishkhan.CatalogVersion{1, 2, 7} {
		a, b := Generate(v), Generate(v)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("Generate(%d) twice: not deep-equal", v)
		}
		if ja, jb := catalogJSON(t, a), catalogJSON(t, b); string(ja) != string(jb) {
			t.Errorf("Generate(%d) twice: JSON differs", v)
		}
		if da, db := dump(a), dump(b); string(da) != string(db) {
			t.Errorf("Generate(%d) twice: dump differs", v)
		}
	}
	if !reflect.DeepEqual(Version1(), Generate(1)) {
		t.Error("Version1() differs from Generate(1)")
	}
}

func TestGoldenDigest(t *testing.T) {
	sum := sha256.Sum256(dump(Version1()))
	if got := hex.EncodeToString(sum[:]); got != goldenV1 {
		t.Errorf("SHA-256 of dump(Version1()) = %s, want %s", got, goldenV1)
	}
}

func TestResultsAreIndependent(t *testing.T) {
	a := Version1()
	a.SubServices[0].Fields[2].Choices[0] = "تغییر"
	a.SubServices[0].Inquiries[0] = "iq-9999"
	a.SubServices[100].Fields[0].Label = "تغییر"
	a.Agencies[0].Name = "تغییر"
	if !reflect.DeepEqual(Version1(), Version1()) || reflect.DeepEqual(a, Version1()) {
		t.Fatal("test is broken")
	}
	b := Version1()
	if b.SubServices[0].Fields[2].Choices[0] == "تغییر" || b.SubServices[0].Inquiries[0] == "iq-9999" ||
		b.SubServices[100].Fields[0].Label == "تغییر" || b.Agencies[0].Name == "تغییر" {
		t.Error("changing one generated catalog changed the next one")
	}
}

func TestLicenceRule(t *testing.T) {
	for _, v := range []pishkhan.CatalogVersion{1, 2} {
		c := Generate(v)
		licence := map[string]bool{}
		for _, s := range c.Services {
			licence[s.ID] = s.Licence
		}
		licenceSubs := 0
		for _, s := range c.SubServices {
			n := len(s.Inquiries)
			if licence[s.ServiceID] {
				licenceSubs++
				if n <= 20 || n > 40 {
					t.Errorf("v%d licence sub-service %s needs %d inquiries, want 21..40", v, s.ID, n)
				}
			} else if n > 6 {
				t.Errorf("v%d sub-service %s needs %d inquiries, want 0..6", v, s.ID, n)
			}
			if len(slices.Compact(slices.Sorted(slices.Values(s.Inquiries)))) != n {
				t.Errorf("v%d sub-service %s has duplicate inquiries %v", v, s.ID, s.Inquiries)
			}
		}
		if licenceSubs < LicenceServices {
			t.Errorf("v%d: only %d licence sub-services", v, licenceSubs)
		}
	}
}

func TestGeneratedNamesMarked(t *testing.T) {
	c := Version1()
	check := func(kind, id, name string, generated bool) {
		t.Helper()
		if has := strings.Contains(name, marker); has != generated {
			t.Errorf("%s %s %q: generated=%v but contains %s=%v", kind, id, name, generated, marker, has)
		}
	}
	for _, a := range c.Agencies {
		check("agency", a.ID, a.Name, a.Generated)
	}
	for _, s := range c.Services {
		check("service", s.ID, s.Name, s.Generated)
	}
	for _, s := range c.SubServices {
		check("sub-service", s.ID, s.Name, s.Generated)
		if s.Generated {
			if n := len(s.Fields); n < 1 || n > 5 {
				t.Errorf("generated sub-service %s has %d fields, want 1..5", s.ID, n)
			}
		}
	}
	for _, q := range c.InquiryTypes {
		check("inquiry type", q.ID, q.Name, generatedInquiry(q.ID))
	}
}

// TestPersianText checks the Persian spelling: Persian yeh and keheh (not
// the Arabic letters), ZWNJ where Persian writes it, and no stray spaces.
func TestPersianText(t *testing.T) {
	c := Version1()
	var texts []string
	for _, a := range c.Agencies {
		texts = append(texts, a.Name)
	}
	for _, s := range c.Services {
		texts = append(texts, s.Name)
	}
	for _, q := range c.InquiryTypes {
		texts = append(texts, q.Name)
	}
	for _, s := range c.SubServices {
		texts = append(texts, s.Name)
		for _, f := range s.Fields {
			texts = append(texts, f.Label)
			texts = append(texts, f.Choices...)
		}
	}
	for _, s := range texts {
		if strings.ContainsAny(s, "\u064a\u0643") {
			t.Errorf("%q uses Arabic yeh or kaf", s)
		}
		if s != strings.TrimSpace(s) || strings.Contains(s, "  ") || strings.Contains(s, " \u200c") || strings.Contains(s, "\u200c ") {
			t.Errorf("%q has stray spaces", s)
		}
		if !utf8.ValidString(s) {
			t.Errorf("%q is not valid UTF-8", s)
		}
	}
	joined := strings.Join(texts, "\n")
	for _, w := range []string{"فرآورده\u200cهای", "ثبت\u200cنام", "ممنوع\u200cالخروجی", "بیمه\u200cپردازی", "آتش\u200cنشانی"} {
		if !strings.Contains(joined, w) {
			t.Errorf("no %q (with ZWNJ) in the catalog", w)
		}
	}
	for _, w := range []string{"فرآورده های", "فرآوردههای", "ثبت نام", "ثبتنام"} {
		if strings.Contains(joined, w) {
			t.Errorf("%q is written without ZWNJ", w)
		}
	}
}

func TestRealServices(t *testing.T) {
	c := Version1()
	agency := map[string]string{}
	for _, a := range c.Agencies {
		agency[a.ID] = a.Name
	}
	services := map[string]pishkhan.Service{}
	for _, s := range c.Services {
		services[s.ID] = s
	}
	real := map[string]pishkhan.SubService{}
	for _, s := range c.SubServices {
		if !s.Generated {
			if _, dup := real[s.Name]; dup {
				t.Errorf("two real sub-services named %q", s.Name)
			}
			real[s.Name] = s
		}
	}
	if len(real) < 30 || len(real) != RealSubServices {
		t.Errorf("%d real sub-services, want at least 30 and RealSubServices=%d", len(real), RealSubServices)
	}
	want := map[string]string{ // sub-service → part of its agency's name
		"صدور گذرنامه":                        "پلیس مهاجرت و گذرنامه",
		"تمدید گذرنامه":                       "پلیس مهاجرت و گذرنامه",
		"تعویض پلاک خودرو":                    "پلیس راهور",
		"نقل و انتقال سند خودرو":              "پلیس راهور",
		"صدور المثنی کارت سوخت":               "شرکت ملی پخش فرآورده\u200cهای نفتی",
		"صدور گواهینامه رانندگی":              "پلیس راهور",
		"تمدید گواهینامه رانندگی":             "پلیس راهور",
		"صدور المثنی گواهینامه رانندگی":       "پلیس راهور",
		"ثبت\u200cنام کارت ملی هوشمند":        "سازمان ثبت احوال کشور",
		"صدور المثنی کارت ملی هوشمند":         "سازمان ثبت احوال کشور",
		"درخواست معافیت":                      "سازمان وظیفه عمومی",
		"صدور برگ آماده به خدمت":              "سازمان وظیفه عمومی",
		"مجوز خروج از کشور مشمولان":           "سازمان وظیفه عمومی",
		"صدور المثنی کارت پایان خدمت":         "سازمان وظیفه عمومی",
		"صدور گواهی عدم سوءپیشینه":            "قوه قضاییه",
		"استعلام خلافی خودرو":                 "پلیس راهور",
		"صدور پروانه کسب":                     "اتاق اصناف",
		"تسلیم اظهارنامه مالیاتی مشاغل":       "سازمان امور مالیاتی",
		"دریافت گواهی سوابق بیمه\u200cپردازی": "سازمان تأمین اجتماعی",
	}
	for name, ag := range want {
		s, ok := real[name]
		if !ok {
			t.Errorf("no real sub-service %q", name)
			continue
		}
		svc := services[s.ServiceID]
		if got := agency[svc.AgencyID]; !strings.Contains(got, ag) {
			t.Errorf("%q is under agency %q, want %q", name, got, ag)
		}
		if s.CounterFee < 50_000 || s.CounterFee > 500_000 {
			t.Errorf("%q: counter fee %d outside 50,000–500,000 rials", name, s.CounterFee)
		}
	}
	if !services[real["صدور پروانه کسب"].ServiceID].Licence {
		t.Error("the business licence is not a licence service")
	}
	// Vehicle services ask for a plate; every real form asks for a national code.
	for name, s := range real {
		types := map[pishkhan.FieldType]bool{}
		for _, f := range s.Fields {
			types[f.Type] = true
		}
		if !types[pishkhan.FieldNationalCode] {
			t.Errorf("%q has no national-code field", name)
		}
		if strings.Contains(name, "خودرو") || strings.Contains(name, "سوخت") {
			if !types[pishkhan.FieldPlate] {
				t.Errorf("vehicle service %q has no plate field", name)
			}
		}
		if len(s.Fields) == 0 || s.CounterFee <= 0 {
			t.Errorf("%q: %d fields, counter fee %d", name, len(s.Fields), s.CounterFee)
		}
	}
}

// textSamples are valid values of the real text fields that carry a pattern.
var textSamples = map[string]string{
	"passport_no":         "A12345678",
	"vin":                 "NAAM01CA9KR123456",
	"licence_no":          "9812345678",
	"insurance_no":        "۱۲۳۴۵۶۷۸۹۰",
	"workshop_code":       "1234567",
	"business_licence_no": "12345678",
}

// sample returns a plausible valid value for f.
func sample(t *testing.T, f pishkhan.FieldSpec) string {
	t.Helper()
	switch f.Type {
	case pishkhan.FieldNationalCode:
		n, err := pishkhan.CompleteNationalCode("001234567")
		if err != nil {
			t.Fatal(err)
		}
		return n.String()
	case pishkhan.FieldMobile:
		return "09121234567"
	case pishkhan.FieldPostalCode:
		return "1193653471"
	case pishkhan.FieldDate:
		return "1370/05/20"
	case pishkhan.FieldPlate:
		return "12ب345-67"
	case pishkhan.FieldChoice:
		return f.Choices[len(f.Choices)-1]
	case pishkhan.FieldNumber, pishkhan.FieldAmount:
		if f.Max > 0 {
			return fmt.Sprint(f.Min + (f.Max-f.Min)/2)
		}
		return "5"
	case pishkhan.FieldText:
		if f.Pattern != "" {
			s, ok := textSamples[f.Key]
			if !ok {
				t.Fatalf("no sample for patterned text field %s", f.Key)
			}
			return s
		}
		s := []rune("خیابان آزادی، کوچه بهار، پلاک ۱۲")
		for len(s) < f.MinLen {
			s = append(s, s...)
		}
		if f.MaxLen > 0 && len(s) > f.MaxLen {
			s = s[:f.MaxLen]
		}
		return string(s)
	}
	t.Fatalf("unknown field type %q", f.Type)
	return ""
}

func TestFieldSamplesValidate(t *testing.T) {
	c := Version1()
	for _, s := range c.SubServices {
		values := map[string]string{}
		for _, f := range s.Fields {
			values[f.Key] = sample(t, f)
		}
		out, err := s.ValidateForm(values)
		if err != nil {
			t.Errorf("%s %q: %v", s.ID, s.Name, err)
			continue
		}
		if len(out) != len(s.Fields) {
			t.Errorf("%s: %d canonical values for %d fields", s.ID, len(out), len(s.Fields))
		}
		// And the form refuses an empty required field.
		for _, f := range s.Fields {
			if f.Required {
				bad := maps(values)
				delete(bad, f.Key)
				if _, err := s.ValidateForm(bad); pishkhan.ErrorCode(err) != pishkhan.EInvalid {
					t.Errorf("%s: missing required %s accepted (err %v)", s.ID, f.Key, err)
				}
				break
			}
		}
	}
}

func maps(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// TestChangesFollowTheRules recomputes the documented rules independently.
func TestChangesFollowTheRules(t *testing.T) {
	c1 := Version1()
	first := map[string]bool{}
	prev := ""
	for _, s := range c1.SubServices {
		if s.ServiceID != prev {
			first[s.ID] = true
			prev = s.ServiceID
		}
	}
	if ch := Changes(1); len(ch.Raised)+len(ch.Retired) != 0 || ch.Version != 1 {
		t.Errorf("Changes(1) = %+v, want none", ch)
	}
	retired := map[string]bool{}
	for v := 2; v <= 4; v++ {
		var wantRetired, wantRaised []string
		for n := RealSubServices + 1; n <= SubServices; n++ {
			id := fmt.Sprintf("ss-%04d", n)
			if n%250 == 3*v%250 && !first[id] && !retired[id] {
				wantRetired = append(wantRetired, id)
			}
		}
		for _, id := range wantRetired {
			retired[id] = true
		}
		for n := RealSubServices + 1; n <= SubServices; n++ {
			id := fmt.Sprintf("ss-%04d", n)
			if n%50 == v%50 && !retired[id] {
				wantRaised = append(wantRaised, id)
			}
		}
		ch := Changes(pishkhan.CatalogVersion(v))
		if ch.Version != pishkhan.CatalogVersion(v) || !slices.Equal(ch.Retired, wantRetired) || !slices.Equal(ch.Raised, wantRaised) {
			t.Errorf("Changes(%d) = %+v, want retired %v raised %v", v, ch, wantRetired, wantRaised)
		}
		if len(ch.Retired) == 0 || len(ch.Retired) > 10 {
			t.Errorf("v%d retires %d sub-services, want a few", v, len(ch.Retired))
		}
		gen := SubServices - RealSubServices
		if p := float64(len(ch.Raised)) / float64(gen); p < 0.015 || p > 0.025 {
			t.Errorf("v%d raises %d of %d generated sub-services (%.1f%%), want about 2%%", v, len(ch.Raised), gen, 100*p)
		}
	}
}

// TestVersion2 compares versions 1 and 2 entry by entry.
func TestVersion2(t *testing.T) {
	c1, c2 := Generate(1), Generate(2)
	ch := Changes(2)
	if c2.Version != 2 {
		t.Errorf("Version = %d", c2.Version)
	}
	if !reflect.DeepEqual(c1.Agencies, c2.Agencies) || !reflect.DeepEqual(c1.Services, c2.Services) ||
		!reflect.DeepEqual(c1.InquiryTypes, c2.InquiryTypes) {
		t.Error("version 2 changed agencies, services or inquiry types")
	}
	raised, retired := setOf(ch.Raised), setOf(ch.Retired)
	v2 := map[string]pishkhan.SubService{}
	for _, s := range c2.SubServices {
		v2[s.ID] = s
	}
	if len(c2.SubServices) != SubServices-len(ch.Retired) {
		t.Errorf("version 2 has %d sub-services, want %d", len(c2.SubServices), SubServices-len(ch.Retired))
	}
	nRaised := 0
	for _, s1 := range c1.SubServices {
		s2, ok := v2[s1.ID]
		switch {
		case retired[s1.ID]:
			if ok {
				t.Errorf("%s should be retired in version 2", s1.ID)
			}
			if !s1.Generated {
				t.Errorf("real sub-service %s retired", s1.ID)
			}
		case !ok:
			t.Errorf("%s missing from version 2", s1.ID)
		case raised[s1.ID]:
			nRaised++
			want := s1
			want.GovFee = RaiseGovFee(s1.GovFee)
			if !reflect.DeepEqual(s2, want) || s2.GovFee <= s1.GovFee || !s1.Generated {
				t.Errorf("%s: version 2 %+v, want %+v", s1.ID, s2, want)
			}
		default:
			if !reflect.DeepEqual(s1, s2) {
				t.Errorf("%s changed between versions 1 and 2", s1.ID)
			}
		}
	}
	if nRaised != len(ch.Raised) || len(ch.Raised) == 0 {
		t.Errorf("%d raised sub-services found, Changes lists %d", nRaised, len(ch.Raised))
	}
	// Order is still by id, grouped by service.
	if !slices.IsSortedFunc(c2.SubServices, func(a, b pishkhan.SubService) int { return strings.Compare(a.ID, b.ID) }) {
		t.Error("version 2 sub-services are not in id order")
	}
}

// TestVersionsCompose checks Generate(v) = Generate(1) with Changes(2..v) applied.
func TestVersionsCompose(t *testing.T) {
	c := Version1()
	byID := func(c *pishkhan.Catalog) map[string]int {
		m := map[string]int{}
		for i, s := range c.SubServices {
			m[s.ID] = i
		}
		return m
	}
	checkAt := map[pishkhan.CatalogVersion]bool{2: true, 3: true, 25: true, 50: true, 51: true, 120: true, 251: true, 260: true}
	for v := pishkhan.CatalogVersion(2); v <= 260; v++ {
		ch := Changes(v)
		idx := byID(c)
		for _, id := range ch.Raised {
			c.SubServices[idx[id]].GovFee = RaiseGovFee(c.SubServices[idx[id]].GovFee)
		}
		gone := setOf(ch.Retired)
		for _, id := range ch.Retired {
			if _, ok := idx[id]; !ok {
				t.Fatalf("v%d retires %s, which is not in v%d", v, id, v-1)
			}
		}
		c.SubServices = slices.DeleteFunc(c.SubServices, func(s pishkhan.SubService) bool { return gone[s.ID] })
		c.Version = v
		if checkAt[v] {
			if got := Generate(v); !reflect.DeepEqual(got, c) {
				t.Fatalf("Generate(%d) is not Generate(1) with Changes(2..%d) applied", v, v)
			}
		}
	}
	// By version 251 every generated sub-service but the first of each
	// service is retired; each service still has a sub-service.
	c251 := Generate(251)
	if want := RealSubServices + (Services - RealServices); len(c251.SubServices) != want {
		t.Errorf("version 251 has %d sub-services, want %d", len(c251.SubServices), want)
	}
}

func TestGeneratePanicsBelowOne(t *testing.T) {
	for _, v := range []pishkhan.CatalogVersion{0, -1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Generate(%d) did not panic", v)
				}
			}()
			Generate(v)
		}()
	}
}

func TestRaiseGovFee(t *testing.T) {
	for _, tc := range []struct{ in, want pishkhan.Rials }{
		{0, 10_000}, {50_000, 60_000}, {100_000, 110_000}, {1_234_000, 1_358_000}, {3_000_000, 3_300_000},
	} {
		if got := RaiseGovFee(tc.in); got != tc.want {
			t.Errorf("RaiseGovFee(%d) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func setOf(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		Generate(1)
	}
}

func BenchmarkGenerateVersion10(b *testing.B) {
	for b.Loop() {
		Generate(10)
	}
}

// SampleForm fills every form of the demo catalog with values its own
// validation accepts, using the national code it is given.
func TestSampleFormFillsEveryForm(t *testing.T) {
	nc, err := pishkhan.CompleteNationalCode("001234567")
	if err != nil {
		t.Fatal(err)
	}
	cat := Version1()
	for _, ss := range cat.SubServices {
		form, ok := SampleForm(ss, nc)
		if !ok {
			t.Fatalf("%s %s: SampleForm found no valid form", ss.ID, ss.Name)
		}
		if _, err := ss.ValidateForm(form); err != nil {
			t.Fatalf("%s: %v", ss.ID, err)
		}
		for _, f := range ss.Fields {
			if f.Type == pishkhan.FieldNationalCode && form[f.Key] != string(nc) {
				t.Fatalf("%s: national code field %s = %q, want %s", ss.ID, f.Key, form[f.Key], nc)
			}
		}
	}
	// A field that accepts none of the candidates is reported.
	odd := pishkhan.SubService{ID: "x", Fields: []pishkhan.FieldSpec{{Key: "k", Type: pishkhan.FieldText, Required: true, Pattern: `^Q{3}$`}}}
	if _, ok := SampleForm(odd, nc); ok {
		t.Fatal("SampleForm filled a field no candidate fits")
	}
}

// Package democatalog generates the demo service catalog of Pishkhan: a
// deterministic catalog with the national programme's counts — 108 agencies,
// 779 services (241 of them licence services), 2,094 sub-services and 1,300
// inquiry types.
//
// # Real and generated entries
//
// The first entries of every list are real: real agencies and about thirty
// of the most used counter services (passport, vehicle documents and plates,
// driving licence, fuel card, smart national card, military service, criminal
// record certificate, social-security records, tax, business licence…) with
// their real Persian names, plausible form fields and real-looking inquiry
// types. Their fees are illustrative, not official tariffs. Real entries
// have the lowest ids (ag-001…ag-022, sv-0001…sv-0013, ss-0001…ss-0033,
// iq-0001…iq-0035; see the Real* constants).
//
// Everything after them is generated filler, marked Generated=true and named
// with the word «ساختگی» (generated), e.g. «خدمت نمونه ۱۲۳ (ساختگی)», so that
// no one mistakes it for a real service. Inquiry types have no Generated
// flag: a generated one is named «استعلام نمونه … (ساختگی)» and has an id
// above RealInquiryTypes.
//
// # Rules the generator keeps
//
//   - Ids are "ag-001", "sv-0001", "ss-0001" and "iq-0001" onwards, without gaps in version 1.
//   - Every service has at least one sub-service; sub-services are listed grouped by service.
//   - Every sub-service of a licence service needs 21 to 40 distinct inquiries;
//     every other sub-service needs 0 to 6.
//   - Generated sub-services have 1 to 5 fields, of any field type, and refer
//     only to generated inquiry types; real sub-services refer only to real ones.
//
// # Determinism and versions
//
// Generate(v) returns the same catalog, byte for byte, for the same v. The
// generator draws from a PCG source (math/rand/v2) seeded with a constant and
// reads only its raw Uint64 output, so the result depends on nothing but v.
//
// Version 1 is the base catalog. Each version v ≥ 2 is version v−1 changed by
// exactly two rules, applied to generated sub-services only (real ones, all
// agencies, services and inquiry types never change), where n is the
// sub-service's number (ss-n):
//
//   - Retirement: a generated sub-service with n mod 250 = (3·v) mod 250 that
//     is not the first (lowest-numbered) sub-service of its service in version 1
//     is omitted from version v on. So every service keeps at least one
//     sub-service, and the ids that remain keep their numbers (there are gaps).
//   - Fee rise: every generated sub-service still present in version v with
//     n mod 50 = v mod 50 (about 2% of them) gets GovFee = RaiseGovFee(GovFee).
//
// Nothing else changes between versions except Catalog.Version. The steps
// are cumulative: Generate(v) is Generate(1) with the changes of versions
// 2, 3, …, v applied in order, so a sub-service is raised again every 50
// versions, and by version 251 every generated sub-service but the first of
// each service is retired. Changes reports the ids each step touches.
package democatalog

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/pishkhan/pishkhan"
)

// The national programme's counts, which the version-1 catalog has exactly.
const (
	Agencies        = 108
	Services        = 779
	SubServices     = 2094
	InquiryTypes    = 1300
	LicenceServices = 241
)

// How many entries of each kind are real; they come first and have the
// lowest ids. Every entry after them is generated.
const (
	RealAgencies     = 22
	RealServices     = 13
	RealSubServices  = 33
	RealInquiryTypes = 35
)

// The fixed seed of the generator's PCG source ("pishkhan", "democat1").
const (
	seedHi uint64 = 0x706973686b68616e
	seedLo uint64 = 0x64656d6f63617431
)

// Per-service bounds on the number of generated sub-services.
const maxSubsPerService = 8

// Version1 returns the base demo catalog, Generate(1).
func Version1() *pishkhan.Catalog { return Generate(1) }

// Generate returns the demo catalog of the given version (see the package
// documentation for what each version changes). Every call builds a fresh
// catalog that the caller may modify. It panics if version < 1.
func Generate(version pishkhan.CatalogVersion) *pishkhan.Catalog {
	if version < 1 {
		panic(fmt.Sprintf("democatalog: catalog version must be at least 1, got %d", version))
	}
	c := base()
	c.Version = version
	if version == 1 {
		return c
	}
	lay := v1Layout()
	retired := make(map[int]bool)
	for v := pishkhan.CatalogVersion(2); v <= version; v++ {
		ch := lay.step(v, retired)
		for _, id := range ch.Raised {
			s := &c.SubServices[lay.index[id]]
			s.GovFee = RaiseGovFee(s.GovFee)
		}
	}
	if len(retired) > 0 {
		kept := c.SubServices[:0]
		for _, s := range c.SubServices {
			if !retired[subNumber(s.ID)] {
				kept = append(kept, s)
			}
		}
		clear(c.SubServices[len(kept):])
		c.SubServices = kept
	}
	return c
}

// Change lists what one version step changes relative to the version before it.
type Change struct {
	Version pishkhan.CatalogVersion
	Raised  []string // sub-services whose GovFee becomes RaiseGovFee(old) in Version
	Retired []string // sub-services omitted from Version on (present in Version−1)
}

// Changes returns the changes from version v−1 to version v, ids in
// ascending order. Version 1 has no changes. It panics if v < 1.
func Changes(v pishkhan.CatalogVersion) Change {
	if v < 1 {
		panic(fmt.Sprintf("democatalog: catalog version must be at least 1, got %d", v))
	}
	if v == 1 {
		return Change{Version: 1}
	}
	lay := v1Layout()
	retired := make(map[int]bool)
	var ch Change
	for step := pishkhan.CatalogVersion(2); step <= v; step++ {
		ch = lay.step(step, retired)
	}
	return ch
}

// RaiseGovFee is the fee rise of a version step: 10% of the fee rounded up
// to a whole 1,000 rials, and at least 10,000 rials.
func RaiseGovFee(fee pishkhan.Rials) pishkhan.Rials {
	rise := (fee/10 + 999) / 1000 * 1000
	if rise < 10_000 {
		rise = 10_000
	}
	return fee + rise
}

// v1Layout is the layout of the version-1 catalog, computed once. It is
// never modified after it is built, so it is safe to share.
var v1Layout = sync.OnceValue(func() layout { return newLayout(base()) })

// layout is what the version steps need to know about the version-1 catalog.
type layout struct {
	index map[string]int // sub-service id → index in version 1
	first map[int]bool   // numbers of sub-services that are the first of their service
}

func newLayout(c *pishkhan.Catalog) layout {
	l := layout{index: make(map[string]int, len(c.SubServices)), first: make(map[int]bool, len(c.Services))}
	prev := ""
	for i, s := range c.SubServices {
		l.index[s.ID] = i
		if s.ServiceID != prev {
			l.first[subNumber(s.ID)] = true
			prev = s.ServiceID
		}
	}
	return l
}

// step applies version v's retirement rule to retired and returns v's changes.
func (l layout) step(v pishkhan.CatalogVersion, retired map[int]bool) Change {
	ch := Change{Version: v}
	for n := firstResidue(int(3*v%250), 250); n <= SubServices; n += 250 {
		if !l.first[n] && !retired[n] {
			retired[n] = true
			ch.Retired = append(ch.Retired, subID(n))
		}
	}
	for n := firstResidue(int(v%50), 50); n <= SubServices; n += 50 {
		if !retired[n] {
			ch.Raised = append(ch.Raised, subID(n))
		}
	}
	return ch
}

// firstResidue returns the smallest generated sub-service number ≡ r (mod m).
func firstResidue(r, m int) int {
	n := r
	for n <= RealSubServices {
		n += m
	}
	return n
}

// base builds the version-1 catalog (with Version left for the caller).
func base() *pishkhan.Catalog {
	g := &gen{src: rand.NewPCG(seedHi, seedLo)}
	c := &pishkhan.Catalog{
		Agencies:     make([]pishkhan.Agency, 0, Agencies),
		Services:     make([]pishkhan.Service, 0, Services),
		SubServices:  make([]pishkhan.SubService, 0, SubServices),
		InquiryTypes: make([]pishkhan.InquiryType, 0, InquiryTypes),
	}

	// Agencies.
	c.Agencies = append(c.Agencies, realAgencies()...)
	for n := RealAgencies + 1; n <= Agencies; n++ {
		c.Agencies = append(c.Agencies, pishkhan.Agency{
			ID: agencyID(n), Name: "دستگاه نمونه " + faNum(n) + " (ساختگی)", Generated: true,
		})
	}
	const genAgencies = Agencies - RealAgencies
	randomAgency := func() string { return agencyID(RealAgencies + 1 + g.intn(genAgencies)) }

	// Inquiry types.
	c.InquiryTypes = append(c.InquiryTypes, realInquiryTypes()...)
	for n := RealInquiryTypes + 1; n <= InquiryTypes; n++ {
		c.InquiryTypes = append(c.InquiryTypes, pishkhan.InquiryType{
			ID: inquiryID(n), AgencyID: randomAgency(), Name: "استعلام نمونه " + faNum(n) + " (ساختگی)",
		})
	}

	// Inquiry ids, shared by the sub-services (strings are immutable).
	g.inquiryIDs = make([]string, len(c.InquiryTypes))
	for i, q := range c.InquiryTypes {
		g.inquiryIDs[i] = q.ID
	}

	// Services. The first generated services go one to each generated agency,
	// so that every generated agency offers something; the rest at random.
	c.Services = append(c.Services, realServices()...)
	const genServices = Services - RealServices
	realLicence := 0
	for _, s := range c.Services {
		if s.Licence {
			realLicence++
		}
	}
	order := make([]int, genServices)
	for i := range order {
		order[i] = i
	}
	g.shuffle(order)
	licence := make([]bool, genServices)
	for _, i := range order[:LicenceServices-realLicence] {
		licence[i] = true
	}
	for i := range genServices {
		n := RealServices + 1 + i
		agency := randomAgency()
		if i < genAgencies {
			agency = agencyID(RealAgencies + 1 + i)
		}
		name := "خدمت نمونه " + faNum(n) + " (ساختگی)"
		if licence[i] {
			name = "مجوز نمونه " + faNum(n) + " (ساختگی)"
		}
		c.Services = append(c.Services, pishkhan.Service{
			ID: serviceID(n), AgencyID: agency, Name: name, Licence: licence[i], Generated: true,
		})
	}

	// How many sub-services each generated service has: one each, then the
	// rest spread at random, at most maxSubsPerService per service.
	counts := make([]int, genServices)
	for i := range counts {
		counts[i] = 1
	}
	for extra := SubServices - RealSubServices - genServices; extra > 0; {
		if i := g.intn(genServices); counts[i] < maxSubsPerService {
			counts[i]++
			extra--
		}
	}

	// Sub-services.
	c.SubServices = append(c.SubServices, realSubServices()...)
	n := RealSubServices
	for i, k := range counts {
		svc := c.Services[RealServices+i]
		for range k {
			n++
			c.SubServices = append(c.SubServices, g.subService(n, svc))
		}
	}
	return c
}

// gen draws the generated part. It uses only the source's raw Uint64 output
// (not rand.Rand's helpers), so the catalog cannot change with the Go release.
type gen struct {
	src        *rand.PCG
	inquiryIDs []string // id of inquiry type number n at index n−1
}

// intn returns a number in [0, n). The modulo bias is irrelevant here.
func (g *gen) intn(n int) int { return int(g.src.Uint64() % uint64(n)) }

// between returns a number in [lo, hi].
func (g *gen) between(lo, hi int) int { return lo + g.intn(hi-lo+1) }

// shuffle is a Fisher–Yates shuffle.
func (g *gen) shuffle(a []int) {
	for i := len(a) - 1; i > 0; i-- {
		j := g.intn(i + 1)
		a[i], a[j] = a[j], a[i]
	}
}

// subService makes generated sub-service number n of service svc.
func (g *gen) subService(n int, svc pishkhan.Service) pishkhan.SubService {
	s := pishkhan.SubService{
		ID: subID(n), ServiceID: svc.ID, Name: "زیرخدمت نمونه " + faNum(n) + " (ساختگی)", Generated: true,
	}
	k := g.between(1, 5)
	s.Fields = make([]pishkhan.FieldSpec, 0, k)
	used := map[pishkhan.FieldType]int{}
	for i := range k {
		s.Fields = append(s.Fields, g.field(used, i == 0))
	}
	if svc.Licence {
		s.GovFee = pishkhan.Rials(g.between(50, 500)) * 10_000 // 500,000 – 5,000,000
		s.NeedsApproval = true
		s.Inquiries = g.inquiries(g.between(21, 40))
	} else {
		if g.intn(10) != 0 { // one in ten has no government fee
			s.GovFee = pishkhan.Rials(g.between(1, 300)) * 10_000 // 10,000 – 3,000,000
		}
		s.NeedsApproval = g.intn(5) == 0
		s.Inquiries = g.inquiries(g.between(0, 6))
	}
	s.CounterFee = pishkhan.Rials(g.between(5, 50)) * 10_000 // 50,000 – 500,000
	return s
}

// genFieldTypes lists the field types generated forms draw from, in a fixed order.
var genFieldTypes = []pishkhan.FieldType{
	pishkhan.FieldText, pishkhan.FieldNumber, pishkhan.FieldAmount, pishkhan.FieldDate, pishkhan.FieldNationalCode,
	pishkhan.FieldMobile, pishkhan.FieldPostalCode, pishkhan.FieldChoice, pishkhan.FieldPlate,
}

var genFieldLabels = map[pishkhan.FieldType]string{
	pishkhan.FieldText:         "توضیحات",
	pishkhan.FieldNumber:       "تعداد",
	pishkhan.FieldAmount:       "مبلغ (ریال)",
	pishkhan.FieldDate:         "تاریخ",
	pishkhan.FieldNationalCode: "کد ملی",
	pishkhan.FieldMobile:       "شماره همراه",
	pishkhan.FieldPostalCode:   "کد پستی",
	pishkhan.FieldChoice:       "نوع درخواست",
	pishkhan.FieldPlate:        "شماره پلاک",
}

var genChoices = []string{"گزینه یک", "گزینه دو", "گزینه سه", "گزینه چهار"}

// field makes one generated field. used counts the types already in the
// form, so that keys ("mobile", "mobile_2", …) and labels stay unique.
func (g *gen) field(used map[pishkhan.FieldType]int, first bool) pishkhan.FieldSpec {
	t := genFieldTypes[g.intn(len(genFieldTypes))]
	used[t]++
	f := pishkhan.FieldSpec{
		Key:      string(t),
		Label:    genFieldLabels[t],
		Type:     t,
		Required: first || g.intn(3) != 0,
	}
	if k := used[t]; k > 1 {
		f.Key += fmt.Sprintf("_%d", k)
		f.Label += " " + faNum(k)
	}
	switch t {
	case pishkhan.FieldText:
		f.MaxLen = []int{50, 100, 200}[g.intn(3)]
	case pishkhan.FieldNumber:
		f.Min, f.Max = 1, []int64{10, 100, 1000}[g.intn(3)]
	case pishkhan.FieldAmount:
		f.Min, f.Max = 0, 1_000_000_000_000
	case pishkhan.FieldChoice:
		f.Choices = slices.Clone(genChoices[:g.between(2, len(genChoices))])
	}
	return f
}

// inquiries draws k distinct generated inquiry types, in ascending id order.
func (g *gen) inquiries(k int) []string {
	if k == 0 {
		return nil
	}
	const pool = InquiryTypes - RealInquiryTypes
	picked := make([]int, 0, k)
	for len(picked) < k {
		n := RealInquiryTypes + 1 + g.intn(pool)
		if !slices.Contains(picked, n) {
			picked = append(picked, n)
		}
	}
	slices.Sort(picked)
	ids := make([]string, k)
	for i, n := range picked {
		ids[i] = g.inquiryIDs[n-1]
	}
	return ids
}

func agencyID(n int) string  { return fmt.Sprintf("ag-%03d", n) }
func serviceID(n int) string { return fmt.Sprintf("sv-%04d", n) }
func subID(n int) string     { return fmt.Sprintf("ss-%04d", n) }
func inquiryID(n int) string { return fmt.Sprintf("iq-%04d", n) }

// subNumber returns n of "ss-n", or 0 for a malformed id.
func subNumber(id string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(id, "ss-"))
	if err != nil {
		return 0
	}
	return n
}

// faNum writes n in Persian digits.
func faNum(n int) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '۰' + (r - '0')
		}
		return r
	}, fmt.Sprint(n))
}

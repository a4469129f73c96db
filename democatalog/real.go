package democatalog

import "github.com/pishkhan/pishkhan"

// The real part of the demo catalog: real agencies, the most used counter
// services with their real Persian names, and real-looking inquiry types.
//
// All fees below are illustrative, NOT official tariffs: they only have
// realistic orders of magnitude (counter fees 50,000–500,000 rials,
// government fees up to a few tens of millions of rials). Fields and
// inquiries are plausible, not a copy of any agency's actual form.
//
// The tables are built by functions, not package variables, so that every
// call to Generate returns fresh slices that callers may modify freely.

// Real inquiry type ids, named so the sub-service table reads well.
const (
	iqIdentity       = "iq-0001" // استعلام هویت از ثبت احوال
	iqShahkar        = "iq-0002" // استعلام تطابق کد ملی و شماره همراه (شاهکار)
	iqConscription   = "iq-0003" // استعلام وضعیت نظام وظیفه
	iqCriminalRecord = "iq-0004" // استعلام سوءپیشینه
	iqExitBan        = "iq-0005" // استعلام ممنوع‌الخروجی
	iqPassportRecord = "iq-0006" // استعلام سوابق گذرنامه
	iqVehicleOwner   = "iq-0007" // استعلام مالکیت خودرو
	iqTrafficFines   = "iq-0008" // استعلام خلافی خودرو
	iqDrivingLicence = "iq-0009" // استعلام اعتبار گواهینامه رانندگی
	iqThirdParty     = "iq-0010" // استعلام بیمه شخص ثالث
	iqTechInspection = "iq-0011" // استعلام معاینه فنی خودرو
	iqVehicleTolls   = "iq-0012" // استعلام عوارض شهرداری خودرو
	iqFuelCard       = "iq-0013" // استعلام کارت سوخت
	iqPostalAddress  = "iq-0014" // استعلام کد پستی و نشانی
	iqInsuranceRec   = "iq-0015" // استعلام سوابق بیمه
	iqTaxDebt        = "iq-0016" // استعلام بدهی مالیاتی
	iqTaxFile        = "iq-0017" // استعلام پرونده مالیاتی و کد اقتصادی
	iqPublicPlaces   = "iq-0018" // استعلام اماکن عمومی
	iqNoAddiction    = "iq-0019" // استعلام گواهی عدم اعتیاد
	iqHealth         = "iq-0020" // استعلام بهداشت محیط محل کسب
	iqPropertyDeed   = "iq-0021" // استعلام سند مالکیت ملک
	iqLegalEntity    = "iq-0022" // استعلام شناسه ملی اشخاص حقوقی
	iqLandUse        = "iq-0023" // استعلام کاربری ملک از شهرداری
	iqFireSafety     = "iq-0024" // استعلام ایمنی و آتش‌نشانی
	iqSkillCard      = "iq-0025" // استعلام کارت مهارت فنی و حرفه‌ای
	iqEducation      = "iq-0026" // استعلام مدرک تحصیلی
	iqBouncedCheque  = "iq-0027" // استعلام چک برگشتی
	iqSheba          = "iq-0028" // استعلام شماره شبا
	iqEnvironment    = "iq-0029" // استعلام محیط زیست
	iqHeritage       = "iq-0030" // استعلام حریم آثار تاریخی
	iqHousing        = "iq-0031" // استعلام سامانه املاک و اسکان
	iqAlive          = "iq-0032" // استعلام حیات از ثبت احوال
	iqGuildUnion     = "iq-0033" // استعلام از اتحادیه صنفی
	iqSmartCard      = "iq-0034" // استعلام وضعیت کارت ملی هوشمند
	iqNegativePoints = "iq-0035" // استعلام نمره منفی گواهینامه
)

func realAgencies() []pishkhan.Agency {
	return []pishkhan.Agency{
		{ID: "ag-001", Name: "پلیس مهاجرت و گذرنامه فراجا"},
		{ID: "ag-002", Name: "پلیس راهور فراجا"},
		{ID: "ag-003", Name: "سازمان ثبت احوال کشور"},
		{ID: "ag-004", Name: "سازمان وظیفه عمومی فراجا"},
		{ID: "ag-005", Name: "شرکت ملی پخش فرآورده‌های نفتی ایران"},
		{ID: "ag-006", Name: "قوه قضاییه"},
		{ID: "ag-007", Name: "سازمان تأمین اجتماعی"},
		{ID: "ag-008", Name: "سازمان امور مالیاتی کشور"},
		{ID: "ag-009", Name: "اتاق اصناف ایران"},
		{ID: "ag-010", Name: "پلیس امنیت عمومی فراجا"},
		{ID: "ag-011", Name: "شرکت ملی پست جمهوری اسلامی ایران"},
		{ID: "ag-012", Name: "سازمان ثبت اسناد و املاک کشور"},
		{ID: "ag-013", Name: "سازمان شهرداری‌ها و دهیاری‌های کشور"},
		{ID: "ag-014", Name: "وزارت بهداشت، درمان و آموزش پزشکی"},
		{ID: "ag-015", Name: "سازمان آموزش فنی و حرفه‌ای کشور"},
		{ID: "ag-016", Name: "وزارت آموزش و پرورش"},
		{ID: "ag-017", Name: "بانک مرکزی جمهوری اسلامی ایران"},
		{ID: "ag-018", Name: "سازمان حفاظت محیط زیست"},
		{ID: "ag-019", Name: "وزارت میراث فرهنگی، گردشگری و صنایع دستی"},
		{ID: "ag-020", Name: "وزارت راه و شهرسازی"},
		{ID: "ag-021", Name: "سازمان تنظیم مقررات و ارتباطات رادیویی"},
		{ID: "ag-022", Name: "بیمه مرکزی جمهوری اسلامی ایران"},
	}
}

func realInquiryTypes() []pishkhan.InquiryType {
	return []pishkhan.InquiryType{
		{ID: iqIdentity, AgencyID: "ag-003", Name: "استعلام هویت از ثبت احوال"},
		{ID: iqShahkar, AgencyID: "ag-021", Name: "استعلام تطابق کد ملی و شماره همراه (شاهکار)"},
		{ID: iqConscription, AgencyID: "ag-004", Name: "استعلام وضعیت نظام وظیفه"},
		{ID: iqCriminalRecord, AgencyID: "ag-006", Name: "استعلام سوءپیشینه"},
		{ID: iqExitBan, AgencyID: "ag-006", Name: "استعلام ممنوع‌الخروجی"},
		{ID: iqPassportRecord, AgencyID: "ag-001", Name: "استعلام سوابق گذرنامه"},
		{ID: iqVehicleOwner, AgencyID: "ag-002", Name: "استعلام مالکیت خودرو"},
		{ID: iqTrafficFines, AgencyID: "ag-002", Name: "استعلام خلافی خودرو"},
		{ID: iqDrivingLicence, AgencyID: "ag-002", Name: "استعلام اعتبار گواهینامه رانندگی"},
		{ID: iqThirdParty, AgencyID: "ag-022", Name: "استعلام بیمه شخص ثالث"},
		{ID: iqTechInspection, AgencyID: "ag-013", Name: "استعلام معاینه فنی خودرو"},
		{ID: iqVehicleTolls, AgencyID: "ag-013", Name: "استعلام عوارض شهرداری خودرو"},
		{ID: iqFuelCard, AgencyID: "ag-005", Name: "استعلام کارت سوخت"},
		{ID: iqPostalAddress, AgencyID: "ag-011", Name: "استعلام کد پستی و نشانی"},
		{ID: iqInsuranceRec, AgencyID: "ag-007", Name: "استعلام سوابق بیمه"},
		{ID: iqTaxDebt, AgencyID: "ag-008", Name: "استعلام بدهی مالیاتی"},
		{ID: iqTaxFile, AgencyID: "ag-008", Name: "استعلام پرونده مالیاتی و کد اقتصادی"},
		{ID: iqPublicPlaces, AgencyID: "ag-010", Name: "استعلام اماکن عمومی"},
		{ID: iqNoAddiction, AgencyID: "ag-014", Name: "استعلام گواهی عدم اعتیاد"},
		{ID: iqHealth, AgencyID: "ag-014", Name: "استعلام بهداشت محیط محل کسب"},
		{ID: iqPropertyDeed, AgencyID: "ag-012", Name: "استعلام سند مالکیت ملک"},
		{ID: iqLegalEntity, AgencyID: "ag-012", Name: "استعلام شناسه ملی اشخاص حقوقی"},
		{ID: iqLandUse, AgencyID: "ag-013", Name: "استعلام کاربری ملک از شهرداری"},
		{ID: iqFireSafety, AgencyID: "ag-013", Name: "استعلام ایمنی و آتش‌نشانی"},
		{ID: iqSkillCard, AgencyID: "ag-015", Name: "استعلام کارت مهارت فنی و حرفه‌ای"},
		{ID: iqEducation, AgencyID: "ag-016", Name: "استعلام مدرک تحصیلی"},
		{ID: iqBouncedCheque, AgencyID: "ag-017", Name: "استعلام چک برگشتی"},
		{ID: iqSheba, AgencyID: "ag-017", Name: "استعلام شماره شبا"},
		{ID: iqEnvironment, AgencyID: "ag-018", Name: "استعلام محیط زیست"},
		{ID: iqHeritage, AgencyID: "ag-019", Name: "استعلام حریم آثار تاریخی"},
		{ID: iqHousing, AgencyID: "ag-020", Name: "استعلام سامانه املاک و اسکان"},
		{ID: iqAlive, AgencyID: "ag-003", Name: "استعلام حیات از ثبت احوال"},
		{ID: iqGuildUnion, AgencyID: "ag-009", Name: "استعلام از اتحادیه صنفی"},
		{ID: iqSmartCard, AgencyID: "ag-003", Name: "استعلام وضعیت کارت ملی هوشمند"},
		{ID: iqNegativePoints, AgencyID: "ag-002", Name: "استعلام نمره منفی گواهینامه"},
	}
}

func realServices() []pishkhan.Service {
	return []pishkhan.Service{
		{ID: "sv-0001", AgencyID: "ag-001", Name: "گذرنامه"},
		{ID: "sv-0002", AgencyID: "ag-002", Name: "نقل و انتقال خودرو (سند و پلاک)"},
		{ID: "sv-0003", AgencyID: "ag-002", Name: "گواهینامه رانندگی"},
		{ID: "sv-0004", AgencyID: "ag-002", Name: "خلافی خودرو"},
		{ID: "sv-0005", AgencyID: "ag-005", Name: "کارت سوخت"},
		{ID: "sv-0006", AgencyID: "ag-003", Name: "کارت ملی هوشمند"},
		{ID: "sv-0007", AgencyID: "ag-003", Name: "شناسنامه"},
		{ID: "sv-0008", AgencyID: "ag-004", Name: "خدمت وظیفه عمومی"},
		{ID: "sv-0009", AgencyID: "ag-006", Name: "گواهی عدم سوءپیشینه"},
		{ID: "sv-0010", AgencyID: "ag-007", Name: "سوابق بیمه تأمین اجتماعی"},
		{ID: "sv-0011", AgencyID: "ag-008", Name: "امور مالیاتی"},
		// A business licence is a licence service: the programme requires
		// more than 20 inquiries for each of its sub-services.
		{ID: "sv-0012", AgencyID: "ag-009", Name: "پروانه کسب", Licence: true},
		{ID: "sv-0013", AgencyID: "ag-011", Name: "کد پستی"},
	}
}

// Field constructors. Each call returns a fresh spec (and fresh Choices).

func nationalCode(key, label string) pishkhan.FieldSpec {
	return pishkhan.FieldSpec{Key: key, Label: label, Type: pishkhan.FieldNationalCode, Required: true}
}

func applicant() pishkhan.FieldSpec { return nationalCode("national_code", "کد ملی متقاضی") }
func owner() pishkhan.FieldSpec     { return nationalCode("owner_national_code", "کد ملی مالک") }

func mobile() pishkhan.FieldSpec {
	return pishkhan.FieldSpec{Key: "mobile", Label: "شماره همراه", Type: pishkhan.FieldMobile, Required: true}
}

func postal(key, label string) pishkhan.FieldSpec {
	return pishkhan.FieldSpec{Key: key, Label: label, Type: pishkhan.FieldPostalCode, Required: true}
}

func homePostal() pishkhan.FieldSpec { return postal("postal_code", "کد پستی محل سکونت") }

func date(key, label string, required bool) pishkhan.FieldSpec {
	return pishkhan.FieldSpec{Key: key, Label: label, Type: pishkhan.FieldDate, Required: required}
}

func birthDate() pishkhan.FieldSpec { return date("birth_date", "تاریخ تولد", true) }

func plate() pishkhan.FieldSpec {
	return pishkhan.FieldSpec{Key: "plate", Label: "شماره پلاک", Type: pishkhan.FieldPlate, Required: true}
}

func text(key, label string, required bool, minLen, maxLen int) pishkhan.FieldSpec {
	return pishkhan.FieldSpec{Key: key, Label: label, Type: pishkhan.FieldText, Required: required, MinLen: minLen, MaxLen: maxLen}
}

// digits is a text field of exactly n digits (Persian or Latin). It is a
// text field, not a number, so that leading zeros of identifiers survive.
func digits(key, label string, required bool, minN, maxN int) pishkhan.FieldSpec {
	f := text(key, label, required, minN, maxN)
	f.Pattern = `^[0-9۰-۹]+$`
	return f
}

func number(key, label string, minV, maxV int64) pishkhan.FieldSpec {
	return pishkhan.FieldSpec{Key: key, Label: label, Type: pishkhan.FieldNumber, Required: true, Min: minV, Max: maxV}
}

func amount(key, label string, maxV int64) pishkhan.FieldSpec {
	return pishkhan.FieldSpec{Key: key, Label: label, Type: pishkhan.FieldAmount, Required: true, Min: 0, Max: maxV}
}

func choice(key, label string, choices ...string) pishkhan.FieldSpec {
	return pishkhan.FieldSpec{Key: key, Label: label, Type: pishkhan.FieldChoice, Required: true, Choices: choices}
}

func address() pishkhan.FieldSpec { return text("address", "نشانی کامل", true, 10, 250) }

// passportNo is an Iranian passport number: one Latin capital letter and eight digits.
func passportNo(required bool) pishkhan.FieldSpec {
	return pishkhan.FieldSpec{Key: "passport_no", Label: "شماره گذرنامه", Type: pishkhan.FieldText,
		Required: required, MinLen: 9, MaxLen: 9, Pattern: `^[A-Z][0-9]{8}$`}
}

// vin is a vehicle identification (chassis) number; older Iranian vehicles
// have chassis numbers shorter than the 17 characters of a modern VIN.
func vin() pishkhan.FieldSpec {
	return pishkhan.FieldSpec{Key: "vin", Label: "شماره شاسی (VIN)", Type: pishkhan.FieldText,
		Required: true, MinLen: 6, MaxLen: 17, Pattern: `^[A-Z0-9]+$`}
}

func licenceClass() pishkhan.FieldSpec {
	return choice("licence_class", "پایه گواهینامه", "پایه سوم", "پایه دوم", "پایه یکم", "موتورسیکلت")
}

func drivingLicenceNo(required bool) pishkhan.FieldSpec {
	return digits("licence_no", "شماره گواهینامه", required, 10, 10)
}

func insuranceNo() pishkhan.FieldSpec {
	return digits("insurance_no", "شماره بیمه", true, 10, 10)
}

// businessLicenceInquiries are the 23 inquiries behind a new business
// licence; a renewal skips the two about the applicant's qualifications.
func businessLicenceInquiries(renewal bool) []string {
	q := []string{
		iqIdentity, iqShahkar, iqConscription, iqCriminalRecord,
		iqPostalAddress, iqInsuranceRec, iqTaxDebt, iqTaxFile, iqPublicPlaces, iqNoAddiction, iqHealth, iqPropertyDeed,
		iqLandUse, iqFireSafety, iqSkillCard, iqEducation, iqBouncedCheque, iqSheba, iqEnvironment, iqHeritage,
		iqHousing, iqAlive, iqGuildUnion,
	}
	if renewal {
		out := q[:0:0]
		for _, id := range q {
			if id != iqSkillCard && id != iqEducation {
				out = append(out, id)
			}
		}
		return out
	}
	return q
}

func realSubServices() []pishkhan.SubService {
	return []pishkhan.SubService{
		// sv-0001 گذرنامه
		{ID: "ss-0001", ServiceID: "sv-0001", Name: "صدور گذرنامه",
			Fields: []pishkhan.FieldSpec{applicant(), birthDate(),
				choice("passport_type", "نوع گذرنامه", "عادی", "زیارتی"),
				mobile(), homePostal(), address()},
			GovFee: 3_500_000, CounterFee: 250_000, NeedsApproval: true,
			Inquiries: []string{iqIdentity, iqShahkar, iqConscription, iqExitBan, iqPassportRecord, iqPostalAddress}},
		{ID: "ss-0002", ServiceID: "sv-0001", Name: "تمدید گذرنامه",
			Fields: []pishkhan.FieldSpec{applicant(), passportNo(true),
				date("passport_expiry", "تاریخ پایان اعتبار گذرنامه", true), mobile(), homePostal()},
			GovFee: 3_500_000, CounterFee: 250_000,
			Inquiries: []string{iqIdentity, iqConscription, iqExitBan, iqPassportRecord, iqPostalAddress}},
		{ID: "ss-0003", ServiceID: "sv-0001", Name: "صدور گذرنامه المثنی",
			Fields: []pishkhan.FieldSpec{applicant(), passportNo(false),
				date("loss_date", "تاریخ مفقودی", true),
				text("loss_description", "شرح مفقودی", true, 10, 300), mobile(), homePostal()},
			GovFee: 7_000_000, CounterFee: 300_000, NeedsApproval: true,
			Inquiries: []string{iqIdentity, iqConscription, iqExitBan, iqPassportRecord}},

		// sv-0002 نقل و انتقال خودرو (سند و پلاک)
		{ID: "ss-0004", ServiceID: "sv-0002", Name: "نقل و انتقال سند خودرو",
			Fields: []pishkhan.FieldSpec{nationalCode("seller_national_code", "کد ملی فروشنده"),
				nationalCode("buyer_national_code", "کد ملی خریدار"), plate(), vin(),
				mobile(), postal("buyer_postal_code", "کد پستی خریدار")},
			GovFee: 12_000_000, CounterFee: 400_000, NeedsApproval: true,
			Inquiries: []string{iqIdentity, iqVehicleOwner, iqTrafficFines, iqThirdParty, iqTechInspection, iqVehicleTolls}},
		{ID: "ss-0005", ServiceID: "sv-0002", Name: "تعویض پلاک خودرو",
			Fields: []pishkhan.FieldSpec{owner(), plate(), vin(),
				choice("reason", "علت تعویض", "نقل و انتقال", "فرسودگی یا آسیب پلاک", "تغییر محل سکونت"), mobile()},
			GovFee: 6_000_000, CounterFee: 300_000,
			Inquiries: []string{iqIdentity, iqVehicleOwner, iqTrafficFines, iqThirdParty}},
		{ID: "ss-0006", ServiceID: "sv-0002", Name: "فک پلاک خودرو",
			Fields: []pishkhan.FieldSpec{owner(), plate(), vin(), mobile()},
			GovFee: 1_500_000, CounterFee: 200_000,
			Inquiries: []string{iqIdentity, iqVehicleOwner, iqTrafficFines, iqVehicleTolls}},
		{ID: "ss-0007", ServiceID: "sv-0002", Name: "صدور المثنی کارت خودرو",
			Fields: []pishkhan.FieldSpec{owner(), plate(), mobile(), homePostal()},
			GovFee: 1_200_000, CounterFee: 200_000,
			Inquiries: []string{iqIdentity, iqVehicleOwner}},
		{ID: "ss-0008", ServiceID: "sv-0002", Name: "صدور المثنی سند خودرو",
			Fields: []pishkhan.FieldSpec{owner(), plate(), vin(), mobile(), homePostal()},
			GovFee: 2_500_000, CounterFee: 250_000,
			Inquiries: []string{iqIdentity, iqVehicleOwner, iqTrafficFines}},

		// sv-0003 گواهینامه رانندگی
		{ID: "ss-0009", ServiceID: "sv-0003", Name: "صدور گواهینامه رانندگی",
			Fields: []pishkhan.FieldSpec{applicant(), birthDate(), licenceClass(), mobile(), homePostal()},
			GovFee: 2_000_000, CounterFee: 250_000,
			Inquiries: []string{iqIdentity, iqCriminalRecord, iqNoAddiction}},
		{ID: "ss-0010", ServiceID: "sv-0003", Name: "تمدید گواهینامه رانندگی",
			Fields: []pishkhan.FieldSpec{applicant(), drivingLicenceNo(true), licenceClass(), mobile(), homePostal()},
			GovFee: 1_500_000, CounterFee: 200_000,
			Inquiries: []string{iqIdentity, iqDrivingLicence, iqNegativePoints}},
		{ID: "ss-0011", ServiceID: "sv-0003", Name: "صدور المثنی گواهینامه رانندگی",
			Fields: []pishkhan.FieldSpec{applicant(), drivingLicenceNo(false), licenceClass(), mobile(), homePostal()},
			GovFee: 1_800_000, CounterFee: 200_000,
			Inquiries: []string{iqIdentity, iqDrivingLicence}},

		// sv-0004 خلافی خودرو
		{ID: "ss-0012", ServiceID: "sv-0004", Name: "استعلام خلافی خودرو",
			Fields: []pishkhan.FieldSpec{owner(), plate(), mobile()},
			GovFee: 0, CounterFee: 50_000,
			Inquiries: []string{iqTrafficFines}},
		{ID: "ss-0013", ServiceID: "sv-0004", Name: "استعلام نمره منفی گواهینامه",
			Fields: []pishkhan.FieldSpec{applicant(), drivingLicenceNo(true), mobile()},
			GovFee: 0, CounterFee: 50_000,
			Inquiries: []string{iqNegativePoints}},

		// sv-0005 کارت سوخت
		{ID: "ss-0014", ServiceID: "sv-0005", Name: "صدور المثنی کارت سوخت",
			Fields: []pishkhan.FieldSpec{owner(), plate(),
				choice("vehicle_type", "نوع وسیله نقلیه", "سواری", "وانت", "موتورسیکلت", "سنگین"),
				mobile(), homePostal()},
			GovFee: 400_000, CounterFee: 150_000,
			Inquiries: []string{iqIdentity, iqVehicleOwner, iqFuelCard}},

		// sv-0006 کارت ملی هوشمند
		{ID: "ss-0015", ServiceID: "sv-0006", Name: "ثبت‌نام کارت ملی هوشمند",
			Fields: []pishkhan.FieldSpec{applicant(), birthDate(), mobile(), homePostal()},
			GovFee: 1_500_000, CounterFee: 150_000,
			Inquiries: []string{iqIdentity, iqShahkar, iqSmartCard}},
		{ID: "ss-0016", ServiceID: "sv-0006", Name: "صدور المثنی کارت ملی هوشمند",
			Fields: []pishkhan.FieldSpec{applicant(), birthDate(),
				choice("reason", "علت درخواست المثنی", "مفقودی", "سرقت", "آسیب‌دیدگی"), mobile(), homePostal()},
			GovFee: 3_000_000, CounterFee: 200_000,
			Inquiries: []string{iqIdentity, iqSmartCard}},
		{ID: "ss-0017", ServiceID: "sv-0006", Name: "تعویض کارت ملی هوشمند به علت تغییر مشخصات",
			Fields: []pishkhan.FieldSpec{applicant(),
				choice("change", "مشخصه تغییریافته", "نام", "نام خانوادگی", "محل صدور", "تاریخ تولد"), mobile(), homePostal()},
			GovFee: 1_500_000, CounterFee: 150_000,
			Inquiries: []string{iqIdentity, iqSmartCard}},

		// sv-0007 شناسنامه
		{ID: "ss-0018", ServiceID: "sv-0007", Name: "تعویض شناسنامه",
			Fields: []pishkhan.FieldSpec{applicant(), birthDate(), mobile(), homePostal()},
			GovFee: 800_000, CounterFee: 150_000,
			Inquiries: []string{iqIdentity, iqAlive}},
		{ID: "ss-0019", ServiceID: "sv-0007", Name: "صدور المثنی شناسنامه",
			Fields: []pishkhan.FieldSpec{applicant(), birthDate(), text("father_name", "نام پدر", true, 2, 40),
				mobile(), homePostal()},
			GovFee: 1_000_000, CounterFee: 150_000,
			Inquiries: []string{iqIdentity, iqAlive}},

		// sv-0008 خدمت وظیفه عمومی
		{ID: "ss-0020", ServiceID: "sv-0008", Name: "درخواست معافیت",
			Fields: []pishkhan.FieldSpec{applicant(), birthDate(),
				choice("exemption_type", "نوع معافیت", "کفالت", "پزشکی", "ایثارگری", "سایر موارد قانونی"),
				mobile(), homePostal()},
			GovFee: 600_000, CounterFee: 250_000, NeedsApproval: true,
			Inquiries: []string{iqIdentity, iqConscription}},
		{ID: "ss-0021", ServiceID: "sv-0008", Name: "صدور برگ آماده به خدمت",
			Fields: []pishkhan.FieldSpec{applicant(), birthDate(),
				choice("education", "آخرین مدرک تحصیلی", "زیر دیپلم", "دیپلم", "کاردانی", "کارشناسی", "کارشناسی ارشد", "دکتری"),
				mobile(), homePostal(), address()},
			GovFee: 300_000, CounterFee: 200_000,
			Inquiries: []string{iqIdentity, iqConscription, iqEducation}},
		{ID: "ss-0022", ServiceID: "sv-0008", Name: "مجوز خروج از کشور مشمولان",
			Fields: []pishkhan.FieldSpec{applicant(),
				choice("travel_reason", "هدف سفر", "سیاحتی و زیارتی", "دانشجویی", "کاری", "ورزشی"),
				text("destination", "کشور مقصد", true, 2, 50),
				number("trip_days", "مدت سفر (روز)", 1, 90), mobile()},
			GovFee: 500_000, CounterFee: 250_000, NeedsApproval: true,
			Inquiries: []string{iqIdentity, iqConscription, iqPassportRecord}},
		{ID: "ss-0023", ServiceID: "sv-0008", Name: "صدور المثنی کارت پایان خدمت",
			Fields: []pishkhan.FieldSpec{applicant(), mobile(), homePostal()},
			GovFee: 600_000, CounterFee: 200_000,
			Inquiries: []string{iqIdentity, iqConscription}},
		{ID: "ss-0024", ServiceID: "sv-0008", Name: "صدور المثنی کارت معافیت",
			Fields: []pishkhan.FieldSpec{applicant(), mobile(), homePostal()},
			GovFee: 600_000, CounterFee: 200_000,
			Inquiries: []string{iqIdentity, iqConscription}},

		// sv-0009 گواهی عدم سوءپیشینه
		{ID: "ss-0025", ServiceID: "sv-0009", Name: "صدور گواهی عدم سوءپیشینه",
			Fields: []pishkhan.FieldSpec{applicant(), birthDate(), text("father_name", "نام پدر", true, 2, 40),
				choice("purpose", "علت درخواست", "استخدام", "اخذ پروانه کسب", "مهاجرت و اقامت", "سایر"),
				mobile(), homePostal()},
			GovFee: 1_000_000, CounterFee: 200_000,
			Inquiries: []string{iqIdentity, iqCriminalRecord}},

		// sv-0010 سوابق بیمه تأمین اجتماعی
		{ID: "ss-0026", ServiceID: "sv-0010", Name: "دریافت گواهی سوابق بیمه‌پردازی",
			Fields: []pishkhan.FieldSpec{applicant(), insuranceNo(), mobile()},
			GovFee: 0, CounterFee: 100_000,
			Inquiries: []string{iqIdentity, iqInsuranceRec}},
		{ID: "ss-0027", ServiceID: "sv-0010", Name: "درخواست اصلاح سوابق بیمه",
			Fields: []pishkhan.FieldSpec{applicant(), insuranceNo(),
				digits("workshop_code", "کد کارگاه", true, 7, 10),
				date("from_date", "از تاریخ", true), date("to_date", "تا تاریخ", false),
				text("description", "شرح درخواست", true, 10, 500), mobile()},
			GovFee: 0, CounterFee: 150_000, NeedsApproval: true,
			Inquiries: []string{iqIdentity, iqInsuranceRec}},

		// sv-0011 امور مالیاتی
		{ID: "ss-0028", ServiceID: "sv-0011", Name: "ثبت‌نام پرونده مالیاتی و کد اقتصادی",
			Fields: []pishkhan.FieldSpec{applicant(), text("business_name", "نام کسب‌وکار", true, 2, 100),
				choice("activity", "نوع فعالیت", "صنفی", "خدماتی", "تولیدی", "بازرگانی"),
				postal("business_postal_code", "کد پستی محل فعالیت"), mobile()},
			GovFee: 0, CounterFee: 200_000,
			Inquiries: []string{iqIdentity, iqShahkar, iqPostalAddress, iqTaxFile}},
		{ID: "ss-0029", ServiceID: "sv-0011", Name: "تسلیم اظهارنامه مالیاتی مشاغل",
			Fields: []pishkhan.FieldSpec{applicant(), number("tax_year", "سال مالیاتی", 1395, 1410),
				amount("annual_income", "درآمد سالانه (ریال)", 1_000_000_000_000_000), mobile()},
			GovFee: 0, CounterFee: 300_000,
			Inquiries: []string{iqIdentity, iqTaxFile}},
		{ID: "ss-0030", ServiceID: "sv-0011", Name: "صدور گواهی مفاصاحساب مالیاتی",
			Fields: []pishkhan.FieldSpec{applicant(), postal("business_postal_code", "کد پستی محل فعالیت"), mobile()},
			GovFee: 0, CounterFee: 200_000,
			Inquiries: []string{iqIdentity, iqTaxDebt, iqTaxFile}},

		// sv-0012 پروانه کسب (licence service)
		{ID: "ss-0031", ServiceID: "sv-0012", Name: "صدور پروانه کسب",
			Fields: []pishkhan.FieldSpec{applicant(), birthDate(), text("business_name", "نام واحد صنفی", true, 2, 100),
				choice("guild", "رسته صنفی", "خواربارفروشی", "پوشاک", "تعمیرات خودرو", "رستوران و اغذیه", "آرایشگاه"),
				postal("business_postal_code", "کد پستی محل کسب"),
				number("area", "مساحت محل کسب (متر مربع)", 1, 10_000),
				choice("ownership", "نوع تصرف محل کسب", "مالک", "مستأجر"), mobile()},
			GovFee: 5_000_000, CounterFee: 500_000, NeedsApproval: true,
			Inquiries: businessLicenceInquiries(false)},
		{ID: "ss-0032", ServiceID: "sv-0012", Name: "تمدید پروانه کسب",
			Fields: []pishkhan.FieldSpec{applicant(), digits("business_licence_no", "شماره پروانه کسب", true, 6, 12),
				postal("business_postal_code", "کد پستی محل کسب"), mobile()},
			GovFee: 3_000_000, CounterFee: 400_000, NeedsApproval: true,
			Inquiries: businessLicenceInquiries(true)},

		// sv-0013 کد پستی
		{ID: "ss-0033", ServiceID: "sv-0013", Name: "صدور گواهی کد پستی",
			Fields: []pishkhan.FieldSpec{applicant(), homePostal(), mobile()},
			GovFee: 300_000, CounterFee: 100_000,
			Inquiries: []string{iqPostalAddress}},
	}
}

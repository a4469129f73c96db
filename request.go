package pishkhan

import (
	"fmt"
	"time"
)

// RequestState is where a request is in its life (see DESIGN.md): first the
// desk's outbox states, then the central exchange's verdict and progress.
type RequestState string

// The states of a request.
const (
	StateQueued      RequestState = "queued"       // saved locally, waiting to be sent
	StateSending     RequestState = "sending"      // in a batch on the wire
	StateAccepted    RequestState = "accepted"     // the exchange took it
	StateRejected    RequestState = "rejected"     // the exchange refused it permanently
	StateConflict    RequestState = "conflict"     // same id, different body: needs a person
	StateInProgress  RequestState = "in_progress"  // the agency is working on it
	StateNeedsAction RequestState = "needs_action" // the citizen or clerk must do something
	StateDone        RequestState = "done"         // finished
	StateRefused     RequestState = "refused"      // the agency said no
)

// AllStates lists every state, in life-cycle order.
var AllStates = []RequestState{
	StateQueued, StateSending, StateAccepted, StateRejected, StateConflict,
	StateInProgress, StateNeedsAction, StateDone, StateRefused,
}

// transitions is the whole state machine: from → allowed targets.
var transitions = map[RequestState][]RequestState{
	StateQueued:      {StateSending},
	StateSending:     {StateQueued, StateAccepted, StateRejected, StateConflict},
	StateAccepted:    {StateInProgress, StateNeedsAction, StateDone, StateRefused},
	StateInProgress:  {StateNeedsAction, StateDone, StateRefused},
	StateNeedsAction: {StateInProgress, StateDone, StateRefused},
	StateRejected:    nil,
	StateConflict:    nil,
	StateDone:        nil,
	StateRefused:     nil,
}

var statePersian = map[RequestState]string{
	StateQueued:      "در صف ارسال",
	StateSending:     "در حال ارسال",
	StateAccepted:    "پذیرفته‌شده",
	StateRejected:    "ردشده در مرکز تبادل",
	StateConflict:    "ناسازگار با نسخه ثبت‌شده",
	StateInProgress:  "در حال رسیدگی",
	StateNeedsAction: "نیازمند اقدام",
	StateDone:        "انجام‌شده",
	StateRefused:     "ردشده از سوی دستگاه",
}

// Valid reports whether s is one of the known states.
func (s RequestState) Valid() bool {
	_, ok := transitions[s]
	return ok
}

// Persian is the state's name as shown to clerks.
func (s RequestState) Persian() string { return statePersian[s] }

// Terminal reports whether no transition leaves s.
func (s RequestState) Terminal() bool { return s.Valid() && len(transitions[s]) == 0 }

// Unsent reports whether the request still sits in the desk's outbox.
func (s RequestState) Unsent() bool { return s == StateQueued || s == StateSending }

// CanTransition reports whether the state machine allows from → to.
func CanTransition(from, to RequestState) bool {
	for _, t := range transitions[from] {
		if t == to {
			return true
		}
	}
	return false
}

// CheckTransition returns an EState *Error unless from → to is allowed.
func CheckTransition(from, to RequestState) error {
	if !from.Valid() {
		return Errorf(EState, "وضعیت درخواست نامعتبر است.", "unknown request state %q", from)
	}
	if !to.Valid() {
		return Errorf(EState, "وضعیت درخواست نامعتبر است.", "unknown request state %q", to)
	}
	if !CanTransition(from, to) {
		return Errorf(EState, fmt.Sprintf("تغییر وضعیت درخواست از «%s» به «%s» مجاز نیست.", from.Persian(), to.Persian()),
			"request cannot go from %s to %s", from, to)
	}
	return nil
}

// Request is one service request filed at the counter.
type Request struct {
	ID             ID
	TrackingCode   TrackingCode
	Day            string // Jalali YYYY/MM/DD of intake, the date in the tracking code
	Citizen        Citizen
	SubServiceID   string
	ServiceID      string
	AgencyID       string
	CatalogVersion CatalogVersion
	Fields         map[string]string
	GovFee         Rials // fee snapshot at intake
	CounterFee     Rials
	State          RequestState
	StateNote      string // the exchange's reason or message for the current state
	ClerkID        string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Inquiries      []Inquiry
	Payment        *Payment
}

// TotalFee is the fee snapshot's total.
func (r *Request) TotalFee() Rials { return r.GovFee + r.CounterFee }

// Transition moves the request to state to at time at, or returns an EState error.
func (r *Request) Transition(to RequestState, at time.Time) error {
	if err := CheckTransition(r.State, to); err != nil {
		return err
	}
	r.State = to
	r.UpdatedAt = at
	return nil
}

// InquiryState is where one inquiry to another agency stands.
type InquiryState string

// The states of an inquiry.
const (
	InquiryPending  InquiryState = "pending"
	InquiryAnswered InquiryState = "answered"
	InquiryFailed   InquiryState = "failed"
)

// Inquiry is one inquiry (استعلام) that a request needs from another agency.
// The central exchange runs it; the desk shows its answer.
type Inquiry struct {
	RequestID ID
	TypeID    string
	State     InquiryState
	Answer    string
	UpdatedAt time.Time
}

// PaymentMethod is how the citizen paid.
type PaymentMethod string

// The payment methods.
const (
	PayCash PaymentMethod = "cash"
	PayCard PaymentMethod = "card" // a card terminal (کارتخوان); TerminalRef holds its reference number
)

// Payment is the money collected for a request.
type Payment struct {
	RequestID   ID
	Method      PaymentMethod
	Amount      Rials
	TerminalRef string // the card terminal's reference (شماره مرجع), for card payments
	PaidAt      time.Time
}

// Validate checks the payment against the fee that is due.
func (p Payment) Validate(due Rials) error {
	switch p.Method {
	case PayCash:
		if p.TerminalRef != "" {
			return FieldError("terminal_ref", "پرداخت نقدی شماره مرجع ندارد.", "a cash payment has no terminal reference")
		}
	case PayCard:
		ref := cleanDigits(p.TerminalRef)
		if !allDigits(ref) || len(ref) < 6 || len(ref) > 20 {
			return FieldError("terminal_ref", "شماره مرجع کارتخوان باید ۶ تا ۲۰ رقم باشد.", "card terminal reference must be 6 to 20 digits, got %q", p.TerminalRef)
		}
	default:
		return FieldError("payment", "روش پرداخت باید نقدی یا کارتی باشد.", "payment method must be cash or card, got %q", p.Method)
	}
	if p.Amount != due {
		return FieldError("amount", fmt.Sprintf("مبلغ دریافتی باید برابر مبلغ قابل پرداخت (%s ریال) باشد.", persianAmount(due)),
			"amount paid %d rials differs from the %d rials due", p.Amount, due)
	}
	return nil
}

// PrintJobKind is what a print job prints.
type PrintJobKind string

// The kinds of print job.
const (
	PrintReceipt  PrintJobKind = "receipt"
	PrintReprint  PrintJobKind = "reprint" // says رونوشت on paper
	PrintDayClose PrintJobKind = "day_close"
)

// PrintJobState is where a print job stands.
type PrintJobState string

// The states of a print job. A job is marked printed only after its bytes
// are out and the printer reports good status, so a crash or a paper-out
// leaves it pending and it is never printed twice by accident.
const (
	PrintPending PrintJobState = "pending"
	PrintPrinted PrintJobState = "printed"
	PrintFailed  PrintJobState = "failed"
)

// PrintJob is a receipt waiting for, or done on, the thermal printer.
type PrintJob struct {
	ID        int64
	RequestID ID
	Kind      PrintJobKind
	State     PrintJobState
	Attempts  int
	LastError string
	CreatedAt time.Time
	PrintedAt time.Time
	Day       string // a day-close job's Jalali day
}

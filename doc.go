// Package pishkhan is the domain of the Pishkhan counter-desk agent: the types,
// rules and errors of an Iranian government counter office (دفتر پیشخوان خدمات دولت).
//
// It holds citizens and their identifiers (national code, mobile, postal code),
// the service catalog, requests and their state machine, tracking codes,
// inquiries, payments, print jobs, day closes, users with roles, and the
// hash-chained audit trail. It imports nothing of the project; the store,
// the exchange client, the devices and the UI all depend on it.
package pishkhan

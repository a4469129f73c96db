// Package exchangesim is an in-process simulator of the central exchange:
// the peer that counter desks talk to in tests, in the demo and in the
// chaos test. It serves the protocol of sync/exchange (the same wire types,
// decoders and signatures) over HTTP and keeps all of its state in one
// SQLite file, so that it survives a restart or a kill -9.
//
// # What it does
//
//   - GET /v1/health answers unsigned.
//   - POST /v1/enrol registers a desk's Ed25519 key against a one-time code
//     issued by [Sim.IssueEnrolCode]; a new enrolment revokes the desk's
//     previous key.
//   - Every other /v1 call must be signed by an enrolled, unrevoked key, be
//     fresh (within [exchange.ClockSkew] of the simulator's clock) and carry
//     a nonce the simulator has not seen (nonces are kept for
//     [exchange.NonceWindow]).
//   - POST /v1/requests/batch deduplicates by request id (same id and body:
//     duplicate with the original answer; same id, other body: conflict),
//     applies the business rules (national code, catalog version, the
//     sub-service and fees of the version the request was made under) and
//     stores the batch in one transaction before it answers.
//   - Accepted requests get asynchronous status updates (in progress,
//     inquiry answers, needs action, done or refused) whose times and
//     outcomes derive from the seed and the request id. GET /v1/updates
//     pages through them with a cursor; a desk (office and desk number) sees
//     only its own.
//   - GET /v1/catalog serves the demo catalog (package democatalog): whole,
//     or as a delta from the desk's version to the published one.
//   - POST /v1/day-closes stores a desk's closed day once.
//
// # Faults
//
// [Faults] makes the simulator misbehave on purpose: latency, 500, 429 and
// 503 answers with Retry-After, a total outage (connections closed with no
// answer), 413 on batches above a size, per-item rejections and deferrals,
// and the nastiest one: commit a batch, then drop the connection before
// answering. Faults can be changed at run time with [Sim.SetFaults] or the
// admin API.
//
// # Admin API
//
// Under /sim/ the simulator serves an unsigned admin API for tests, the demo
// and the chaos test:
//
//	GET  /sim/faults                 the current faults (JSON of Faults)
//	PUT  /sim/faults                 replace them
//	POST /sim/catalog/publish?version=N
//	POST /sim/enrol-codes            {"office_code":1234,"desk_number":1} → {"code":"12345678"}
//	GET  /sim/requests               stored request ids with their accept-log counts
//	GET  /sim/stats                  counters (see Stats)
//
// The admin API has no authentication: serve the simulator on loopback only
// (cmd/exchange-sim binds 127.0.0.1 by default).
//
// # Determinism
//
// Every random decision comes from a PCG generator seeded with Config.Seed
// (fault draws, one-time codes) or from a hash of the seed and a request id
// (the outcome of a request), so the same seed and the same calls in the
// same order give the same answers. Time comes from Config.Now, so tests
// can drive the asynchronous updates with a fake clock.
package exchangesim

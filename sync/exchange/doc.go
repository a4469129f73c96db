// Package exchange is the wire protocol between a counter desk and the
// central exchange (docs/exchange-api.md): the JSON types both sides send,
// their decoders (which refuse malformed or hostile input with an error and
// never panic), the request signatures (Content-Digest plus an RFC 9421-style
// Ed25519 signature), the desk's key file, and the HTTP client the desk uses.
//
// The simulator (sync/exchangesim) uses the same types, so the two sides
// cannot drift apart silently; tests hold both to the contract.
package exchange

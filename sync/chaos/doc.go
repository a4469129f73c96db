// Package chaos holds the end-to-end chaos test of syncing (chaos_test.go):
// a desk files requests and syncs them while the desk's process and the
// exchange simulator's process are killed with SIGKILL at random moments
// and a fault-injecting TCP proxy (sync/faultproxy) drops connections on
// the line between them. At the end the exchange must hold exactly the
// requests the desk committed, each once, and every desk row must be
// accepted. `make test` runs a short form; `make chaos` runs 200 rounds.
package chaos

//go:build race

package exchange_test

// raceEnabled reports a -race build, where reading 64 MiB takes seconds;
// TestDecodersStopAtTheLimit then leaves the 64 MiB limits to a plain go test.
const raceEnabled = true

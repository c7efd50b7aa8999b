// Package testwait is how ecouter's tests wait: for a condition, with a
// deadline generous enough for a busy machine, never for a fixed time.
//
// A passing test waits only as long as its condition takes; the deadline
// is there to turn a hang into a failure. It is Timeout (3 minutes) times
// ECOUTER_TEST_SLOWDOWN (default 1; 4 on a machine four times slower, say),
// and Scale stretches any other timeout of a test the same way.
package testwait

import (
	"os"
	"strconv"
	"testing"
	"time"
)

// Timeout is how long Eventually waits on an idle machine's slowdown (1):
// far beyond what any condition of the suite takes, so that only a hang
// reaches it.
const Timeout = 3 * time.Minute

// slowdownEnv multiplies every deadline of the tests.
const slowdownEnv = "ECOUTER_TEST_SLOWDOWN"

// Slowdown is ECOUTER_TEST_SLOWDOWN as a factor, at least 1.
func Slowdown() float64 {
	f, err := strconv.ParseFloat(os.Getenv(slowdownEnv), 64)
	if err != nil || f < 1 {
		return 1
	}
	return f
}

// Scale is d times the slowdown: a timeout of a test (a read deadline, a
// select on time.After) that is a bound on a hang, not a speed check.
func Scale(d time.Duration) time.Duration {
	return time.Duration(float64(d) * Slowdown())
}

// Eventually checks cond until it holds, and fails the test if it still
// does not after Scale(Timeout), saying what it waited for (format and
// args, formatted at the failure: a log buffer passed as an argument shows
// what it holds then). Checks start 5 ms apart and back off to 200 ms, so
// that a long wait does not load the machine it waits on. cond runs on the
// caller's goroutine and may call t.Fatal.
func Eventually(t testing.TB, cond func() bool, format string, args ...any) {
	t.Helper()
	if !Until(Scale(Timeout), cond) {
		t.Fatalf("gave up after %v (%s=%g) waiting for "+format, append([]any{Scale(Timeout), slowdownEnv, Slowdown()}, args...)...)
	}
}

// Until checks cond as Eventually does, for at most within (not scaled),
// and says whether it held: for waits that are not on the test's goroutine
// or whose failure the caller reports itself.
func Until(within time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(within)
	pause := 5 * time.Millisecond
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(pause)
		pause = min(2*pause, 200*time.Millisecond)
	}
	return true
}

package testwait

import (
	"testing"
	"time"
)

func TestSlowdown(t *testing.T) {
	for _, tt := range []struct {
		env  string
		want float64
	}{
		{"", 1}, {"4", 4}, {"2.5", 2.5}, {"0.5", 1}, {"-3", 1}, {"lent", 1},
	} {
		t.Setenv(slowdownEnv, tt.env)
		if got := Slowdown(); got != tt.want {
			t.Errorf("%s=%q: Slowdown() = %g, want %g", slowdownEnv, tt.env, got, tt.want)
		}
	}
	t.Setenv(slowdownEnv, "3")
	if got := Scale(time.Second); got != 3*time.Second {
		t.Errorf("Scale(1s) with slowdown 3 = %v", got)
	}
}

func TestUntil(t *testing.T) {
	n := 0
	if !Until(time.Minute, func() bool { n++; return n == 4 }) || n != 4 {
		t.Fatalf("Until stopped after %d checks, want 4", n)
	}
	start := time.Now()
	if Until(50*time.Millisecond, func() bool { return false }) {
		t.Fatal("Until said a condition that never holds held")
	}
	if took := time.Since(start); took < 50*time.Millisecond {
		t.Fatalf("Until gave up after %v, before its 50 ms", took)
	}
}

// recorder is a testing.TB that keeps the failure instead of stopping.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = format
}

func TestEventually(t *testing.T) {
	r := &recorder{TB: t}
	checks := 0
	Eventually(r, func() bool { checks++; return checks == 3 }, "three checks")
	if r.failed != "" || checks != 3 {
		t.Fatalf("Eventually: %d checks, failure %q", checks, r.failed)
	}
}

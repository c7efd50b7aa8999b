package render

import "testing"

// Batches and the cluster's queue workers share one rule for their part of
// the render slots: half, at least one.
func TestBatchSlots(t *testing.T) {
	for maxRenders, want := range map[int]int{1: 1, 2: 1, 3: 1, 4: 2, 9: 4, 16: 8} {
		if got := BatchSlots(maxRenders); got != want {
			t.Errorf("BatchSlots(%d) = %d, want %d", maxRenders, got, want)
		}
	}
}

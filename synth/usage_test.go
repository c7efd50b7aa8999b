package synth

import (
	"context"
	"sync"
	"testing"
)

func TestUsage(t *testing.T) {
	AddUsage(context.Background(), 10) // no Usage: counted nowhere, no panic
	var u Usage
	ctx := WithUsage(context.Background(), &u)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() { defer wg.Done(); AddUsage(ctx, 7) }()
	}
	wg.Wait()
	if u.Characters() != 70 || u.Requests() != 10 {
		t.Fatalf("usage = %d chars, %d requests; want 70, 10", u.Characters(), u.Requests())
	}
}

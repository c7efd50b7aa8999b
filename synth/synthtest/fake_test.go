package synthtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"ecouter/synth"
)

func TestFakeClip(t *testing.T) {
	tests := []struct {
		name    string
		fake    *Fake
		text    string
		rate    int
		samples int
	}{
		{"defaults", &Fake{}, "Bonjour", 22050, 2205 + 7*1323 + 2205},
		{"runes not bytes", &Fake{}, "été", 22050, 2205 + 3*1323 + 2205},
		{"custom", &Fake{Rate: 8000, PerChar: 10 * time.Millisecond}, "abcd", 8000, 800 + 4*80 + 800},
		{"blank", &Fake{}, " \n\t", 22050, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clip, err := tt.fake.Synthesize(context.Background(), tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if clip.Rate != tt.rate || len(clip.Samples) != tt.samples {
				t.Errorf("clip = %d samples at %d Hz, want %d at %d", len(clip.Samples), clip.Rate, tt.samples, tt.rate)
			}
		})
	}
}

func TestFakeClipShape(t *testing.T) {
	f := &Fake{}
	clip := f.Clip("Bonjour")
	margin := samples(Margin, clip.Rate)
	s := clip.Samples
	for _, part := range [][]float32{s[:margin], s[len(s)-margin:]} {
		if p := peak(part); p != 0 {
			t.Errorf("margin peak = %v, want silence", p)
		}
	}
	if p := peak(s[margin : len(s)-margin]); p < 0.25 || p > 0.3 {
		t.Errorf("tone peak = %v, want about 0.3", p)
	}
	// The 5 ms fade-in keeps the first millisecond under a fifth of full level.
	if p := peak(s[margin : margin+clip.Rate/1000]); p > 0.3/5 {
		t.Errorf("first millisecond peak = %v, want a fade-in", p)
	}
	if !slices.Equal(f.Clip("Bonjour").Samples, s) {
		t.Error("same text gave different audio")
	}
	if slices.Equal(f.Clip("Bonsoir").Samples, s) {
		t.Error("different texts of equal length gave identical audio")
	}
}

func peak(s []float32) float32 {
	var p float32
	for _, v := range s {
		p = max(p, v, -v)
	}
	return p
}

func TestFakeRecordsCalls(t *testing.T) {
	f := &Fake{Fail: func(text string) error {
		if text == "b" {
			return synth.ErrThrottled
		}
		return nil
	}}
	ctx := context.Background()
	f.Synthesize(ctx, "a")
	if _, err := f.Synthesize(ctx, "b"); !errors.Is(err, synth.ErrThrottled) {
		t.Errorf("err = %v, want ErrThrottled from Fail", err)
	}
	if _, err := f.Synthesize(ctx, "c"); err != nil {
		t.Errorf("err = %v, want nil", err)
	}
	if f.Calls() != 3 {
		t.Errorf("Calls() = %d, want 3 (failures count)", f.Calls())
	}
	texts := f.Texts()
	if want := []string{"a", "b", "c"}; !slices.Equal(texts, want) {
		t.Errorf("Texts() = %q, want %q", texts, want)
	}
	texts[0] = "changed"
	if f.Texts()[0] != "a" {
		t.Error("Texts() returned the Fake's own slice")
	}
}

func TestFakeConcurrent(t *testing.T) {
	f := &Fake{Delay: time.Millisecond}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() { f.Synthesize(context.Background(), fmt.Sprint(i)) })
	}
	wg.Wait()
	if f.Calls() != 50 || len(f.Texts()) != 50 {
		t.Errorf("Calls() = %d, len(Texts()) = %d, want 50", f.Calls(), len(f.Texts()))
	}
}

func TestFakeDelayHonoursContext(t *testing.T) {
	f := &Fake{Delay: time.Minute}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := f.Synthesize(ctx, "lent")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want DeadlineExceeded", err)
	}
	if took := time.Since(start); took > 30*time.Second { // the Delay is a minute
		t.Errorf("took %s, want the delay cut short", took)
	}
}

func TestFakeDelay(t *testing.T) {
	f := &Fake{Delay: 50 * time.Millisecond}
	start := time.Now()
	if _, err := f.Synthesize(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < 50*time.Millisecond {
		t.Errorf("took %s, want at least Delay", took)
	}
}

func TestFakeCanceledBeforeCall(t *testing.T) {
	f := &Fake{}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.Synthesize(ctx, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want Canceled even without Delay", err)
	}
}

func TestFakeIdentity(t *testing.T) {
	if got := (&Fake{}).Name(); got != "fake" {
		t.Errorf("Name() = %q", got)
	}
	tests := []struct {
		fake *Fake
		want string
	}{
		{&Fake{}, "fake|rate=22050|per_char=60ms"},
		{&Fake{Rate: 16000, PerChar: 80 * time.Millisecond}, "fake|rate=16000|per_char=80ms"},
	}
	for _, tt := range tests {
		if got := tt.fake.Fingerprint(); got != tt.want {
			t.Errorf("Fingerprint() = %q, want %q", got, tt.want)
		}
	}
}

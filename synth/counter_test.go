package synth_test

import (
	"testing"

	"ecouter/synth"
	"ecouter/synth/synthtest"
)

func TestMemCounter(t *testing.T) {
	c := &synth.MemCounter{}
	synthtest.TestCounter(t, func(*testing.T) synth.Counter { return c }, true)
}

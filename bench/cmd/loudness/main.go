// Command loudness prints the integrated loudness of a WAV file as
// ecouter measures it (audio.Loudness, BS.1770-4 with gating, mono), so
// bench/run.sh can time it against ffmpeg's ebur128 filter and compare
// the two values.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"ecouter/audio"
)

func main() {
	flag.Usage = func() { fmt.Fprintln(os.Stderr, "usage: loudness FILE.wav") }
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "loudness:", err)
		os.Exit(1)
	}
	c, err := audio.DecodeWAV(bufio.NewReader(f))
	f.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "loudness:", err)
		os.Exit(1)
	}
	fmt.Printf("%.2f\n", audio.Loudness(c))
}

// Command encode encodes a WAV file to MP3 with ecouter's encoder
// (audio.EncodeMP3, default settings: 64 kbps CBR mono, 44.1 kHz, -q 3), so
// bench/run.sh can time it against the lame command line on the same file.
// It prints the encoder's own time (decoding and writing excluded) to stderr.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"time"

	"ecouter/audio"
)

func main() {
	in := flag.String("in", "", "16-bit PCM WAV to encode")
	out := flag.String("o", "", "MP3 to write")
	flag.Parse()
	if *in == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: encode -in FILE.wav -o FILE.mp3")
		os.Exit(2)
	}
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "encode:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	c, err := audio.DecodeWAV(bufio.NewReader(f))
	f.Close()
	if err != nil {
		return err
	}
	w, err := os.Create(out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	start := time.Now()
	if _, err := audio.EncodeMP3(bw, c, audio.EncodeOptions{}, audio.Tags{Title: "bench"}); err != nil {
		w.Close()
		return err
	}
	took := time.Since(start)
	if err := bw.Flush(); err != nil {
		w.Close()
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "encoded %.1f s of audio in %.3f s (%.0fx real time)\n",
		c.Seconds(), took.Seconds(), c.Seconds()/took.Seconds())
	return nil
}

// Command slowclients holds many slow downloads open against one URL, as
// listeners on poor mobile connections would: each connection asks for the
// file and reads it at a fixed rate through a small receive buffer, so the
// server keeps every response in flight for the whole test. It prints how
// many connections got a 2xx answer and the bytes read.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	conns := flag.Int("c", 500, "concurrent connections")
	rate := flag.Int("rate", 16<<10, "bytes per second read by each connection")
	dur := flag.Duration("d", 15*time.Second, "how long to keep the connections reading")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: slowclients [-c N] [-rate B/s] [-d DURATION] URL")
		os.Exit(2)
	}
	u, err := url.Parse(flag.Arg(0))
	if err != nil || u.Scheme != "http" {
		fmt.Fprintln(os.Stderr, "slowclients: want an http:// URL")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *dur)
	defer cancel()

	var ok, failed, total atomic.Int64
	var wg sync.WaitGroup
	for range *conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := download(ctx, u, *rate)
			total.Add(n)
			if err != nil {
				failed.Add(1)
				return
			}
			ok.Add(1)
		}()
		// Spread the connects over ~1 s so the listen backlog never overflows.
		time.Sleep(time.Second / time.Duration(*conns))
	}
	wg.Wait()
	fmt.Printf("connections %d ok %d failed %d bytes %d\n", *conns, ok.Load(), failed.Load(), total.Load())
	if failed.Load() > 0 {
		os.Exit(1)
	}
}

// download reads u at rate bytes per second until ctx ends or the body
// does. Reaching the deadline mid-body is the expected outcome.
func download(ctx context.Context, u *url.URL, rate int) (int64, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	// A small receive window: otherwise loopback's socket buffers swallow
	// megabytes and the server finishes early.
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetReadBuffer(32 << 10)
	}
	go func() { <-ctx.Done(); conn.SetDeadline(time.Now()) }()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: slowclients\r\n\r\n", u.RequestURI(), u.Host)
	br := bufio.NewReaderSize(conn, 4<<10)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return 0, fmt.Errorf("status %s", resp.Status)
	}
	const tick = 100 * time.Millisecond
	chunk := max(1, rate/int(time.Second/tick))
	buf := make([]byte, chunk)
	var n int64
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		m, err := io.ReadFull(resp.Body, buf)
		n += int64(m)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return n, nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return n, nil
			}
			return n, err
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return n, nil
		}
	}
}

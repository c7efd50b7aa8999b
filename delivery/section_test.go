package delivery

import (
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// tcpPair is a loopback connection: the server's end and the client's.
func tcpPair(t *testing.T, ln net.Listener) (*net.TCPConn, *net.TCPConn) {
	t.Helper()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return server.(*net.TCPConn), client.(*net.TCPConn)
}

// TestSectionsShareOneDescriptor: sections of one open file are sent with
// sendfile each from its own offset, and a listener whose socket is full
// (a slow phone) holds up nobody else reading the same file.
func TestSectionsShareOneDescriptor(t *testing.T) {
	data := make([]byte, 8<<20)
	for i := range data {
		data[i] = byte(i * 7 / 3)
	}
	p := filepath.Join(t.TempDir(), "a.mp3")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()

	// A listener that reads nothing, through small buffers: its sendfile
	// waits for room in the socket.
	slowServer, slowClient := tcpPair(t, ln)
	slowServer.SetWriteBuffer(4096)
	slowClient.SetReadBuffer(4096)
	stalled := make(chan error, 1)
	go func() {
		_, err, _ := sendSection(slowServer, NewSection(f, int64(len(data))), int64(len(data)))
		stalled <- err
	}()

	for _, first := range []int{100_000, 3_000_000, 17} {
		server, client := tcpPair(t, ln)
		s := NewSection(f, int64(len(data)))
		if _, err := s.Seek(int64(first), io.SeekStart); err != nil {
			t.Fatal(err)
		}
		const n = 200_000
		sent := make(chan error, 1)
		go func() {
			w, err, handled := sendSection(server, s, n)
			if err == nil && (!handled || w != n) {
				err = io.ErrShortWrite
			}
			sent <- err
		}()
		got := make([]byte, n)
		client.SetReadDeadline(time.Now().Add(30 * time.Second)) // a hang, not a speed check
		if _, err := io.ReadFull(client, got); err != nil {
			t.Fatalf("range at %d, beside a stalled listener: %v", first, err)
		}
		if err := <-sent; err != nil {
			t.Fatalf("range at %d: %v", first, err)
		}
		if !bytes.Equal(got, data[first:first+n]) {
			t.Fatalf("range at %d: other bytes than the file's", first)
		}
	}
	select {
	case err := <-stalled:
		t.Fatalf("the stalled send ended on its own: %v", err)
	default:
	}
	slowClient.Close()
	slowServer.Close()
	if err := <-stalled; err == nil {
		t.Fatal("a send to a closed connection reported no error")
	}
}

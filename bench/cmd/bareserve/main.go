// Command bareserve is the benchmarks' "net/http ceiling": the files of
// one folder served by a bare net/http server through http.ServeContent,
// with nothing of ecouter's (no router, middleware, store, manifest or
// budget). Next to nginx on the same files and load, it shows how close a
// Go server can come at all on this machine, so ecouter's own cost is
// ecouter's figure against this one.
//
// GET /NAME serves ROOT/NAME (no subfolders): opened and stat'd on each
// request, as http.FileServer does, so that Go sends it with sendfile.
// Files smaller than -mem-below bytes are read at their first request and
// served from memory after (bytes.Reader: no open or stat per request),
// which is faster for small bodies than open, stat and sendfile: the
// ceiling is net/http's best way for each body.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	root := flag.String("root", ".", "folder whose files are served")
	memBelow := flag.Int64("mem-below", 16<<10, "files smaller than this many bytes are served from memory")
	flag.Parse()

	h := &handler{root: *root, memBelow: *memBelow}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ln.Addr())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	log.Fatal(srv.Serve(ln))
}

// contentType is the type nginx's bench configuration gives each file.
func contentType(name string) string {
	switch filepath.Ext(name) {
	case ".mp3":
		return "audio/mpeg"
	case ".xml":
		return "application/rss+xml"
	}
	return "application/octet-stream"
}

type handler struct {
	root     string
	memBelow int64
	mem      sync.Map // name -> memFile, the small files read once
}

type memFile struct {
	data []byte
	mod  time.Time
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	if name == "" || strings.ContainsAny(name, "/\\") || strings.HasPrefix(name, ".") {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", contentType(name))
	if v, ok := h.mem.Load(name); ok {
		m := v.(memFile)
		http.ServeContent(w, r, "", m.mod, bytes.NewReader(m.data))
		return
	}
	f, err := os.Open(filepath.Join(h.root, name))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if st.Size() < h.memBelow {
		if b, err := io.ReadAll(f); err == nil && int64(len(b)) == st.Size() {
			h.mem.Store(name, memFile{b, st.ModTime()})
			http.ServeContent(w, r, "", st.ModTime(), bytes.NewReader(b))
			return
		}
		http.Error(w, "read failed", http.StatusInternalServerError)
		return
	}
	http.ServeContent(w, r, "", st.ModTime(), f)
}

package api

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"ecouter/audio"
)

func TestDownload(t *testing.T) {
	srv, _ := feedServer(t, newFakeSource(), FeedConfig{})
	res, mp3 := req(t, "GET", srv.URL+"/v1/articles/velo/download", "")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "audio/mpeg" {
		t.Fatalf("download: %d %s", res.StatusCode, mp3)
	}
	want := `attachment; filename="Le-velo-gagne-l-enquete-oeuvre.mp3"; filename*=UTF-8''Le%20v%C3%A9lo%20gagne%20l%27enqu%C3%AAte%20%C2%AB%20%C5%93uvre%20%C2%BB.mp3`
	if got := res.Header.Get("Content-Disposition"); got != want {
		t.Fatalf("Content-Disposition\n got %s\nwant %s", got, want)
	}
	if res.Header.Get("Accept-Ranges") != "bytes" || res.ContentLength != int64(len(mp3)) {
		t.Fatalf("no ranges or length: %v", res.Header)
	}
	if _, err := audio.DecodeMP3(bytes.NewReader(mp3)); err != nil {
		t.Fatal(err)
	}
	res, part := req(t, "GET", srv.URL+"/v1/articles/velo/download", "", "Range", "bytes=100-199")
	if res.StatusCode != 206 || !bytes.Equal(part, mp3[100:200]) {
		t.Fatalf("range: %d", res.StatusCode)
	}
	if res, _ := req(t, "GET", srv.URL+"/v1/articles/inconnu/download", ""); res.StatusCode != 404 {
		t.Fatalf("unknown article: %d", res.StatusCode)
	}
}

func TestZipDownload(t *testing.T) {
	srv, _ := feedServer(t, newFakeSource(), FeedConfig{})
	renderIDs(t, srv, "velo", "tram")
	res, body := req(t, "GET", srv.URL+"/v1/downloads?ids=tram,jamais,velo", "")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/zip" ||
		!strings.HasPrefix(res.Header.Get("Content-Disposition"), `attachment; filename="ecouter-`) {
		t.Fatalf("zip: %d %v", res.StatusCode, res.Header)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Method != zip.Store {
			t.Errorf("%s: method %d, want Store", f.Name, f.Method)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		mp3, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		clip, err := audio.DecodeMP3(bytes.NewReader(mp3))
		if err != nil || clip.Seconds() < 0.5 {
			t.Fatalf("%s: %.2fs, %v", f.Name, clip.Seconds(), err)
		}
	}
	if strings.Join(names, "|") != "01 Le tram.mp3|02 Le vélo gagne l'enquête « œuvre ».mp3" {
		t.Fatalf("entries %q", names)
	}
	for q, want := range map[string]int{
		"?ids=jamais":         http.StatusNotFound,
		"?ids=":               http.StatusBadRequest,
		"?ids=a/b,tram":       http.StatusBadRequest,
		"?ids=" + manyIDs(51): http.StatusBadRequest,
	} {
		res, b := req(t, "GET", srv.URL+"/v1/downloads"+q, "")
		if res.StatusCode != want || !strings.Contains(string(b), `"error"`) {
			t.Errorf("%.40s: %d %s, want %d", q, res.StatusCode, b, want)
		}
	}
}

func manyIDs(n int) string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = "a" + strings.Repeat("b", i)
	}
	return strings.Join(ids, ",")
}

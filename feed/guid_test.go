package feed

import "testing"

func TestPodcastGUID(t *testing.T) {
	// The specification's own example.
	const want = "9b024349-ccf0-5f69-a609-6b82873eab3c"
	for _, u := range []string{"podnews.net/rss", "https://podnews.net/rss", "http://podnews.net/rss/"} {
		if got := PodcastGUID(u); got != want {
			t.Errorf("PodcastGUID(%q) = %s, want %s", u, got, want)
		}
	}
	if PodcastGUID("https://audio.example.fr/feed.xml") == want {
		t.Error("different feeds share a guid")
	}
}

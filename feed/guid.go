package feed

import (
	"strings"

	"github.com/google/uuid"
)

// podcastNamespace is the UUIDv5 namespace of podcast:guid, fixed by the
// Podcasting 2.0 specification.
var podcastNamespace = uuid.MustParse("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")

// PodcastGUID is the podcast:guid of the feed at feedURL: a UUIDv5 of the
// URL without its scheme and trailing slashes, so that the same feed
// served over http or https keeps one identity.
func PodcastGUID(feedURL string) string {
	s := feedURL
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	s = strings.TrimRight(s, "/")
	return uuid.NewSHA1(podcastNamespace, []byte(s)).String()
}

package article

import (
	"slices"
	"strings"
)

// Rules says which parts of an article's HTML a listener should not hear.
// Element and class names match case-insensitively; a class matches a whole
// token of the class attribute ("ad" skips class="ad box", not "header").
type Rules struct {
	// SkipElements are tag names whose whole subtree is left out.
	SkipElements []string
	// SkipClasses are class tokens whose whole subtree is left out.
	SkipClasses []string
	// SkipIDPrefixes leave out elements whose id starts with one of them
	// (ad slots are named by id, e.g. "div-gpt-ad-123").
	SkipIDPrefixes []string
	// SkipPrefixes drop a block whose text starts with one of them, as a
	// whole word ("Lire aussi" drops "Lire aussi : ..." but not
	// "Lire aussitôt ..."). A heading dropped so takes the paragraph or
	// list it introduces with it: the links under "À lire aussi".
	SkipPrefixes []string
}

// DefaultRules leaves out media, embeds, navigation, share bars, related
// article boxes, ads and newsletter boxes, as French news sites mark them up.
func DefaultRules() Rules {
	return Rules{
		SkipElements: []string{
			"figure", "figcaption", "img", "picture", "svg", "script", "style",
			"noscript", "iframe", "embed", "object", "video", "audio", "canvas",
			"form", "button", "input", "select", "textarea", "nav", "aside",
			"footer", "template",
		},
		SkipClasses: []string{
			// embeds
			"twitter-tweet", "twitter-video", "instagram-media", "tiktok-embed",
			"wp-block-embed", "fb-post", "fb-video",
			// share bars
			"share", "sharedaddy", "social", "share-buttons", "social-share",
			// related articles
			"related", "related-posts", "jp-relatedposts", "lire-aussi",
			"read-also", "read-more",
			// ads
			"ad", "ads", "advert", "advertisement", "adsbygoogle", "pub",
			"publicite", "sponsored",
			// newsletter boxes
			"newsletter", "newsletter-box", "newsletter-signup",
			// WordPress's dynamic blocks: lists of other posts, comments
			// or pages, drawn anew on every page view
			"wp-block-latest-posts", "wp-block-latest-comments", "wp-block-rss",
			"wp-block-archives", "wp-block-categories", "wp-block-page-list",
			"wp-block-query",
		},
		SkipIDPrefixes: []string{"div-gpt"},
		SkipPrefixes: []string{
			"Lire aussi", "À lire aussi", "A lire aussi", "Voir aussi",
			"Lire également", "À lire également", "A lire également",
			"Sur le même sujet",
		},
	}
}

// With returns a copy of r that also skips the given elements and classes
// (as read from ECOUTER_SKIP_ELEMENTS and ECOUTER_SKIP_CLASSES). Blank
// entries are ignored, and spaces, a leading "." on a class or angle
// brackets around an element are trimmed; r is not modified.
func (r Rules) With(elements, classes []string) Rules {
	r.SkipElements = appendNames(slices.Clone(r.SkipElements), elements, "<>/")
	r.SkipClasses = appendNames(slices.Clone(r.SkipClasses), classes, ".")
	return r
}

// appendNames adds the names not already in dst, lowercased, without
// spaces or the punctuation people type out of CSS habit (".promo", "<aside>").
func appendNames(dst, names []string, cut string) []string {
	for _, n := range names {
		n = strings.ToLower(strings.Trim(strings.TrimSpace(n), cut))
		if n != "" && !slices.Contains(dst, n) {
			dst = append(dst, n)
		}
	}
	return dst
}

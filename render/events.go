package render

// Event says an article's audio changed, for the caches of every node
// (feeds, the articles checked within their TTL).
type Event struct {
	Kind string `json:"kind"`          // EventStored, EventWithdrawn, EventChanged
	ID   string `json:"id"`            // article ID
	Key  string `json:"key,omitempty"` // EventStored: the content key of the audio stored
}

// Event kinds.
const (
	EventStored    = "stored"    // a new render is stored
	EventWithdrawn = "withdrawn" // the article's audio was taken down (once, when it is gone)
	EventChanged   = "changed"   // the article's narration changed: a new render starts
)

// notifier tells WithNotify's function of the events of the Service and
// of its Archive.
type notifier struct {
	fn func(Event) // may be nil
}

func (n *notifier) send(kind, id string) { n.sendEvent(Event{Kind: kind, ID: id}) }

func (n *notifier) sendEvent(ev Event) {
	if n.fn != nil {
		n.fn(ev)
	}
}

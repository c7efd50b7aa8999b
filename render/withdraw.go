package render

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"ecouter/article"
	"ecouter/store"
)

// ErrWithdrawn means the article's audio was taken down: by DELETE (a CMS
// unpublishing it) or because the source no longer shows the article. It
// lasts until a forced render asked for after it (POST render) finds the
// article public; renders asked for before it fail with it, and are not
// tried again.
var ErrWithdrawn = errors.New("article withdrawn")

// Withdrawal is the record of a withdrawn article, kept in the store at
// articles/<id>/withdrawn.json so that it outlives the process and is seen
// by every process sharing the store.
//
// Which of a withdrawal and a render came last is told by what each saw,
// never by clocks: a render carries the ID of the withdrawal in force when
// it was asked for (Options.Withdrawal, "" for none) and may end that one
// only. A withdrawal it did not see was made after it was asked for, so it
// fails. Nodes' clocks may disagree; the store's record cannot.
type Withdrawal struct {
	// ID names this withdrawal: each DELETE makes a new one.
	ID     string    `json:"id"`
	At     time.Time `json:"withdrawn_at"`
	Reason string    `json:"reason"`
}

// newWithdrawalID is random: IDs must never repeat, or an old render
// could end a new withdrawal.
func newWithdrawalID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// withdrawal returns the withdrawal in force, or nil: none was made, or a
// render asked for after the last one ended it.
func (r records) withdrawal(ctx context.Context, id string) (*Withdrawal, error) {
	var w Withdrawal
	err := r.readJSON(ctx, withdrawalKey(id), &w)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("withdrawal record %s: %w", id, err)
	}
	if w.ID == "" { // recorded before withdrawals had IDs
		w.ID = w.At.UTC().Format("20060102T150405.000000000")
	}
	_, err = r.st.Stat(ctx, endedKey(id, w.ID))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return &w, nil
	case err != nil:
		return nil, fmt.Errorf("withdrawal record %s: %w", id, err)
	}
	return nil, nil
}

// end ends the withdrawal wid, for a render asked for while it was in
// force: ErrWithdrawn if another was made since.
func (r records) end(ctx context.Context, id, wid string, now time.Time) error {
	w, err := r.withdrawal(ctx, id)
	switch {
	case err != nil:
		return err
	case w == nil:
		return nil // ended already
	case w.ID != wid:
		return fmt.Errorf("%s: withdrawn again after this render was asked for: %w", id, ErrWithdrawn)
	}
	if err := r.writeJSON(ctx, endedKey(id, wid), map[string]time.Time{"ended_at": now}); err != nil {
		return fmt.Errorf("end withdrawal of %s: %w", id, err)
	}
	return nil
}

// dropEnded deletes the markers of withdrawals older than the one in the
// record: IDs never repeat, so those will never be read again.
func (r records) dropEnded(ctx context.Context, id string) error {
	infos, err := r.st.List(ctx, path.Join("articles", id, endedPrefix))
	if err != nil || len(infos) == 0 {
		return err
	}
	var w Withdrawal
	if err := r.readJSON(ctx, withdrawalKey(id), &w); err != nil {
		return err
	}
	for _, in := range infos {
		if in.Key == endedKey(id, w.ID) || !strings.HasPrefix(path.Base(in.Key), endedPrefix) {
			continue
		}
		if err := r.st.Delete(ctx, in.Key); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return nil
}

// removeRender deletes the article's manifest and every MP3 of it. The
// manifest goes first: without it nothing serves or lists the audio.
func (r records) removeRender(ctx context.Context, id string) error {
	infos, err := r.st.List(ctx, path.Join("articles", id)+"/")
	if err != nil {
		return fmt.Errorf("list %s: %w", id, err)
	}
	if err := r.st.Delete(ctx, manifestKey(id)); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("delete manifest %s: %w", id, err)
	}
	for _, in := range infos {
		if k := keyKind(in.Key); k != kindAudio && k != kindSegments {
			continue
		}
		if err := r.st.Delete(ctx, in.Key); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("delete audio %s: %w", id, err)
		}
	}
	return nil
}

// Withdraw takes the article's audio down at once. The withdrawal is
// recorded first (so renders asked for before it fail, here, on other
// nodes and after a restart), then what runs of it here is cut (Cut): its
// renders and the streams and files being sent. Its manifest and MP3s are
// deleted, and then it is announced, once (EventWithdrawn): the other
// nodes cut theirs, and every cache rebuilt on the event (feeds, open
// files) is rebuilt without it. Withdraw returns once no render of it
// runs any more, so that one still finishing cannot touch what a render
// asked for after the withdrawal stores. An article neither the store nor
// the source knows (nor a render running) is article.ErrNotFound: nothing
// is recorded for an ID that never existed.
func (a *Archive) Withdraw(ctx context.Context, id, reason string) error {
	if err := article.ValidID(id); err != nil {
		return err
	}
	if err := a.known(ctx, id); err != nil {
		return fmt.Errorf("withdraw %s: %w", id, err)
	}
	w := Withdrawal{ID: newWithdrawalID(), At: a.now().UTC(), Reason: reason}
	if err := a.writeJSON(ctx, withdrawalKey(id), w); err != nil {
		return fmt.Errorf("withdraw %s: %w", id, err)
	}
	a.Cut(ctx, id)
	err := a.removeRender(ctx, id)
	// Announced even if the audio could not all be removed: the
	// withdrawal is recorded, and the other nodes must cut theirs.
	a.events.send(EventWithdrawn, id)
	if err != nil {
		return fmt.Errorf("withdraw %s: %w", id, err)
	}
	a.settle(ctx, id)
	if err := a.dropEnded(ctx, id); err != nil {
		a.log.Warn("drop ended withdrawals", "article_id", id, "err", err)
	}
	a.log.Info("article withdrawn", "article_id", id, "reason", reason, "withdrawal", w.ID)
	return nil
}

// known is nil if there is something of the article to withdraw: in the
// store (audio, a withdrawal), a render running, or the source having it
// (or not answering: a takedown is not refused for that).
func (a *Archive) known(ctx context.Context, id string) error {
	infos, err := a.st.List(ctx, path.Join("articles", id)+"/")
	if err != nil {
		return fmt.Errorf("list %s: %w", id, err)
	}
	if len(infos) > 0 || a.sched.Rendering(id) {
		return nil
	}
	if _, err := a.source.Article(ctx, id); errors.Is(err, article.ErrNotFound) {
		return err
	}
	return nil
}

// Withdrawn returns the withdrawal in force for the article, or nil.
func (a *Archive) Withdrawn(ctx context.Context, id string) (*Withdrawal, error) {
	if err := article.ValidID(id); err != nil {
		return nil, err
	}
	return a.withdrawal(ctx, id)
}

// Asked names the withdrawal in force now ("" if none), for a forced
// render asked for now to carry in Options.Withdrawal: it may end that
// withdrawal, and no later one.
func (a *Archive) Asked(ctx context.Context, id string) (string, error) {
	w, err := a.Withdrawn(ctx, id)
	if err != nil || w == nil {
		return "", err
	}
	return w.ID, nil
}

// refuseWithdrawn is ErrWithdrawn for a withdrawn article, nil otherwise.
func (a *Archive) refuseWithdrawn(ctx context.Context, id string) error {
	w, err := a.withdrawal(ctx, id)
	if err != nil {
		return err
	}
	if w != nil {
		return fmt.Errorf("%s: %w", id, ErrWithdrawn)
	}
	return nil
}

// fetchFailed is what a failed fetch of an article means for its stored
// audio, prev (nil if none): the audio to serve still, or the error to
// answer. A source that is down does not take stored audio down with it;
// one that no longer shows the article (401, 403, 404 or 410: unpublished,
// made private, deleted) retracts it, unless ECOUTER_KEEP_RETRACTED.
func (a *Archive) fetchFailed(ctx context.Context, id string, prev *Manifest, err error) (*Manifest, error) {
	switch {
	case prev != nil && errors.Is(err, article.ErrUnavailable):
		a.log.Warn("article source unavailable, serving stored audio", "article_id", id, "err", err)
		return prev, nil
	case prev != nil && errors.Is(err, article.ErrNotFound) && a.cfg.KeepRetracted:
		a.events.send(EventChanged, id) // other nodes ask the source again
	case prev != nil && errors.Is(err, article.ErrNotFound):
		if werr := a.Withdraw(ctx, id, "the source no longer has it"); werr != nil {
			return nil, werr
		}
		return nil, fmt.Errorf("%s: %w (%w)", id, ErrWithdrawn, err)
	}
	return nil, fmt.Errorf("fetch article %s: %w", id, err)
}

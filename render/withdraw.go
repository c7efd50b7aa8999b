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

func withdrawalKey(id string) string { return path.Join("articles", id, "withdrawn.json") }

// endedKey marks the withdrawal wid ended by a render asked for after it.
// A marker of its own, never a change of withdrawn.json: a render
// rewriting (or deleting) that record could erase a newer withdrawal made
// in between, and the store has no compare-and-swap.
func endedKey(id, wid string) string { return path.Join("articles", id, endedPrefix+wid+".json") }

const endedPrefix = "ended-"

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
// nodes and after a restart), then what runs of it is cut: its renders
// and the streams and files being sent, on this node and, through its
// EventWithdrawn, on the others (Cut). Its manifest and MP3s are
// deleted, and Withdraw returns once no render of it runs any more, so
// that one still finishing cannot touch what a render asked for after
// the withdrawal stores. An article neither the store nor the source
// knows (nor a render running) is article.ErrNotFound: nothing is
// recorded for an ID that never existed.
func (s *Service) Withdraw(ctx context.Context, id, reason string) error {
	if err := article.ValidID(id); err != nil {
		return err
	}
	if err := s.known(ctx, id); err != nil {
		return fmt.Errorf("withdraw %s: %w", id, err)
	}
	w := Withdrawal{ID: newWithdrawalID(), At: s.now().UTC(), Reason: reason}
	if err := s.rec.writeJSON(ctx, withdrawalKey(id), w); err != nil {
		return fmt.Errorf("withdraw %s: %w", id, err)
	}
	s.Cut(ctx, id)
	s.notify(EventWithdrawn, id) // the other nodes cut theirs
	if err := s.rec.removeRender(ctx, id); err != nil {
		return fmt.Errorf("withdraw %s: %w", id, err)
	}
	s.settle(ctx, id)
	if err := s.rec.dropEnded(ctx, id); err != nil {
		s.log.Warn("drop ended withdrawals", "article_id", id, "err", err)
	}
	s.log.Info("article withdrawn", "article_id", id, "reason", reason, "withdrawal", w.ID)
	// Again, now that its audio is gone: caches rebuilt on the first
	// event (a feed) are rebuilt without it.
	s.notify(EventWithdrawn, id)
	return nil
}

// known is nil if there is something of the article to withdraw: in the
// store (audio, a withdrawal), a render running, or the source having it
// (or not answering: a takedown is not refused for that).
func (s *Service) known(ctx context.Context, id string) error {
	infos, err := s.rec.st.List(ctx, path.Join("articles", id)+"/")
	if err != nil {
		return fmt.Errorf("list %s: %w", id, err)
	}
	if len(infos) > 0 || s.sched.Rendering(id) {
		return nil
	}
	if _, err := s.source.Article(ctx, id); errors.Is(err, article.ErrNotFound) {
		return err
	}
	return nil
}

// Withdrawn returns the withdrawal in force for the article, or nil.
func (s *Service) Withdrawn(ctx context.Context, id string) (*Withdrawal, error) {
	if err := article.ValidID(id); err != nil {
		return nil, err
	}
	return s.rec.withdrawal(ctx, id)
}

// Asked names the withdrawal in force now ("" if none), for a forced
// render asked for now to carry in Options.Withdrawal: it may end that
// withdrawal, and no later one.
func (s *Service) Asked(ctx context.Context, id string) (string, error) {
	w, err := s.Withdrawn(ctx, id)
	if err != nil || w == nil {
		return "", err
	}
	return w.ID, nil
}

// refuseWithdrawn is ErrWithdrawn for a withdrawn article, nil otherwise.
func (s *Service) refuseWithdrawn(ctx context.Context, id string) error {
	w, err := s.rec.withdrawal(ctx, id)
	if err != nil {
		return err
	}
	if w != nil {
		return fmt.Errorf("%s: %w", id, ErrWithdrawn)
	}
	return nil
}

// retract withdraws an article the source no longer shows (401, 403, 404
// or 410) while audio of it is stored.
func (s *Service) retract(ctx context.Context, id string, cause error) error {
	if err := s.Withdraw(ctx, id, "the source no longer has it"); err != nil {
		return err
	}
	return fmt.Errorf("%s: %w (%w)", id, ErrWithdrawn, cause)
}

func (s *Service) forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.checked, id)
}

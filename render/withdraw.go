package render

import (
	"context"
	"errors"
	"fmt"
	"path"
	"time"

	"ecouter/article"
	"ecouter/store"
)

// ErrWithdrawn means the article's audio was taken down: by DELETE (a CMS
// unpublishing it) or because the source no longer shows the article. It
// lasts until a forced render (POST render) finds the article public.
var ErrWithdrawn = errors.New("article withdrawn")

// Withdrawal is the record of a withdrawn article, kept in the store at
// articles/<id>/withdrawn.json so that it outlives the process and is seen
// by every process sharing the store.
type Withdrawal struct {
	At     time.Time `json:"withdrawn_at"`
	Reason string    `json:"reason"`
}

func withdrawalKey(id string) string { return path.Join("articles", id, "withdrawn.json") }

// withdrawal returns the article's withdrawal record, or nil if it is not
// withdrawn.
func (r records) withdrawal(ctx context.Context, id string) (*Withdrawal, error) {
	var w Withdrawal
	err := r.readJSON(ctx, withdrawalKey(id), &w)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("withdrawal record %s: %w", id, err)
	}
	return &w, nil
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

// Withdraw takes the article's audio down at once: the withdrawal is
// recorded first (so a render finishing meanwhile is thrown away, and a
// restart keeps it), then its manifest and MP3s are deleted. Withdrawing
// an article with no audio records it all the same.
func (s *Service) Withdraw(ctx context.Context, id, reason string) error {
	if err := article.ValidID(id); err != nil {
		return err
	}
	if err := s.rec.writeJSON(ctx, withdrawalKey(id), Withdrawal{At: s.now().UTC(), Reason: reason}); err != nil {
		return fmt.Errorf("withdraw %s: %w", id, err)
	}
	s.forget(id)
	s.mu.Lock()
	s.withdrawals[id]++
	s.mu.Unlock()
	if err := s.rec.removeRender(ctx, id); err != nil {
		return fmt.Errorf("withdraw %s: %w", id, err)
	}
	s.log.Info("article withdrawn", "article_id", id, "reason", reason)
	s.notify(EventWithdrawn, id)
	return nil
}

// Withdrawn returns the article's withdrawal record, or nil.
func (s *Service) Withdrawn(ctx context.Context, id string) (*Withdrawal, error) {
	if err := article.ValidID(id); err != nil {
		return nil, err
	}
	return s.rec.withdrawal(ctx, id)
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

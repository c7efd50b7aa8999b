package article

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
)

// Dir reads articles from a folder of JSON files, one <id>.json per
// article, in either JSON form (see decodeArticle). It is safe for
// concurrent use.
type Dir struct {
	fsys fs.FS
}

// NewDir returns a source over fsys: os.DirFS for a folder on disk, or the
// embedded samples.
func NewDir(fsys fs.FS) *Dir {
	return &Dir{fsys: fsys}
}

// Article reads <id>.json. A missing file is ErrNotFound; an unreadable or
// malformed one ErrUnavailable.
func (d *Dir) Article(ctx context.Context, id string) (*Article, error) {
	if err := ValidID(id); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: read article %s: %w", ErrUnavailable, id, err)
	}
	// ValidID leaves no '/' or '.' in id: the name cannot leave the folder.
	name := id + ".json"
	f, err := d.fsys.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: no file %s", ErrNotFound, name)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: open %s: %w", ErrUnavailable, name, err)
	}
	defer f.Close()
	data, err := readLimited(f)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrUnavailable, name, err)
	}
	a, err := decodeArticle(id, data)
	if err != nil {
		return nil, undecodable(name, err)
	}
	return a, nil
}

// Package web holds ecouter's browser side: the embeddable player script
// and the demo article page. It knows no HTTP framework and nothing else of
// ecouter; the api package serves what it builds.
package web

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
)

//go:embed player.js
var playerJS []byte

// playerETag is a strong validator: the script only changes with the binary.
var playerETag = func() string {
	sum := sha256.Sum256(playerJS)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}()

// Player returns the player script and its ETag.
func Player() (script []byte, etag string) { return playerJS, playerETag }

//go:build !unix

package espeak

import "os/exec"

// killGroupOnCancel keeps exec's default (kill the direct child); cmd.WaitDelay
// still bounds how long a surviving grandchild can hold Wait.
func killGroupOnCancel(cmd *exec.Cmd) {}

//go:build unix

package espeak

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// killGroupOnCancel makes cancellation kill the whole process group, not just
// the direct child. espeak-ng forks mbrola for mbrola voices, and a wrapper
// script forks espeak-ng; a surviving grandchild would keep stdout open and
// make Wait block until it finished on its own.
func killGroupOnCancel(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		if errors.Is(err, syscall.ESRCH) {
			return os.ErrProcessDone
		}
		return err
	}
}

//go:build unix

package safefile

import (
	"io/fs"
	"os"
	"syscall"
)

// ownedByUser reports whether the file belongs to the current user.
func ownedByUser(st fs.FileInfo) bool {
	sys, ok := st.Sys().(*syscall.Stat_t)
	return ok && int(sys.Uid) == os.Getuid()
}

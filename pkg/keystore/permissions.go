package keystore

import (
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"
)

// MaxInputSize is the size limit for keys, CSRs and certificates read with
// safefile.ReadFile: 1 MiB, far above any real one.
const MaxInputSize = 1 << 20

// PermissionWarning returns a warning when the private key file at path can
// be read or changed by users other than its owner, and "" when it cannot,
// when path cannot be examined, or on Windows (which has no Unix mode bits),
// for example:
//
//	key.pem can be read by group/others (mode 0644); run chmod 600 key.pem
func PermissionWarning(path string) string {
	if runtime.GOOS == "windows" {
		return ""
	}
	st, err := os.Stat(path)
	if err != nil {
		return ""
	}
	perm := st.Mode().Perm()
	if perm&0o077 == 0 {
		return ""
	}
	what, bits := "read", perm&0o044
	switch {
	case bits != 0:
	case perm&0o022 != 0:
		what, bits = "changed", perm&0o022
	default:
		what, bits = "executed", perm&0o011
	}
	return fmt.Sprintf("%s can be %s by %s (mode %04o); run chmod 600 %s", path, what, who(bits), perm, shellQuote(path))
}

// who names the classes whose bits are set in a group/other mask.
func who(bits fs.FileMode) string {
	g, o := bits&0o070 != 0, bits&0o007 != 0
	switch {
	case g && o:
		return "group/others"
	case g:
		return "group"
	}
	return "others"
}

// shellQuote quotes a path for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./+,:@%=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

//go:build unix

package jws

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// checkChain checks top, every folder between it and dir, and dir.
func checkChain(top, dir string) error {
	paths := []string{dir}
	if top != "" {
		if rel, err := filepath.Rel(top, dir); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			paths = []string{top}
			p := top
			for _, part := range strings.Split(rel, string(filepath.Separator)) {
				if part == "." {
					continue
				}
				p = filepath.Join(p, part)
				paths = append(paths, p)
			}
		}
	}
	for _, p := range paths {
		if err := checkPath(p); err != nil {
			return err
		}
	}
	return nil
}

// checkPath refuses a file or folder not owned by the user or root, or
// writable by group or others. A symbolic link's own owner is checked,
// then its target and every folder above the target (as the target may
// live anywhere); root-owned folders with the sticky bit (/tmp) pass.
func checkPath(p string) error {
	fi, err := os.Lstat(p)
	if err != nil {
		return nil // gone, or unreadable: reading it will say so
	}
	if err := checkOwnerMode(p, fi, false); err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		return nil
	}
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		return nil
	}
	for q := target; ; q = filepath.Dir(q) {
		qi, err := os.Stat(q)
		if err != nil {
			return nil
		}
		if err := checkOwnerMode(q, qi, q != target); err != nil {
			return newErr(CodeInsecureStore, err.(*Error).Hint, nil, "%s (the target of the link %s)", err.(*Error).Message, p)
		}
		if q == filepath.Dir(q) {
			return nil
		}
	}
}

// checkOwnerMode applies the owner and mode rule to one file or folder.
func checkOwnerMode(p string, fi fs.FileInfo, stickyOK bool) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	uid := int(st.Uid)
	if uid != os.Getuid() && uid != 0 {
		return newErr(CodeInsecureStore, fmt.Sprintf("whoever owns it decides which certificates are trusted: remove it, or run 'chown %d %s'", os.Getuid(), p), nil,
			"%s is owned by user %d, not by you or root", p, uid)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return nil // a link's own mode means nothing
	}
	if stickyOK && fi.IsDir() && fi.Mode()&fs.ModeSticky != 0 && uid == 0 {
		return nil
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return newErr(CodeInsecureStore, "run 'chmod go-w "+p+"'", nil,
			"%s is writable by group or others (mode %04o): whoever can write it decides which certificates are trusted", p, perm)
	}
	return nil
}

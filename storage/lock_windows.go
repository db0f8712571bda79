//go:build windows

package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/windows"
)

type dirLock struct {
	f *os.File
	// unclean: the lock file still named a process when the lock was taken, so the last session
	// on these books did not close them (it was killed, crashed or lost power).
	unclean bool
}

// lockDir takes an exclusive lock on DIR\mizan.lock, released by the system when the process ends.
//
// It keeps lock_unix.go's rules: the lock is on the handle (LockFileEx on the file's first byte),
// so a second open in the same process is refused as one in another process is; the handle is not
// inherited by programs Mizan starts (Go opens files so); the file names the process while the
// books are open and is emptied when they are closed, so a file found not empty tells of a session
// that ended without closing them; commands that only read take no lock (sessionLeftUnclean looks
// with a shared lock it gives back at once). One difference: Windows releases the lock of a
// process that was killed shortly after it ends, not always at the same instant, so a Mizan
// started at that very moment may be told the books are open and succeed when tried again.
func lockDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, "mizan.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if errors.Is(err, fs.ErrPermission) {
		return nil, fmt.Errorf("open books: this command changes the books, and the data directory %s cannot be written (%w); commands that only read the books still work", dir, err)
	}
	if err != nil {
		return nil, fmt.Errorf("open books: lock file: %w", err)
	}
	ol := new(windows.Overlapped)
	err = windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if err != nil {
		f.Close()
		if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
			return nil, fmt.Errorf("%w (%s): close the other Mizan window or command first", ErrLocked, dir)
		}
		return nil, fmt.Errorf("open books: lock %s: %w", path, err)
	}
	l := &dirLock{f: f}
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
		l.unclean = true
	}
	f.Truncate(0)
	fmt.Fprintf(f, "%d\r\n", os.Getpid())
	return l, nil
}

// markClean empties the lock file: the books were closed properly.
func (l *dirLock) markClean() {
	if l != nil && l.f != nil {
		l.f.Truncate(0)
	}
}

func (l *dirLock) release() {
	if l == nil || l.f == nil {
		return
	}
	windows.UnlockFileEx(windows.Handle(l.f.Fd()), 0, 1, 0, new(windows.Overlapped))
	l.f.Close()
	l.f = nil
}

// sessionLeftUnclean reports, without taking the lock, whether the last session on the books in
// dir ended without closing them: the lock file names a process, and no process holds the lock.
func sessionLeftUnclean(dir string) bool {
	f, err := os.Open(filepath.Join(dir, "mizan.lock"))
	if err != nil {
		return false
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || fi.Size() == 0 {
		return false
	}
	ol := new(windows.Overlapped)
	if err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol); err != nil {
		return false // held: that session is still running
	}
	windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, new(windows.Overlapped))
	return true
}

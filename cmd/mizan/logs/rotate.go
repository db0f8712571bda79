package logs

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Rotator is a log file that rotates by size: when a write would take it past MaxSize, the file
// becomes path.1 (path.1 becomes path.2, and so on; the oldest beyond Keep is deleted) and a new
// one is started. A single write larger than MaxSize goes whole into a file of its own. It is safe
// for concurrent use, including by several loggers.
type Rotator struct {
	path    string
	maxSize int64
	keep    int

	mu     sync.Mutex
	f      *os.File
	size   int64
	closed bool
}

// NewRotator opens (appending to) the log file at path, creating its directory.
func NewRotator(path string, maxSize int64, keep int) (*Rotator, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	if keep <= 0 {
		keep = DefaultKeep
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("log directory: %w", err)
	}
	r := &Rotator{path: path, maxSize: maxSize, keep: keep}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Rotator) open() error {
	f, err := os.OpenFile(r.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open log file: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("open log file: %w", err)
	}
	r.f, r.size = f, st.Size()
	return nil
}

// Write appends p to the file, rotating first when p would not fit.
func (r *Rotator) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return 0, ErrClosed
	}
	if r.size > 0 && r.size+int64(len(p)) > r.maxSize {
		if err := r.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	return n, err
}

// rotate shifts path.(i) to path.(i+1), drops the oldest, and starts a new file.
func (r *Rotator) rotate() error {
	if err := r.f.Close(); err != nil {
		return fmt.Errorf("rotate log file: %w", err)
	}
	if err := os.Remove(r.backup(r.keep)); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("rotate log file: %w", err)
	}
	for i := r.keep - 1; i >= 1; i-- {
		if err := os.Rename(r.backup(i), r.backup(i+1)); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("rotate log file: %w", err)
		}
	}
	if err := os.Rename(r.path, r.backup(1)); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("rotate log file: %w", err)
	}
	return r.open()
}

func (r *Rotator) backup(i int) string { return fmt.Sprintf("%s.%d", r.path, i) }

// Path is the current log file.
func (r *Rotator) Path() string { return r.path }

// Close closes the file; later writes fail with ErrClosed.
func (r *Rotator) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	return r.f.Close()
}

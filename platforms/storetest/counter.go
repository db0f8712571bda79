package storetest

import (
	"strconv"
	"strings"
	"sync"
)

// Counter counts a test store's API requests by path, so a test can say how many of each kind a
// sync made. It is safe for concurrent use; the zero value is ready.
type Counter struct {
	mu     sync.Mutex
	byPath map[string]int
}

// Add counts one request to path.
func (c *Counter) Add(path string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byPath == nil {
		c.byPath = map[string]int{}
	}
	c.byPath[path]++
}

// Prefix returns how many requests went to paths starting with prefix.
func (c *Counter) Prefix(prefix string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for p, k := range c.byPath {
		if strings.HasPrefix(p, prefix) {
			n += k
		}
	}
	return n
}

// ParseID reads a numeric id as a test harness gets it back ("42", " #42"); 0 when it is none.
func ParseID(s string) int64 {
	n, _ := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(s), "#"), 10, 64)
	return n
}

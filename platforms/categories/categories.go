// Package categories files a product made in the books under the store's category of the books'
// name, for platforms that want a category's id: the store's category of that name (letter case
// aside) is found, or created when there is none, once per name and connection. A store that
// refuses access to its categories (the app was not granted them) still gets its products,
// without a category, and the merchant is told once.
package categories

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"mizan/core"
)

// Find is the id of the first category of a store's list, depth first, one of whose names is
// name (letter case and surrounding spaces aside); "" when none is. of says what a category of
// the platform's own type is: its id, its names (in every language the store gives) and the
// categories under it.
func Find[C any](list []C, name string, of func(C) (id string, names []string, subs []C)) string {
	name = strings.TrimSpace(name)
	for _, c := range list {
		id, names, subs := of(c)
		if id != "" {
			for _, x := range names {
				if strings.EqualFold(strings.TrimSpace(x), name) {
					return id
				}
			}
		}
		if id := Find(subs, name, of); id != "" {
			return id
		}
	}
	return ""
}

// Store is how a platform reaches its categories.
type Store struct {
	// Find returns the id of the store's category named name (letter case aside), "" when the
	// store has none.
	Find func(ctx context.Context, name string) (string, error)
	// Create makes a category named name and returns its id.
	Create func(ctx context.Context, name string) (string, error)
	// Refused is told, the first time only, that the store refused access to its categories:
	// the error wraps core.ErrUnauthorized. It may be nil.
	Refused func(err error)
}

// Cache is one connection's category ids by name, letter case aside. The zero value is ready to
// use. It is safe for concurrent use: one caller at a time looks a name up (and creates it), the
// others wait for its answer, so a name is never created twice.
type Cache struct {
	mu      sync.Mutex
	ids     map[string]string
	busy    map[string]chan struct{}
	refused bool
}

// ID is the id of the store's category named name: the one found or created before, else the
// store's (st.Find), else a new one (st.Create). It is "" for an empty name, and once the store
// has refused access to its categories (an error wrapping core.ErrUnauthorized), which is
// then not asked again; any other error is returned, and the name is asked again next time.
func (c *Cache) ID(ctx context.Context, name string, st Store) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", nil
	}
	key := strings.ToLower(name)
	for {
		c.mu.Lock()
		if c.refused {
			c.mu.Unlock()
			return "", nil
		}
		if id := c.ids[key]; id != "" {
			c.mu.Unlock()
			return id, nil
		}
		wait, busy := c.busy[key]
		if !busy {
			if c.busy == nil {
				c.busy = map[string]chan struct{}{}
			}
			done := make(chan struct{})
			c.busy[key] = done
			c.mu.Unlock()
			id, err := lookup(ctx, name, st)
			return c.settle(key, done, id, err, st)
		}
		c.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}

// settle records a lookup's outcome and wakes whoever waits for the name.
func (c *Cache) settle(key string, done chan struct{}, id string, err error, st Store) (string, error) {
	c.mu.Lock()
	delete(c.busy, key)
	close(done)
	refused := errors.Is(err, core.ErrUnauthorized)
	first := refused && !c.refused
	switch {
	case refused:
		c.refused = true
	case err == nil:
		if c.ids == nil {
			c.ids = map[string]string{}
		}
		c.ids[key] = id
	}
	c.mu.Unlock()
	if first && st.Refused != nil {
		st.Refused(err)
	}
	if refused {
		return "", nil
	}
	return id, err
}

// lookup finds the category, or creates it.
func lookup(ctx context.Context, name string, st Store) (string, error) {
	id, err := st.Find(ctx, name)
	if err != nil || id != "" {
		return id, err
	}
	if id, err = st.Create(ctx, name); err == nil && id == "" {
		err = fmt.Errorf("create category %q: the store's answer gives no id", name)
	}
	return id, err
}

package categories

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"mizan/core"
)

// node is a category as a test store lists it.
type node struct {
	id    string
	names []string
	subs  []node
}

func (n node) parts() (string, []string, []node) { return n.id, n.names, n.subs }

func TestFind(t *testing.T) {
	tree := []node{
		{id: "1", names: []string{"بهارات", "Spices"}},
		{id: "2", names: []string{"Bags"}, subs: []node{{id: "3", names: []string{"شنط", "Purses"}}}},
		{names: []string{"No id"}, subs: []node{{id: "4", names: []string{"Dates"}}}},
		{id: "5", names: []string{"dates"}},
	}
	for _, tc := range []struct{ name, want string }{
		{"بهارات", "1"},
		{"spices", "1"},
		{"  SPICES ", "1"},
		{"purses", "3"}, // under another
		{"شنط", "3"},
		{"no id", ""},  // a category without an id is never the answer
		{"Dates", "4"}, // the first depth first
		{"Honey", ""},
		{"", ""},
	} {
		if got := Find(tree, tc.name, node.parts); got != tc.want {
			t.Errorf("Find(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// fakeStore is a store's categories by name, counting the requests made to it.
type fakeStore struct {
	mu       sync.Mutex
	ids      map[string]string
	finds    int
	creates  int
	refused  int
	findErr  error // returned by every Find while set
	delay    time.Duration
	refusals []error
}

func (f *fakeStore) store() Store {
	return Store{
		Find: func(ctx context.Context, name string) (string, error) {
			time.Sleep(f.delay)
			f.mu.Lock()
			defer f.mu.Unlock()
			f.finds++
			if f.findErr != nil {
				return "", f.findErr
			}
			for n, id := range f.ids {
				if strings.EqualFold(n, name) {
					return id, nil
				}
			}
			return "", nil
		},
		Create: func(ctx context.Context, name string) (string, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.creates++
			id := fmt.Sprint(100 + len(f.ids))
			f.ids[name] = id
			return id, nil
		},
		Refused: func(err error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.refusals = append(f.refusals, err)
		},
	}
}

func TestCache(t *testing.T) {
	ctx := context.Background()
	refusal := &core.StoreError{Op: "list categories", Status: 403, Err: core.ErrUnauthorized}
	type step struct {
		name    string
		want    string
		wantErr bool
	}
	for _, tc := range []struct {
		desc                   string
		findErr                error
		steps                  []step
		finds, creates, refuse int
	}{
		{desc: "found, created, then known", steps: []step{{"Spices", "1", false}, {"Honey", "101", false}, {"HONEY", "101", false},
			{"spices", "1", false}, {" Honey ", "101", false}}, finds: 2, creates: 1},
		{desc: "an empty name asks nothing", steps: []step{{"", "", false}, {"  ", "", false}}},
		{desc: "refused: told once, never asked again", findErr: refusal,
			steps: []step{{"Spices", "", false}, {"Honey", "", false}}, finds: 1, refuse: 1},
		{desc: "another error is returned and asked again", findErr: errors.New("store down"),
			steps: []step{{"Spices", "", true}, {"Spices", "", true}}, finds: 2},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			f := &fakeStore{ids: map[string]string{"spices": "1"}, findErr: tc.findErr}
			var c Cache
			for _, s := range tc.steps {
				got, err := c.ID(ctx, s.name, f.store())
				if got != s.want || (err != nil) != s.wantErr {
					t.Errorf("ID(%q) = %q, %v; want %q (error %v)", s.name, got, err, s.want, s.wantErr)
				}
			}
			if f.finds != tc.finds || f.creates != tc.creates || len(f.refusals) != tc.refuse {
				t.Errorf("%d finds, %d creates, %d refusals told; want %d, %d, %d", f.finds, f.creates, len(f.refusals), tc.finds, tc.creates, tc.refuse)
			}
			if tc.refuse > 0 && !errors.Is(f.refusals[0], core.ErrUnauthorized) {
				t.Errorf("refusal told: %v", f.refusals[0])
			}
		})
	}
}

// TestCacheConcurrent: callers asking for one name at once make one lookup and one category.
func TestCacheConcurrent(t *testing.T) {
	f := &fakeStore{ids: map[string]string{}, delay: 20 * time.Millisecond}
	var c Cache
	var wg sync.WaitGroup
	got := make([]string, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := "Dried fruit"
			if i%2 == 1 {
				name = "dried FRUIT"
			}
			id, err := c.ID(context.Background(), name, f.store())
			if err != nil {
				t.Error(err)
			}
			got[i] = id
		}()
	}
	wg.Wait()
	for _, id := range got {
		if id != got[0] || id == "" {
			t.Fatalf("ids %q", got)
		}
	}
	if f.finds != 1 || f.creates != 1 {
		t.Errorf("%d finds and %d creates, want 1 and 1", f.finds, f.creates)
	}
}

// TestCacheWaitEndsWithContext: a caller waiting for another's lookup stops when its context
// ends.
func TestCacheWaitEndsWithContext(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	st := Store{
		Find: func(ctx context.Context, name string) (string, error) {
			close(started)
			<-release
			return "7", nil
		},
		Create: func(ctx context.Context, name string) (string, error) { return "", errors.New("not called") },
	}
	var c Cache
	go func() { _, _ = c.ID(context.Background(), "Tea", st) }()
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.ID(ctx, "tea", st); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled wait: %v", err)
	}
	close(release)
	if id, err := c.ID(context.Background(), "TEA", st); err != nil || id != "7" {
		t.Errorf("after the lookup: %q, %v", id, err)
	}
}

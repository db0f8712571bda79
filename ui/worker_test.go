package ui

import "testing"

func TestGoroutineID(t *testing.T) {
	here := goroutineID()
	if here == 0 || goroutineID() != here {
		t.Fatalf("goroutine id %d is not stable", here)
	}
	other := make(chan uint64)
	go func() { other <- goroutineID() }()
	if id := <-other; id == 0 || id == here {
		t.Fatalf("another goroutine has id %d, this one %d", id, here)
	}
}

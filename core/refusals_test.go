package core_test

import (
	"context"
	"testing"

	"mizan/core"
	"mizan/storage"
)

// A connection that does not exist is refused with a sentence of the catalogue, in its English.
func TestMissingConnectionIsASentence(t *testing.T) {
	e := newEnv(t)
	_, err := e.eng.Connection(context.Background(), e.conn.ID+41)
	if !storage.IsValidation(err) || err.Error() != "connection 42 does not exist" {
		t.Fatalf("a connection that does not exist: %v", err)
	}
	if p := core.PhraseOf(err); p.Code != "invalid.connection_missing" || len(p.Args) != 1 || p.Args[0].Text != "42" {
		t.Fatalf("a connection that does not exist reads as %+v", p)
	}
}

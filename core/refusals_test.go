package core_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
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

// An order the books refuse for one of its lines is logged with the line's refusal as a sentence
// inside the log's, so a window reads the whole of it in its language.
func TestOrderRefusedForALineLogsItsSentence(t *testing.T) {
	e := newEnv(t)
	_, _, tea := e.catalogue()
	bad := line(tea, "1")
	bad.UnitPrice = d("-12.50")
	o := e.store.PlaceOrder(orderOf(nil, "", nil, line(tea, "2"), bad))
	e.sync()
	entries, err := e.eng.Log(context.Background(), core.LogFilter{ConnectionID: e.conn.ID})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../ui/translations/ar.json")
	if err != nil {
		t.Fatal(err)
	}
	var ar map[string]any // a sentence about a number of things is an object of plural forms
	if err := json.Unmarshal(raw, &ar); err != nil {
		t.Fatal(err)
	}
	arabic := func(code string, _ *int) (string, bool) { f, ok := ar["log."+code].(string); return f, ok }
	english := "order " + o.Name + " was not invoiced: sales invoice line 2: unit price -12.5 is negative. Nothing was posted; it will be tried again on the next sync"
	for _, en := range entries {
		if en.Level != core.Error || en.Kind != "order" {
			continue
		}
		if en.Message != english {
			t.Fatalf("logged %q, want %q", en.Message, english)
		}
		want := "لم يُفوتَر الطلب " + o.Name + ": سطر فاتورة المبيعات 2: سعر الوحدة -12.5 سالب."
		if got := en.Say.Render(arabic); !strings.HasPrefix(got, want) {
			t.Fatalf("in Arabic the log reads %q, want it to begin %q", got, want)
		}
		return
	}
	t.Fatalf("no order was refused: %+v", entries)
}

package core_test

import (
	"testing"

	"mizan/core"
	"mizan/storage"
)

// The requisitions and adjustments a sync records keep their notes in words a window translates
// (NotePhrase), whose English is the note the command line and exports show; a merchant's note,
// and one recorded before the books kept its words, is shown as written.
func TestEngineDocumentsNoteWords(t *testing.T) {
	e := newEnv(t)
	_, _, tea := e.catalogue()
	e.sync()
	e.store.SetQuantity(tea.ExternalID, d("37"))
	e.sync()
	docs, err := e.db.StockDocuments(ctx, storage.StockDocumentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]int{}
	for _, doc := range docs {
		if !doc.Kind.Automatic() {
			continue
		}
		p := core.NotePhrase(doc)
		codes[p.Code]++
		if p.Code == "" || p.English() != doc.Note {
			t.Errorf("%s: note %q, words %+v (%q)", doc.Number, doc.Note, doc.NoteWords, p.English())
		}
	}
	if codes["note.store_quantity"] != 3 || codes["stock.hand_edit"] != 1 {
		t.Errorf("the notes' sentences: %v", codes)
	}
	for _, doc := range []storage.StockDocument{
		{Note: "من المورد"},
		{Note: "Store quantity of TEA-100 on Test shop"},
		{Note: "kept", NoteWords: storage.NoteWords{Code: "no.such_sentence"}},
	} {
		if p := core.NotePhrase(doc); p.Code != "" || p.Text != doc.Note {
			t.Errorf("%q is shown as %+v", doc.Note, p)
		}
	}
}

package ui

import (
	"context"
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"

	"mizan/core"
	"mizan/platforms/shopify"
	"mizan/storage"
)

// The connection form's default client is found by typing part of a name, a phone number in any
// written form, or part of an email; the choices narrow to the clients that match.
func TestConnectionFormFindsTheDefaultClient(t *testing.T) {
	e := openEngineApp(t, Deps{}, func(db *storage.DB, secrets core.Secrets) *core.Engine {
		return core.New(db, secrets, core.NewPlatforms(shopify.Platform()), core.Options{})
	})
	m := e.m
	err := e.db.Update(context.Background(), func(tx *storage.Tx) error {
		for _, c := range []storage.Client{
			{Name: "أمل الحربي", Phone: "0501234567", Email: "amal@example.com"},
			{Name: "Online guests", Email: "guests@shop.example"},
			{Name: "Nora Saleh", Phone: "0559876543"},
		} {
			if _, err := tx.AddClient(c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	test.Tap(m.Nav[ScreenConnections])
	m.Connections.Add()
	m.Idle()
	f := m.Connections.Form
	for _, c := range []struct{ typed, want string }{
		{"guests", "Online guests"},
		{"+966 55 987 6543", "Nora Saleh"},
		{"amal@", visual("أمل الحربي")},
		{"الحربي", visual("أمل الحربي")},
		{"4567", visual("أمل الحربي")},
	} {
		f.ClientSearch.SetText("")
		test.Type(f.ClientSearch, c.typed)
		m.Idle()
		if f.Client.Selected != c.want || !slices.Equal(f.Client.Options, []string{c.want}) {
			t.Errorf("typing %q offers %q and chooses %q, want only %q", c.typed, f.Client.Options, f.Client.Selected, c.want)
		}
	}
	// Saved with the client found.
	in, err := f.input()
	if err != nil {
		t.Fatal(err)
	}
	if in.ClientID == 0 || f.clients[f.Client.Selected] != in.ClientID {
		t.Errorf("the form's client id is %d", in.ClientID)
	}
}

package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"mizan/core"
	"mizan/core/memstore"
	"mizan/storage"
)

// TestReconnectIsShownAndNotScheduled: a connection whose store refused to renew its
// credentials shows why on the dashboard and in Connections, with a Reconnect action that opens
// its edit form instead of Sync now; the scheduler and Sync all ask nothing of the store for it;
// new credentials bring Sync now back.
func TestReconnectIsShownAndNotScheduled(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{t: time.Now()}
	st := memstore.New(clock.Now)
	st.RotateTokens("mem_access_ui_1", "mem_refresh_ui_1")
	e := openEngineApp(t, Deps{Now: clock.Now, SchedulerTick: 10 * time.Millisecond}, func(db *storage.DB, secrets core.Secrets) *core.Engine {
		return core.New(db, secrets, core.NewPlatforms(memstore.Platform(st)), core.Options{Now: clock.Now})
	})
	c, err := e.eng.AddConnection(ctx, core.ConnectionInput{Name: "Oauth shop", Platform: "memory", StoreURL: "https://oauth.example",
		Credentials: map[string]string{memstore.KeyToken: "mem_access_ui_1", memstore.KeyRefresh: "mem_refresh_ui_1"}})
	if err != nil {
		t.Fatal(err)
	}
	st.ExpireToken()
	st.FailNext("Refresh", &core.StoreError{Op: "renew the access token", Status: 400, Message: "invalid_grant", Err: core.ErrReconnect})
	_, err = e.eng.SyncNow(ctx, c.ID, core.SyncRequest{})
	if !errors.Is(err, core.ErrReconnect) {
		t.Fatalf("sync: %v", err)
	}
	if p := explain("sync Oauth shop", err); p.Title != "The store needs to be connected again" || !strings.Contains(p.Todo, "Reconnect") {
		t.Errorf("the error dialog: %q / %q", p.Title, p.Todo)
	}
	if err := e.m.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	e.m.Idle()
	card := e.m.Dashboard.Cards[c.ID]
	if card == nil || !card.Reconnect.Visible() || card.SyncNow.Visible() || !card.State.Visible() ||
		!strings.Contains(card.State.Text, "Needs reconnecting since") || !strings.Contains(card.State.Text, "invalid_grant") {
		t.Fatalf("dashboard card: reconnect %v, sync now %v, state %q", card.Reconnect.Visible(), card.SyncNow.Visible(), card.State.Text)
	}
	row := e.m.Connections.Rows[c.ID]
	if row == nil || !row.Reconnect.Visible() || !row.State.Visible() || !strings.Contains(row.State.Text, "Needs reconnecting") {
		t.Fatalf("connections row does not say it needs reconnecting")
	}
	// An hour of scheduler ticks and a Sync all: nothing asked of the store, no run recorded.
	calls := fmt.Sprint(st.Calls())
	runs, _ := e.eng.Runs(ctx, c.ID, 0)
	clock.Advance(time.Hour)
	time.Sleep(150 * time.Millisecond)
	e.m.Idle()
	test.Tap(e.m.Dashboard.SyncAll)
	time.Sleep(50 * time.Millisecond)
	e.m.Idle()
	if got := fmt.Sprint(st.Calls()); got != calls {
		t.Errorf("store calls while the connection needs reconnecting: %s, before %s", got, calls)
	}
	if after, _ := e.eng.Runs(ctx, c.ID, 0); len(after) != len(runs) {
		t.Errorf("%d runs recorded", len(after)-len(runs))
	}
	if n := len(e.app.notifications()); n != 0 {
		t.Errorf("%d notifications", n)
	}
	// Reconnect opens the connection's form.
	test.Tap(card.Reconnect)
	e.m.Idle()
	if e.m.Current != ScreenConnections || e.m.Connections.Form == nil || e.m.Connections.Form.editing == nil ||
		e.m.Connections.Form.editing.ID != c.ID {
		t.Fatalf("Reconnect did not open the connection's form")
	}
	e.m.Connections.closeForm()
	st.RotateTokens("mem_access_ui_2", "mem_refresh_ui_2")
	in := core.ConnectionInput{Name: c.Name, Platform: c.Platform, StoreURL: c.StoreURL,
		Credentials: map[string]string{memstore.KeyToken: "mem_access_ui_2", memstore.KeyRefresh: "mem_refresh_ui_2"}}
	if _, err := e.eng.UpdateConnection(ctx, c.ID, in); err != nil {
		t.Fatal(err)
	}
	if err := e.m.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	e.m.Idle()
	card = e.m.Dashboard.Cards[c.ID]
	if card.Reconnect.Visible() || !card.SyncNow.Visible() || card.State.Visible() || e.m.Connections.Rows[c.ID].Reconnect.Visible() {
		t.Errorf("still shown as needing reconnecting after new credentials")
	}
}

package ui

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"mizan/core"
	"mizan/core/memstore"
	"mizan/storage"
)

// TestInterruptedSyncIsShown opens books a killed sync left "running": the dashboard and the sync
// log say it was interrupted, and the store can be synced again.
func TestInterruptedSyncIsShown(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := memstore.New(time.Now)
	secrets := core.NewMemorySecrets() // the keyring outlives the process
	engine := func(db *storage.DB) *core.Engine {
		return core.New(db, secrets, core.NewPlatforms(memstore.Platform(st)), core.Options{})
	}
	db, err := storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	push := true
	c, err := engine(db).AddConnection(ctx, core.ConnectionInput{Name: "Test shop", Platform: "memory",
		StoreURL: "https://shop.example", PushProducts: &push, Credentials: map[string]string{"token": "tok"}})
	if err != nil {
		t.Fatal(err)
	}
	// What a sync killed half-way leaves behind: its run, still "running".
	if _, err := db.SQL().Exec(`INSERT INTO sync_runs(connection_id, trigger, started_at) VALUES (?, 'manual', ?)`,
		c.ID, time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := NewApp(test.NewTempApp(t), db, Deps{Engine: engine(db)})
	t.Cleanup(func() {
		m.Close()
		db.Close()
	})
	m.Window.Resize(DefaultSize)
	m.Window.Show()
	if err := m.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	m.Idle()
	test.Tap(m.Nav[ScreenDashboard])
	card := m.Dashboard.Cards[c.ID]
	mustShow(t, card.Content, "interrupted (Mizan was stopped during it)")
	test.Tap(m.Nav[ScreenSyncLog])
	m.Idle()
	mustShow(t, m.SyncLog.Runs, "interrupted (Mizan was stopped during it)")
	mustShow(t, m.SyncLog.Entries, "sync stopped: interrupted")

	test.Tap(m.Nav[ScreenDashboard])
	if card.SyncNow.Disabled() {
		t.Fatal("an interrupted run keeps the store from syncing")
	}
	test.Tap(card.SyncNow)
	m.Idle()
	runs, _ := m.engine.Runs(ctx, c.ID, 0)
	if len(runs) != 2 || runs[0].Outcome != core.OutcomeOK || runs[1].Outcome != core.OutcomeInterrupted {
		t.Fatalf("runs after syncing again: %+v", runs)
	}
}

// TestDamagedBooksSayWhatToDo: books the window cannot open because they are damaged (here an
// empty books file) get the startup window that says so and how to restore them.
func TestDamagedBooksSayWhatToDo(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, storage.FileName), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := storage.Open(context.Background(), dir, storage.Options{})
	if err == nil {
		t.Fatal("an empty books file was opened")
	}
	w := StartupErrorWindow(test.NewTempApp(t), StageOpen, err)
	openDetails(t, w.Content())
	mustShow(t, w.Content(), "Mizan's books are damaged", "empty (0 bytes)", "latest backup", "mizan check")
}

package core

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"mizan/storage"
)

// winCred is a keyring with the limits of Windows' Credential Manager as go-keyring reaches it:
// a credential's blob holds at most 2,560 bytes (CRED_MAX_CREDENTIAL_BLOB_SIZE), its target
// name ("service:user") at most 32,767 characters (CRED_MAX_GENERIC_TARGET_NAME_LENGTH) and its
// user name at most 513 (CRED_MAX_USERNAME_LENGTH); go-keyring refuses a service name of 512
// bytes or more. Each write is whole or not at all, as CredWrite's is.
//
// dieAfter, when not negative, is how many more writes (saves and deletions) the process makes:
// the next one fails and so does every call after it, the entries left as they were, as when
// the process is killed. restart is the next process, on the same entries.
type winCred struct {
	mu       sync.Mutex
	m        map[string]string
	dieAfter int
	dead     bool
	writes   int
}

var errDied = errors.New("the process was killed")

func newWinCred() *winCred { return &winCred{m: map[string]string{}, dieAfter: -1} }

func (w *winCred) restart() *winCred {
	w.mu.Lock()
	defer w.mu.Unlock()
	return &winCred{m: maps.Clone(w.m), dieAfter: -1}
}

func (w *winCred) write() error {
	if w.dead {
		return errDied
	}
	if w.dieAfter == 0 {
		w.dead = true
		return errDied
	}
	if w.dieAfter > 0 {
		w.dieAfter--
	}
	w.writes++
	return nil
}

func (w *winCred) Get(service, user string) (string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.dead {
		return "", errDied
	}
	v, ok := w.m[service+":"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (w *winCred) Set(service, user, password string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(password) > 2560 || len(service) >= 512 || len([]rune(user)) > 513 || len([]rune(service+":"+user)) > 32767 {
		return keyring.ErrSetDataTooBig
	}
	if err := w.write(); err != nil {
		return err
	}
	w.m[service+":"+user] = password
	return nil
}

func (w *winCred) Delete(service, user string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.dead {
		return errDied
	}
	if _, ok := w.m[service+":"+user]; !ok {
		return keyring.ErrNotFound
	}
	if err := w.write(); err != nil {
		return err
	}
	delete(w.m, service+":"+user)
	return nil
}

func (w *winCred) entries() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Sorted(maps.Keys(w.m))
}

// passportJWT is shaped like the access tokens Zid's OAuth server (Laravel Passport) issues: a
// JWT signed with RS256 under Passport's default 4,096-bit key (a 512-byte signature), carrying
// the client, a token id of 80 hex digits, the times to the microsecond, the user and scopes.
func passportJWT(t *testing.T) string {
	enc := base64.RawURLEncoding.EncodeToString
	claims := fmt.Sprintf(`{"aud":"4821","jti":"%s","iat":1764763200.482913,"nbf":1764763200.482917,"exp":1796299200.471032,"sub":"917345","scopes":["third-partner-apps","products.read","products.write","orders.read","orders.write","inventory.read","inventory.write","customers.read"]}`,
		randomHexString(t, 40))
	return enc([]byte(`{"typ":"JWT","alg":"RS256"}`)) + "." + enc([]byte(claims)) + "." + enc(randomBytes(t, 512))
}

// passportRefresh is shaped like a Passport refresh token: "def50200" and the hex of an
// encrypted JSON (a 84-byte envelope around it) naming the client, the refresh and access token
// ids, the scopes, the user and the expiry.
func passportRefresh(t *testing.T) string {
	payload := fmt.Sprintf(`{"client_id":"4821","refresh_token_id":"%s","access_token_id":"%s","scopes":["third-partner-apps","products.read","products.write","orders.read","orders.write","inventory.read","inventory.write","customers.read"],"user_id":"917345","expire_time":1827835200}`,
		randomHexString(t, 40), randomHexString(t, 40))
	return "def50200" + hex.EncodeToString(randomBytes(t, 80+len(payload)))
}

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func randomHexString(t *testing.T, n int) string { return hex.EncodeToString(randomBytes(t, n)) }

// zidCredentials is a Zid connection's credentials at realistic sizes.
func zidCredentials(t *testing.T) map[string]string {
	return map[string]string{
		"access_token":  passportJWT(t),
		"authorization": passportJWT(t),
		"refresh_token": passportRefresh(t),
		"expires_at":    "2027-12-03T12:00:00Z",
		"client_id":     "4821",
		"client_secret": randomHexString(t, 20),
		"redirect_uri":  "http://127.0.0.1:53682/callback",
	}
}

// TestKeyringPartsOnWindows: every value Mizan keeps fits Windows' Credential Manager, however
// long: up to 2,560 bytes it is one entry as before; beyond, it is kept in parts and read back
// whole, Arabic letters never cut in two; Delete leaves nothing behind.
func TestKeyringPartsOnWindows(t *testing.T) {
	const key = "books/0f8e2a7c9b41d3e6/connection/3/~renewal"
	tests := []struct {
		name    string
		value   string
		entries int
	}{
		{"empty", "", 1},
		{"a Shopify token", "shpat_" + strings.Repeat("a", 32), 1},
		{"exactly one entry", strings.Repeat("x", 2560), 1},
		{"one byte over", strings.Repeat("x", 2561), 3},
		{"Arabic across the cut", strings.Repeat("ت", 1281), 3},
		{"four-byte letters across the cut", "x" + strings.Repeat("𝔸", 700), 3},
		{"short, but looks like a head", partsHead + "a:1:5:abc", 2},
		{"the most there may be", strings.Repeat("y", 16*2560), 17},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWinCred()
			k := Keyring{Service: KeyringService, store: w}
			if err := k.Set(key, tc.value); err != nil {
				t.Fatalf("save %d bytes: %v", len(tc.value), err)
			}
			got, err := k.Get(key)
			if err != nil || got != tc.value {
				t.Fatalf("read back %d bytes (%v), want %d", len(got), err, len(tc.value))
			}
			if n := len(w.entries()); n != tc.entries {
				t.Errorf("%d entries, want %d: %q", n, tc.entries, w.entries())
			}
			for _, e := range w.entries() {
				if v := w.m[e]; strings.ContainsRune(v, utf8RuneError) {
					t.Errorf("%s holds a cut character", e)
				}
			}
			if err := k.Delete(key); err != nil {
				t.Fatal(err)
			}
			if e := w.entries(); len(e) != 0 {
				t.Errorf("left behind: %q", e)
			}
			if _, err := k.Get(key); !errors.Is(err, ErrNoSecret) {
				t.Errorf("after delete: %v", err)
			}
		})
	}
	t.Run("too long", func(t *testing.T) {
		k := Keyring{Service: KeyringService, store: newWinCred()}
		err := k.Set(key, strings.Repeat("z", 16*2560+1))
		if err == nil || !strings.Contains(err.Error(), "too long") || strings.Contains(err.Error(), "zzz") {
			t.Errorf("got %v", err)
		}
	})
}

const utf8RuneError = '\uFFFD'

// TestKeyringPartsReplaced: a value replaced by a longer, a shorter, one in parts and one
// entry leaves exactly its own entries each time, and a head whose parts were changed outside
// Mizan reads as no secret.
func TestKeyringPartsReplaced(t *testing.T) {
	const key = "books/0f8e2a7c9b41d3e6/renewed/5d0c"
	w := newWinCred()
	k := Keyring{Service: KeyringService, store: w}
	for i, v := range []string{
		strings.Repeat("a", 9000), strings.Repeat("b", 3000), strings.Repeat("c", 7000), "short",
		strings.Repeat("d", 6000), strings.Repeat("e", 6000), "",
	} {
		if err := k.Set(key, v); err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		if got, err := k.Get(key); err != nil || got != v {
			t.Fatalf("%d: read back %d bytes, %v", i, len(got), err)
		}
		want := 1
		if len(v) > 2560 {
			want += (len(v) + 2559) / 2560
		}
		if n := len(w.entries()); n != want {
			t.Errorf("%d: %d entries, want %d: %q", i, n, want, w.entries())
		}
	}
	if err := k.Set(key, strings.Repeat("f", 6000)); err != nil {
		t.Fatal(err)
	}
	w.m[KeyringService+":"+partKey(key, "a", 2)] = strings.Repeat("g", 2560)
	if _, err := k.Get(key); !errors.Is(err, ErrNoSecret) || strings.Contains(err.Error(), "fff") {
		t.Errorf("changed part: %v", err)
	}
}

// TestKeyringPartsKilled: a process killed at any write of a value kept in parts (or of its
// deletion) leaves the old value or the new one, whole, never a mix nor an error; the next
// process's Delete leaves no entry behind.
func TestKeyringPartsKilled(t *testing.T) {
	const key = "books/0f8e2a7c9b41d3e6/connection/3/~renewal"
	long := func(c string, n int) string { return strings.Repeat(c, n) }
	tests := []struct {
		name     string
		old, new string
		del      bool
	}{
		{"nothing, then parts", "", long("n", 6000), false},
		{"one entry, then parts", "sending", long("n", 6000), false},
		{"parts, then parts", long("o", 8000), long("n", 6000), false},
		{"parts, then more parts", long("o", 3000), long("n", 9000), false},
		{"parts, then one entry", long("o", 8000), "received", false},
		{"parts, deleted", long("o", 8000), "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for die := 0; ; die++ {
				w := newWinCred()
				k := Keyring{Service: KeyringService, store: w}
				if tc.old != "" {
					if err := k.Set(key, tc.old); err != nil {
						t.Fatal(err)
					}
				}
				w.dieAfter = die
				var err error
				if tc.del {
					err = k.Delete(key)
				} else {
					err = k.Set(key, tc.new)
				}
				next := w.restart()
				k2 := Keyring{Service: KeyringService, store: next}
				got, gerr := k2.Get(key)
				switch {
				case tc.del && errors.Is(gerr, ErrNoSecret):
				case gerr == nil && (got == tc.old || got == tc.new):
				case tc.old == "" && errors.Is(gerr, ErrNoSecret):
				default:
					t.Fatalf("killed after %d writes: read %d bytes %.8q…, %v", die, len(got), got, gerr)
				}
				if err := k2.Delete(key); err != nil {
					t.Fatal(err)
				}
				if e := next.entries(); len(e) != 0 {
					t.Fatalf("killed after %d writes: the next Delete left %q", die, e)
				}
				if err == nil && !w.dead {
					if !tc.del && got != tc.new {
						t.Fatalf("finished, yet read %.8q…", got)
					}
					return // every point of the write was tried
				}
				if !w.dead {
					t.Fatalf("not killed, yet the write failed: %v", err)
				}
			}
		})
	}
}

// TestZidSecretsOnWindows: the records that hold several of Zid's tokens at once are longer than
// a Windows credential takes (measured here at realistic sizes), and are saved and read back
// whole: the renewal record with every new value in one write, and the credentials kept until
// a connection is saved.
func TestZidSecretsOnWindows(t *testing.T) {
	creds := zidCredentials(t)
	renewed := zidCredentials(t)
	changed := map[string]string{}
	for _, k := range []string{"access_token", "authorization", "refresh_token", "expires_at"} {
		changed[k] = renewed[k]
	}
	longest := 0
	for k, v := range creds {
		longest = max(longest, len(v))
		t.Logf("%s: %d bytes", k, len(v))
	}
	if longest > maxEntry {
		t.Errorf("a single Zid token of %d bytes is longer than one entry", longest)
	}
	w := newWinCred()
	e := &Engine{secrets: Keyring{Service: KeyringService, store: w}}
	c := Connection{ID: 3, Name: "Zid shop"}
	rec := renewalRecord{State: renewalReceived, At: fmtTime(time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)), Had: digests(creds), Values: changed}
	raw, _ := json.Marshal(rec)
	t.Logf("renewal record: %d bytes", len(raw))
	if len(raw) <= maxEntry {
		t.Errorf("the renewal record (%d bytes) fits one entry: this test measures nothing", len(raw))
	}
	if err := e.writeRenewal("0f8e2a7c9b41d3e6", c, rec); err != nil {
		t.Fatal(err)
	}
	got, err := e.secrets.Get(SecretKey("0f8e2a7c9b41d3e6", c.ID, renewalField))
	if err != nil || got != string(raw) {
		t.Fatalf("renewal record read back %d bytes, %v", len(got), err)
	}
	all, _ := json.Marshal(creds)
	t.Logf("credentials kept until saved: %d bytes", len(all))
	key := renewedKey("0f8e2a7c9b41d3e6", creds)
	if err := e.secrets.Set(key, string(all)); err != nil {
		t.Fatal(err)
	}
	if got, err := e.secrets.Get(key); err != nil || got != string(all) {
		t.Fatalf("kept credentials read back %d bytes, %v", len(got), err)
	}
}

// zidLikeStore renews its credentials, once asked to, with tokens as long as Zid's, and says
// which access token reached it.
type zidLikeStore struct {
	Store
	cfg   StoreConfig
	renew map[string]string // the new values, nil: no renewal
}

func (s zidLikeStore) Info(ctx context.Context) (StoreInfo, error) {
	creds := s.cfg.Credentials
	if s.renew != nil && s.cfg.Rotate != nil {
		var err error
		creds, err = s.cfg.Rotate(ctx, func(current map[string]string) (map[string]string, error) {
			if current["refresh_token"] == s.renew["refresh_token"] {
				return nil, nil // renewed already
			}
			return maps.Clone(s.renew), nil
		})
		if err != nil {
			return StoreInfo{}, err
		}
	}
	return StoreInfo{Name: "Shop", Platform: "zidlike", Details: creds["access_token"]}, nil
}

// TestZidRenewalKilledOnWindows: a renewal of tokens as long as Zid's, on a keyring with Windows'
// limits, killed at each of its keyring writes, leaves the next process with the connection's
// credentials all as they were or all renewed: never a new access token beside the refresh
// token the store has spent. (When the renewal record did not fit one credential, the new values
// were saved one by one without it, and a process killed between two of them left a mix.)
func TestZidRenewalKilledOnWindows(t *testing.T) {
	ctx := context.Background()
	old, renewed := zidCredentials(t), zidCredentials(t)
	given := map[string]string{}
	changed := map[string]string{}
	for _, k := range []string{"access_token", "authorization", "refresh_token", "expires_at"} {
		given[k], changed[k] = old[k], renewed[k]
	}
	changed["expires_at"] = "2028-12-03T12:00:00Z"
	var renew map[string]string
	platform := Platform{Name: "zidlike", Title: "Zid-like shop", States: []string{"paid"}, DefaultStates: []string{"paid"},
		Credentials: []CredentialField{{Key: "access_token", Label: "Access"}, {Key: "authorization", Label: "Authorization"},
			{Key: "refresh_token", Label: "Refresh"}, {Key: "expires_at", Label: "Expiry"}},
		Open: func(cfg StoreConfig) (Store, error) { return zidLikeStore{cfg: cfg, renew: renew}, nil }}
	open := func(dir string, w *winCred) (*storage.DB, *Engine) {
		db, err := storage.Open(ctx, dir, storage.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return db, New(db, Keyring{Service: KeyringService, store: w}, NewPlatforms(platform), Options{})
	}
	for die := 0; ; die++ {
		if die > 100 {
			t.Fatal("the renewal never finished")
		}
		dir, w := t.TempDir(), newWinCred()
		renew = nil
		db, eng := open(dir, w)
		c, err := eng.AddConnection(ctx, ConnectionInput{Name: "Shop", Platform: "zidlike", StoreURL: "https://shop.example", Credentials: given})
		if err != nil {
			t.Fatal(err)
		}
		renew, w.dieAfter = changed, die
		_, runErr := eng.TestConnection(ctx, c.ID)
		finished := runErr == nil && !w.dead
		db.Close()

		renew = nil
		next := w.restart()
		db, eng = open(dir, next)
		if _, err := eng.TestConnection(ctx, c.ID); err != nil {
			t.Fatalf("killed after %d writes: the next process cannot use the connection: %v", die, err)
		}
		conn, err := eng.Connection(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		creds, err := eng.credentials(conn)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		var isOld, isNew []string
		for k := range given {
			switch creds[k] {
			case given[k]:
				isOld = append(isOld, k)
			case changed[k]:
				isNew = append(isNew, k)
			}
		}
		if len(isOld) != len(given) && len(isNew) != len(given) {
			t.Fatalf("killed after %d writes: the keyring holds the old %v beside the new %v", die, isOld, isNew)
		}
		if finished {
			if len(isNew) != len(given) {
				t.Fatalf("the renewal finished, yet the keyring holds the old %v", isOld)
			}
			t.Logf("the renewal makes %d keyring writes; killed after each, the next process had a whole set", die)
			return
		}
	}
}

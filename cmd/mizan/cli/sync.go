package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"mizan/cmd/mizan/demo"
	"mizan/core"
	"mizan/storage"
)

// Wiring connects the store commands to the platforms and the keyring. cmd/mizan sets it; tests
// set their own.
type Wiring struct {
	Platforms  func() core.Platforms
	Secrets    func() core.Secrets
	HTTPClient *http.Client
	Log        *slog.Logger
	// OpenBrowser opens an address in the system's browser (connecting a store with OAuth);
	// nil: the address is only printed.
	OpenBrowser func(url string) error
}

var wiring Wiring

// SetWiring installs the platforms and secret store the store commands use.
func SetWiring(w Wiring) { wiring = w }

// CurrentWiring returns what SetWiring installed.
func CurrentWiring() Wiring { return wiring }

// flagsThenEngine parses the flags of a command that takes no positional arguments, runs the
// checks (see parseArgs) and builds the sync engine over the books.
func flagsThenEngine(ctx context.Context, env *Env, fs *flag.FlagSet, args []string, checks ...func() error) (*core.Engine, error) {
	if err := flagsOnly(fs, args, checks...); err != nil {
		return nil, err
	}
	return env.Engine(ctx)
}

// Engine builds the sync engine over the books (opening them on first use).
func (e *Env) Engine(ctx context.Context) (*core.Engine, error) {
	if e.engine != nil {
		return e.engine, nil
	}
	if wiring.Platforms == nil || wiring.Secrets == nil {
		return nil, errors.New("this build of mizan has no store platforms")
	}
	db, err := e.DB(ctx)
	if err != nil {
		return nil, err
	}
	secrets := wiring.Secrets()
	if e.demo {
		// The demo's books hold the demo store's connection, whose token is no secret.
		secrets = demo.NewSecrets()
	}
	e.engine = core.New(db, secrets, wiring.Platforms(), core.Options{HTTPClient: wiring.HTTPClient, Log: wiring.Log})
	return e.engine, nil
}

func init() {
	Register(Command{Name: "connections add",
		Args:    "--platform shopify --name NAME --store URL [--oauth [--redirect URL]] [--warehouse W] [--branch B] [--default-client C] [--since YYYY-MM-DD] [--states a,b] [--poll 5m] [--option KEY=VALUE] < credentials.json",
		Summary: "Connect a store; its credentials are read as JSON on standard input and kept in the keyring",
		Help: `The credentials are a JSON object of the platform's secret fields, for example
  {"access_token": "shpat_…"}   or   {"client_id": "…", "client_secret": "…"}   (Shopify)
They go to the system keyring and nowhere else. --warehouse, --branch and --default-client take a
name; each defaults to the first one in the books. The store is asked who it is: a store the books
already know from a removed connection gets its history back (products, invoices, stock, sync log),
and nothing is imported twice; a store that is connected already is refused.

A platform whose stores connect with OAuth (salla, zid) takes the app's client ID and secret:
  {"client_id": "…", "client_secret": "…"}   with --oauth
Mizan opens the browser at the store's approval page (and prints its address). When the redirect
address (--redirect, default http://127.0.0.1:8765/callback) is on this computer, Mizan receives
the browser's return by itself (within 5 minutes); otherwise paste the address the browser ended
on, as one line after the JSON. Tokens you already have go in the JSON without --oauth:
  {"client_id": "…", "client_secret": "…", "access_token": "…", "refresh_token": "…",
   "expires_at": "2026-12-17"}   (a date, Unix seconds, or days from now such as 14d)
Zid's tokens are two, "authorization" and "access_token", with the same other fields and the
"redirect_uri" they were issued for (Zid's renewals send it again); the store's id, if you have
it, goes in as --option store_id=ID (Mizan otherwise asks Zid).`,
		Run: runConnectionsAdd})
	Register(Command{Name: "connections edit",
		Args:    "NAME [--credentials < credentials.json | --oauth [--redirect URL] < app.json] [--store URL] [--name NEW] [--warehouse W] [--branch B] [--default-client C] [--since YYYY-MM-DD|all] [--states a,b] [--poll 5m] [--option KEY=VALUE]",
		Summary: "Change a connection's credentials, store address or settings; what is not given stays as it is",
		Help: `With --credentials, new credentials are read as JSON on standard input, as for "connections add";
the fields given replace the stored ones in the keyring, the others stay. A new address or new
credentials must reach the same store (the store is asked who it is); to connect another store, add
it as a connection of its own. With --oauth, a store that connects with OAuth (salla, zid) is connected
again in the browser, as for "connections add --oauth": the way back for a connection that needs
reconnecting.`,
		Run: runConnectionsEdit})
	Register(Command{Name: "connections list", Summary: "List the connected stores", Run: runConnectionsList})
	Register(Command{Name: "connections remove", Args: "NAME", Summary: "Disconnect a store; its invoices and history stay in the books, and adding it again picks them up", Run: runConnectionsRemove})
	Register(Command{Name: "connections test", Args: "NAME", Summary: "Check a store's credentials and show what it answered", Run: runConnectionsTest})
	Register(Command{Name: "sync", Args: "[--connection NAME] [--all-products] [--orders N1,N2,…]",
		Summary: "Sync the connected stores now; exits 1 when any item failed", Run: runSync})
	Register(Command{Name: "log", Args: "[--run ID] [--connection NAME] [--level info|warning|error] [--search TEXT]",
		Summary: "Show the sync log (the newest run's, unless --run is given)", Run: runLog})
	Register(Command{Name: "runs", Args: "[--connection NAME] [--limit N]", Summary: "List recent sync runs", Run: runRuns})
}

type optionList map[string]string

func (o optionList) String() string { return "" }
func (o optionList) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("--option takes KEY=VALUE, not %q", v)
	}
	o[strings.TrimSpace(k)] = strings.TrimSpace(val)
	return nil
}

// connFlags are the settings of a connection that add and edit take.
type connFlags struct {
	platform, name, store, warehouse, branch, client, since, states *string
	poll                                                            *time.Duration
	opts                                                            optionList
}

func addConnFlags(fs *flag.FlagSet, editing bool) *connFlags {
	f := &connFlags{opts: optionList{}}
	if !editing {
		f.platform = fs.String("platform", "", "the store's platform (shopify, woocommerce)")
	}
	nameHelp := "a name for the connection"
	if editing {
		nameHelp = "a new name for the connection"
	}
	f.name = fs.String("name", "", nameHelp)
	f.store = fs.String("store", "", "the store's address")
	f.warehouse = fs.String("warehouse", "", "default warehouse (name)")
	f.branch = fs.String("branch", "", "default branch (name)")
	f.client = fs.String("default-client", "", "default client for guest orders (name)")
	f.since = fs.String("since", "", "integration start date: orders created before it are not imported (edit: \"all\" imports every order)")
	f.states = fs.String("states", "", "order states that create invoices, comma-separated")
	f.poll = fs.Duration("poll", 0, "how often the open app syncs this store")
	fs.Var(f.opts, "option", "a platform option KEY=VALUE (repeatable; on edit, KEY= clears it)")
	return f
}

// apply puts the flags that were given (all of them when set is nil) into in.
func (f *connFlags) apply(ctx context.Context, env *Env, db *storage.DB, in *core.ConnectionInput, set map[string]bool) error {
	given := func(name string) bool { return set == nil || set[name] }
	if given("name") {
		in.Name = *f.name
	}
	if given("store") {
		in.StoreURL = *f.store
	}
	if given("poll") {
		in.PollInterval = *f.poll
	}
	if given("since") {
		in.StartDate = time.Time{}
		if s := strings.TrimSpace(*f.since); s != "" && !(set != nil && strings.EqualFold(s, "all")) {
			t, err := time.ParseInLocation("2006-01-02", s, env.loc())
			if err != nil {
				return Usagef("--since %q is not a date like 2026-01-31", *f.since)
			}
			in.StartDate = t
		}
	}
	if given("states") {
		in.InvoiceStates = nil
		for _, s := range strings.Split(*f.states, ",") {
			if s = strings.TrimSpace(s); s != "" {
				in.InvoiceStates = append(in.InvoiceStates, s)
			}
		}
	}
	if in.Options == nil {
		in.Options = map[string]string{}
	}
	for k, v := range f.opts {
		if v == "" {
			delete(in.Options, k)
		} else {
			in.Options[k] = v
		}
	}
	var err error
	if given("warehouse") {
		if in.WarehouseID, err = lookupName(ctx, db, "warehouses", "warehouse", *f.warehouse); err != nil {
			return err
		}
	}
	if given("branch") {
		if in.BranchID, err = lookupName(ctx, db, "branches", "branch", *f.branch); err != nil {
			return err
		}
	}
	if given("default-client") {
		if in.ClientID, err = lookupName(ctx, db, "clients", "client", *f.client); err != nil {
			return err
		}
	}
	return nil
}

// readCredentials reads the credentials JSON object on standard input.
func readCredentials(env *Env) (map[string]string, error) {
	var creds map[string]string
	raw, err := io.ReadAll(io.LimitReader(env.Stdin, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("read credentials: %w", err)
	}
	if err := json.Unmarshal(raw, &creds); err != nil {
		return nil, Usagef("the credentials on standard input must be a JSON object of strings, such as {\"access_token\": \"…\"} (%s)", jsonProblem(err))
	}
	return creds, nil
}

func runConnectionsAdd(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("connections add", flag.ContinueOnError)
	f := addConnFlags(fs, false)
	withOAuth := fs.Bool("oauth", false, "connect in the browser with the app's client ID and secret (platforms with OAuth, such as salla and zid)")
	redirect := fs.String("redirect", "", "with --oauth: the redirect address registered for the app (default the platform's, http://127.0.0.1:8765/callback)")
	err := flagsOnly(fs, args, func() error {
		if *f.platform == "" || *f.name == "" || *f.store == "" {
			return Usagef("--platform, --name and --store are required")
		}
		if *redirect != "" && !*withOAuth {
			return Usagef("--redirect goes with --oauth")
		}
		return nil
	})
	if err != nil {
		return err
	}
	var creds map[string]string
	var rest io.Reader
	if *withOAuth {
		creds, rest, err = readAppCredentials(env)
	} else {
		creds, err = readCredentials(env)
	}
	if err != nil {
		return err
	}
	eng, err := env.Engine(ctx)
	if err != nil {
		return err
	}
	in := core.ConnectionInput{Platform: *f.platform, Credentials: creds}
	if err := f.apply(ctx, env, eng.DB(), &in, nil); err != nil {
		return err
	}
	if err := oauthCredentials(ctx, env, eng, &in, *withOAuth, *redirect, rest); err != nil {
		return err
	}
	c, err := eng.AddConnection(ctx, in)
	if err != nil {
		return err
	}
	if c.Reattached {
		fmt.Fprintf(env.Stdout, "Connected %q (%s, %s). The books already knew this store (as %q): its products, invoices, stock and sync log "+
			"are re-attached to this connection, and nothing is imported twice.\n", c.Name, c.Platform, c.StoreURL, c.PreviousName)
		return nil
	}
	fmt.Fprintf(env.Stdout, "Connected %q (%s, %s). Run \"mizan sync --connection %q\" to sync it now.\n", c.Name, c.Platform, c.StoreURL, c.Name)
	return nil
}

func runConnectionsEdit(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("connections edit", flag.ContinueOnError)
	f := addConnFlags(fs, true)
	newCreds := fs.Bool("credentials", false, "read new credentials as JSON on standard input (the fields given replace the stored ones)")
	withOAuth := fs.Bool("oauth", false, "connect the store again in the browser with the app's client ID and secret, read as JSON on standard input")
	redirect := fs.String("redirect", "", "with --oauth: the redirect address registered for the app (default the platform's)")
	pos, err := parseArgs(fs, args, oneArg(needName))
	if err != nil {
		return err
	}
	name := pos[0]
	set := flagsGiven(fs)
	if len(set) == 0 {
		return Usagef("say what to change: --credentials (new credentials on standard input), --store, --name, --warehouse, --branch, --default-client, --since, --states, --poll or --option")
	}
	var creds map[string]string
	var rest io.Reader
	switch {
	case *withOAuth && *newCreds:
		return Usagef("--oauth and --credentials are two ways to give new credentials: choose one")
	case *redirect != "" && !*withOAuth:
		return Usagef("--redirect goes with --oauth")
	case *withOAuth:
		creds, rest, err = readAppCredentials(env)
	case *newCreds:
		creds, err = readCredentials(env)
	}
	if err != nil {
		return err
	}
	eng, err := env.Engine(ctx)
	if err != nil {
		return err
	}
	c, err := eng.ConnectionByName(ctx, name)
	if err != nil {
		return err
	}
	push := c.PushProducts
	opts := map[string]string{}
	for k, v := range c.Options {
		opts[k] = v
	}
	in := core.ConnectionInput{Name: c.Name, Platform: c.Platform, StoreURL: c.StoreURL, ClientID: c.ClientID, WarehouseID: c.WarehouseID,
		BranchID: c.BranchID, StartDate: c.StartDate, InvoiceStates: c.InvoiceStates, PollInterval: c.PollInterval, Owners: c.Owners,
		PushProducts: &push, Options: opts, Credentials: creds}
	if err := f.apply(ctx, env, eng.DB(), &in, set); err != nil {
		return err
	}
	if set["warehouse"] && in.WarehouseID == 0 || set["branch"] && in.BranchID == 0 || set["default-client"] && in.ClientID == 0 {
		return Usagef("--warehouse, --branch and --default-client take a name")
	}
	if err := oauthCredentials(ctx, env, eng, &in, *withOAuth, *redirect, rest); err != nil {
		return err
	}
	if set["oauth"] {
		set["credentials"] = true
	}
	if _, err := eng.UpdateConnection(ctx, c.ID, in); err != nil {
		return err
	}
	what := []string{}
	for _, fl := range []string{"name", "store", "credentials", "warehouse", "branch", "default-client", "since", "states", "poll", "option"} {
		if set[fl] {
			what = append(what, strings.TrimPrefix(fl, "default-"))
		}
	}
	fmt.Fprintf(env.Stdout, "Saved %q (%s).\n", in.Name, strings.Join(what, ", "))
	return nil
}

// jsonProblem describes a JSON error without echoing the input (it may hold a secret).
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("not valid JSON at byte %d", syn.Offset)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return fmt.Sprintf("%q must be a string", typ.Field)
	}
	return "not a JSON object"
}

// lookupName finds a record by exact name (case-insensitive); empty means "use the default".
func lookupName(ctx context.Context, db *storage.DB, table, what, name string) (int64, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return 0, nil
	}
	var id int64
	err := db.SQL().QueryRowContext(ctx, `SELECT id FROM `+table+` WHERE lower(name) = lower(?) ORDER BY id LIMIT 1`, name).Scan(&id)
	if err != nil {
		if id, perr := strconv.ParseInt(name, 10, 64); perr == nil {
			return id, nil
		}
		return 0, fmt.Errorf("no %s is named %q", what, name)
	}
	return id, nil
}

func runConnectionsList(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("connections list", flag.ContinueOnError)
	eng, err := flagsThenEngine(ctx, env, fs, args)
	if err != nil {
		return err
	}
	conns, err := eng.Connections(ctx)
	if err != nil {
		return err
	}
	if len(conns) == 0 {
		fmt.Fprintln(env.Stdout, "No stores connected yet. Add one with \"mizan connections add\".")
		return nil
	}
	runs, err := eng.Runs(ctx, 0, 1000)
	if err != nil {
		return err
	}
	last := map[int64]core.RunSummary{}
	for _, r := range runs {
		if _, ok := last[r.ConnectionID]; !ok {
			last[r.ConnectionID] = r
		}
	}
	t := newTable(env.Stdout, "NAME", "PLATFORM", "STORE", "SINCE", "STATES", "LAST SYNC", "STATE")
	var reconnect []core.Connection
	for _, c := range conns {
		lastSync := "never"
		if r, ok := last[c.ID]; ok {
			lastSync = fmt.Sprintf("%s (%s)", r.StartedAt.In(env.loc()).Format("2006-01-02 15:04"), r.Outcome)
		}
		since := "all"
		if !c.StartDate.IsZero() {
			since = c.StartDate.In(env.loc()).Format("2006-01-02")
		}
		state := "connected"
		if c.NeedsReconnect() {
			state = "needs reconnecting since " + c.ReconnectAt.In(env.loc()).Format("2006-01-02 15:04")
			reconnect = append(reconnect, c)
		}
		t.row(c.Name, c.Platform, c.StoreURL, since, strings.Join(c.InvoiceStates, ","), lastSync, state)
	}
	if err := t.flush(); err != nil {
		return err
	}
	for _, c := range reconnect {
		fmt.Fprintf(env.Stdout, "\n%s is not synced: %s\n", cleanCell(c.Name), cleanCell(c.Reconnect))
	}
	return nil
}

// needName is the usage message of a command that takes one connection's name and was given
// none, or more.
const needName = "give the connection's name"

// namedConnection reads the one connection name a command takes and finds that connection.
func namedConnection(ctx context.Context, env *Env, command string, args []string) (*core.Engine, core.Connection, error) {
	fs := flag.NewFlagSet(command, flag.ContinueOnError)
	pos, err := parseArgs(fs, args, oneArg(needName))
	if err != nil {
		return nil, core.Connection{}, err
	}
	eng, err := env.Engine(ctx)
	if err != nil {
		return nil, core.Connection{}, err
	}
	c, err := eng.ConnectionByName(ctx, pos[0])
	return eng, c, err
}

func runConnectionsRemove(ctx context.Context, env *Env, args []string) error {
	eng, c, err := namedConnection(ctx, env, "connections remove", args)
	if err != nil {
		return err
	}
	if err := eng.RemoveConnection(ctx, c.ID); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Removed %q and deleted its credentials. Its invoices and history stay in the books: adding the same store again picks them up.\n", c.Name)
	return nil
}

func runConnectionsTest(ctx context.Context, env *Env, args []string) error {
	eng, c, err := namedConnection(ctx, env, "connections test", args)
	if err != nil {
		return err
	}
	info, err := eng.TestConnection(ctx, c.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s answered: %s (%s %s), currency %s, stock location %s\n", c.Name, info.Name, info.Platform,
		info.Version, info.Currency, info.Location)
	if info.Details != "" {
		fmt.Fprintln(env.Stdout, info.Details)
	}
	return nil
}

func runSync(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	conn := fs.String("connection", "", "sync only this connection")
	all := fs.Bool("all-products", false, "reconcile the whole catalogue, not just what changed")
	orders := fs.String("orders", "", "sync only these order numbers (up to 100, comma-separated)")
	quiet := fs.Bool("quiet", false, "do not show progress")
	eng, err := flagsThenEngine(ctx, env, fs, args)
	if err != nil {
		return err
	}
	conns, err := eng.Connections(ctx)
	if err != nil {
		return err
	}
	if *conn != "" {
		c, err := eng.ConnectionByName(ctx, *conn)
		if err != nil {
			return err
		}
		conns = []core.Connection{c}
	}
	if len(conns) == 0 {
		return errors.New("no stores are connected: add one with \"mizan connections add\"")
	}
	req := core.SyncRequest{FullProducts: *all}
	if *all {
		req.Trigger = core.TriggerFull
	}
	if *orders != "" {
		for _, n := range strings.Split(*orders, ",") {
			if n = strings.TrimSpace(n); n != "" {
				req.OrderNumbers = append(req.OrderNumbers, n)
			}
		}
		req.Trigger = core.TriggerNumbers
	}
	failed := false
	for _, c := range conns {
		if !*quiet {
			last := ""
			req.Progress = func(p core.Progress) {
				if p.Phase != last {
					fmt.Fprintf(env.Stderr, "%s: %s…\n", p.Connection, p.Phase)
					last = p.Phase
				}
			}
		}
		start := time.Now()
		sum, err := eng.SyncNow(ctx, c.ID, req)
		if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			// Interrupted (Ctrl-C, SIGTERM): the run is recorded as cancelled; the other
			// connections are not started.
			fmt.Fprintf(env.Stdout, "%s: cancelled (run %d)\n", c.Name, sum.ID)
			return &ExitError{Code: exitError, Err: errors.New("cancelled")}
		}
		if err != nil {
			failed = true
			fmt.Fprintf(env.Stdout, "%s: failed: %v\n", c.Name, err)
			continue
		}
		fmt.Fprintf(env.Stdout, "%s: %s (run %d, %s, %.1fs)\n", c.Name, sum.Message, sum.ID, sum.Outcome, time.Since(start).Seconds())
		n := sum.Counts
		fmt.Fprintf(env.Stdout, "  products: %d imported, %d linked, %d updated; in the store: %d created, %d updated\n",
			n.ProductsCreated, n.ProductsLinked, n.ProductsUpdated, n.StoreCreated, n.StoreUpdated)
		fmt.Fprintf(env.Stdout, "  orders: %d seen, %d invoices, %d return invoices, %d clients created\n", n.OrdersSeen, n.Invoices, n.Returns, n.Clients)
		fmt.Fprintf(env.Stdout, "  stock: %d adjustments, %d levels pushed; %d warnings, %d errors\n", n.Adjustments, n.StockPushed, n.Warnings, n.Errors)
		if n.Errors > 0 || sum.Outcome == core.OutcomeFailed {
			failed = true
		}
	}
	if failed {
		return &ExitError{Code: exitError, Err: errors.New("some items failed: see \"mizan log\"")}
	}
	return nil
}

func runRuns(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("runs", flag.ContinueOnError)
	conn := fs.String("connection", "", "only this connection's runs")
	limit := fs.Int("limit", 20, "how many runs")
	eng, err := flagsThenEngine(ctx, env, fs, args)
	if err != nil {
		return err
	}
	var connID int64
	if *conn != "" {
		c, err := eng.ConnectionByName(ctx, *conn)
		if err != nil {
			return err
		}
		connID = c.ID
	}
	runs, err := eng.Runs(ctx, connID, *limit)
	if err != nil {
		return err
	}
	t := newTable(env.Stdout, "RUN", "CONNECTION", "STARTED", "TRIGGER", "OUTCOME", "SUMMARY")
	for _, r := range runs {
		t.row(strconv.FormatInt(r.ID, 10), r.Connection, r.StartedAt.In(env.loc()).Format("2006-01-02 15:04:05"), string(r.Trigger),
			string(r.Outcome), r.Message)
	}
	return t.flush()
}

func runLog(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("log", flag.ContinueOnError)
	run := fs.Int64("run", 0, "the run to show (default: the newest)")
	conn := fs.String("connection", "", "only this connection")
	level := fs.String("level", "", "only entries of this level: info, warning or error")
	search := fs.String("search", "", "only entries whose message or store reference contains this")
	eng, err := flagsThenEngine(ctx, env, fs, args, func() error {
		switch core.Level(*level) {
		case "", core.Info, core.Warning, core.Error:
			return nil
		}
		return Usagef("--level must be info, warning or error")
	})
	if err != nil {
		return err
	}
	f := core.LogFilter{RunID: *run, Level: core.Level(*level), Search: *search}
	if *conn != "" {
		c, err := eng.ConnectionByName(ctx, *conn)
		if err != nil {
			return err
		}
		f.ConnectionID = c.ID
	}
	if f.RunID == 0 {
		runs, err := eng.Runs(ctx, f.ConnectionID, 1)
		if err != nil {
			return err
		}
		if len(runs) == 0 {
			fmt.Fprintln(env.Stdout, "No sync has run yet.")
			return nil
		}
		f.RunID = runs[0].ID
	}
	entries, err := eng.Log(ctx, f)
	if err != nil {
		return err
	}
	t := newTable(env.Stdout, "TIME", "LEVEL", "KIND", "STORE REF", "MESSAGE")
	for _, en := range entries {
		t.row(en.At.In(env.loc()).Format("15:04:05"), string(en.Level), en.Kind, en.StoreRef, en.Message)
	}
	return t.flush()
}

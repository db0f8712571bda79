package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"time"

	"mizan/cmd/mizan/cli"
	"mizan/cmd/mizan/logs"
	"mizan/core"
	"mizan/platforms/salla"
	"mizan/platforms/shopify"
	"mizan/platforms/woocommerce"
	"mizan/platforms/zid"
	"mizan/storage"
)

// platforms lists the store platforms Mizan can connect to. A new platform is added here and
// nowhere else: the command line, the window and the demo all take their list from this one.
func platforms() core.Platforms {
	return core.NewPlatforms(
		shopify.Platform(),
		woocommerce.Platform(),
		salla.Platform(),
		zid.Platform(),
	)
}

// secrets is where the merchant's store credentials are kept: the OS keyring.
func secrets() core.Secrets { return core.NewKeyring() }

// The process's logger and HTTP client, set by setUp.
var (
	appLog  = slog.New(slog.DiscardHandler)
	appHTTP = newHTTPClient()
)

// newHTTPClient is the client every platform talks to its store with. Each request's own
// timeout and retries are the platform's (platforms/httpx); this sets the connection-level limits.
func newHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 15 * time.Second
	t.ResponseHeaderTimeout = 60 * time.Second
	t.MaxIdleConnsPerHost = 4
	return &http.Client{Transport: t}
}

// setUp opens the log file and gives the command line its platforms, keyring, HTTP client and
// logger. It returns what closes the log at exit. A log that cannot be opened is not fatal: the
// diagnostics then go to standard error.
//
// MIZAN_LOG_LEVEL (debug, info, warn, error) sets how much is logged; info unless set.
func setUp() (closeLog func()) {
	closeLog = func() {}
	level, err := logs.ParseLevel(os.Getenv("MIZAN_LOG_LEVEL"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "mizan:", err)
	}
	log, closer, err := logs.Open(logs.Dir(os.Getenv, runtime.GOOS), logs.Options{Level: level})
	if err != nil {
		fmt.Fprintln(os.Stderr, "mizan: no log file:", err)
		log = logs.New(os.Stderr, slog.LevelWarn)
	} else {
		closeLog = func() { closer.Close() }
	}
	appLog = log.With("pid", os.Getpid())
	cli.SetWiring(cli.Wiring{Platforms: platforms, Secrets: secrets, HTTPClient: appHTTP, Log: appLog, OpenBrowser: openBrowser})
	return closeLog
}

// newEngine builds the sync engine over the merchant's books: the platforms above, credentials
// in the OS keyring, the shared HTTP client and the log.
func newEngine(db *storage.DB) *core.Engine {
	return core.New(db, secrets(), platforms(), core.Options{HTTPClient: appHTTP, Log: appLog})
}

// openBrowser opens an address in the system's browser (connecting a store with OAuth). It only
// starts the opener, without waiting for the browser.
func openBrowser(addr string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", addr)
	case "darwin":
		cmd = exec.Command("open", addr)
	default:
		cmd = exec.Command("xdg-open", addr)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }()
	return nil
}

package storetest

import "sync/atomic"

// Traffic is what a test store keeps of its requests, and the faults it is to commit. Stores
// embed it; it is safe for concurrent use.
type Traffic struct {
	// Faults wait for the requests they match.
	Faults Queue
	api    atomic.Int64
	oauth  atomic.Int64
	paths  Counter
}

// CountAPI counts an API request to path; CountOAuth one to the OAuth server.
func (t *Traffic) CountAPI(path string) {
	t.api.Add(1)
	t.paths.Add(path)
}

func (t *Traffic) CountOAuth() { t.oauth.Add(1) }

// Requests counts the API requests, refused ones included; OAuthRequests the OAuth server's.
func (t *Traffic) Requests() int      { return int(t.api.Load()) }
func (t *Traffic) OAuthRequests() int { return int(t.oauth.Load()) }

// RequestsTo counts the API requests whose path starts with prefix.
func (t *Traffic) RequestsTo(prefix string) int { return t.paths.Prefix(prefix) }

// InjectFaults queues faults; ClearFaults drops those not yet used; PendingFaults counts them.
func (t *Traffic) InjectFaults(f ...Fault) { t.Faults.Inject(f...) }
func (t *Traffic) ClearFaults()            { t.Faults.Clear() }
func (t *Traffic) PendingFaults() int      { return t.Faults.Pending() }

package contract

import "mizan/platforms/storetest"

// StoreFaults is what a test store built on storetest commits for one of the suite's faults.
// products and orders are the path prefixes of its product and order pages, as the store names
// them for its faults. FaultNone gives nothing: the harness clears its store's queue.
func StoreFaults(kind Fault, products, orders string) []storetest.Fault {
	switch kind {
	case FaultThrottle:
		return []storetest.Fault{{Kind: storetest.Throttle, RetryAfter: 1}}
	case Fault429:
		return []storetest.Fault{{Kind: storetest.TooManyRequests, RetryAfter: 1}}
	case Fault500:
		return []storetest.Fault{{Kind: storetest.ServerError}}
	case FaultSlow:
		return []storetest.Fault{{Kind: storetest.Slow}}
	case FaultTruncated:
		return []storetest.Fault{{Kind: storetest.Truncated}}
	case FaultChangesMidPaging:
		return []storetest.Fault{{Kind: storetest.ChangesMidPaging, Path: orders}}
	case FaultErrorIn200:
		return []storetest.Fault{{Kind: storetest.CutJSON, Path: products}, {Kind: storetest.CutJSON, Path: orders, Times: 2}}
	case FaultProductsDown:
		return []storetest.Fault{{Kind: storetest.NotJSON, Path: products, Times: -1}}
	}
	return nil
}

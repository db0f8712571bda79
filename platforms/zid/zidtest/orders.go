package zidtest

import "net/http"

// routeOrders answers the order endpoints (under /v1/managers/store). Called with s.mu held.
func (s *Server) routeOrders(r *http.Request, parts []string) (answer, *apiError, bool) {
	return answer{}, nil, false
}

// changeOrder is the ChangesMidPaging fault: the order moves on a status.
func (s *Server) changeOrder(id int64) {}

package shopifytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"
)

const (
	invalidTokenBody = `{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}`
	rateLimitDocURL  = "https://shopify.dev/api/usage/rate-limits"
)

type graphqlRequest struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables"`
	OperationName string         `json:"operationName"`
}

func (s *Server) serveGraphQL(w http.ResponseWriter, r *http.Request, version string) {
	if s.opts.APIVersion != "" {
		version = s.opts.APIVersion
	}
	w.Header().Set("X-Shopify-API-Version", version)
	s.mu.Lock()
	s.stats.GraphQL++
	ok := s.authorized(r.Header.Get("X-Shopify-Access-Token"))
	if !ok {
		s.stats.Unauthorized++
	}
	s.mu.Unlock()
	if !ok {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, invalidTokenBody)
		return
	}
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"errors": "Method Not Allowed"})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"errors": map[string]any{"query": "Required parameter missing or invalid"}})
		return
	}
	var req graphqlRequest
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/graphql") {
		req.Query = string(body)
	} else {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&req); err != nil || strings.TrimSpace(req.Query) == "" {
			writeJSON(w, http.StatusBadRequest, map[string]any{"errors": map[string]any{"query": "Required parameter missing or invalid"}})
			return
		}
	}
	s.handleOperation(w, r, req, version)
}

func (s *Server) handleOperation(w http.ResponseWriter, r *http.Request, req graphqlRequest, version string) {
	req.Query = withoutGroupObjects(req.Query)
	// Validation.
	if s.opts.Schema != nil && !usesNewerRootField(req.Query) {
		if _, errs := gqlparser.LoadQuery(s.opts.Schema, withoutNewerDirectives(req.Query)); len(errs) > 0 {
			s.countInvalid()
			writeJSON(w, http.StatusOK, map[string]any{"errors": shopifyErrors(errs)})
			return
		}
	}
	doc, errs := gqlparser.LoadQuery(s.subset, req.Query)
	if len(errs) > 0 {
		s.countInvalid()
		out := shopifyErrors(errs)
		if s.opts.Schema != nil {
			for i := range out {
				out[i].Message = "shopifytest: valid for Shopify but not supported by the in-memory server: " + out[i].Message
				out[i].Extensions = map[string]any{"code": "NOT_SUPPORTED_BY_TEST_SERVER"}
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"errors": out})
		return
	}
	op, msg := selectOperation(doc, req.OperationName)
	if op == nil {
		s.countInvalid()
		writeJSON(w, http.StatusOK, map[string]any{"errors": []gqlError{{Message: msg}}})
		return
	}
	vars, verr := validator.VariableValues(s.subset, op, req.Variables)
	if verr != nil {
		s.countInvalid()
		writeJSON(w, http.StatusOK, map[string]any{"errors": []gqlError{{Message: "Variable " + verr.Error(), Extensions: map[string]any{"code": "INVALID_VARIABLE"}}}})
		return
	}
	roots := rootFieldNames(s.subset, doc, op, vars)

	s.mu.Lock()
	for _, n := range roots {
		s.stats.ByRootField[n]++
	}
	fault := s.takeFault(roots)
	if fault != nil {
		s.stats.Faults++
	}
	s.mu.Unlock()

	if fault != nil && s.answerFault(w, r, fault) {
		return
	}

	calc := &costCalc{schema: s.subset, doc: doc, vars: vars}
	requested := calc.operation(op)

	s.mu.Lock()
	now := s.opts.Now()
	s.bucket.refill(now)
	if requested > s.bucket.opts.SingleQueryMax {
		s.stats.MaxCost++
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"errors": []gqlError{{
			Message: fmt.Sprintf("Query cost is %d, which exceeds the single query max cost limit (%d).\n\n"+
				"See %s for more information on how the\ncost of a query is calculated.\n\n"+
				"To query larger amounts of data with fewer limits, bulk operations should be used instead.\n"+
				"See https://shopify.dev/api/usage/bulk-operations/queries for usage details.\n",
				requested, s.bucket.opts.SingleQueryMax, rateLimitDocURL),
			Extensions: map[string]any{"code": "MAX_COST_EXCEEDED", "cost": requested, "maxCost": s.bucket.opts.SingleQueryMax, "documentation": rateLimitDocURL},
		}}})
		return
	}
	if !s.opts.DisableRateLimit && s.bucket.available < float64(requested) {
		s.stats.Throttled++
		body := s.throttledBody(requested)
		s.mu.Unlock()
		if s.opts.ThrottleHTTPStatus == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "1")
		}
		writeJSON(w, s.opts.ThrottleHTTPStatus, body)
		return
	}
	if !s.opts.DisableRateLimit {
		s.bucket.available -= float64(requested)
	}
	ec := &execCtx{s: s, schema: s.subset, doc: doc, vars: vars, now: s.now(), version: version, fault: fault,
		host: requestOrigin(r)}
	data := s.execute(ec, op)
	actual := ec.cost
	if op.Operation == ast.Mutation {
		actual = requested
	}
	if actual > requested {
		actual = requested
	}
	if !s.opts.DisableRateLimit {
		s.bucket.available += float64(requested - actual)
	}
	s.stats.Executed++
	s.stats.CostSpent += actual
	s.stats.CostByRootField[strings.Join(roots, "+")] += actual
	resp := newOmap()
	if len(ec.errors) > 0 {
		resp.set("errors", ec.errors)
	}
	resp.set("data", data)
	resp.set("extensions", costExtension(requested, actual, s.bucket.status()))
	after := ec.afterRun
	s.mu.Unlock()

	for _, f := range after {
		f()
	}
	b, _ := marshalNoEscape(resp)
	if fault != nil && fault.Kind == FaultTruncated {
		// Promise the whole body, send half, and let the server drop the
		// connection: the client sees an unexpected EOF.
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", fmt.Sprint(len(b)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(b[:len(b)/2])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		panic(http.ErrAbortHandler)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// requestOrigin is scheme://host of a request to the server.
func requestOrigin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) countInvalid() {
	s.mu.Lock()
	s.stats.Invalid++
	s.mu.Unlock()
}

// throttledBody is the Admin API's answer to a query the bucket cannot pay
// for. Called with s.mu held.
func (s *Server) throttledBody(requested int) *omap {
	resp := newOmap()
	resp.set("errors", []gqlError{{Message: "Throttled", Extensions: map[string]any{"code": "THROTTLED", "documentation": rateLimitDocURL}}})
	resp.set("extensions", costExtension(requested, nil, s.bucket.status()))
	return resp
}

// execute runs op. Called with s.mu held.
func (s *Server) execute(ec *execCtx, op *ast.OperationDefinition) any {
	root := s.subset.Query
	if op.Operation == ast.Mutation {
		root = s.subset.Mutation
	}
	data, ok := ec.executeObject(root, nil, op.SelectionSet, nil, false)
	if !ok {
		return nil
	}
	return data
}

func selectOperation(doc *ast.QueryDocument, name string) (*ast.OperationDefinition, string) {
	if name != "" {
		if op := doc.Operations.ForName(name); op != nil {
			return op, ""
		}
		return nil, fmt.Sprintf("No operation named \"%s\"", name)
	}
	if len(doc.Operations) == 1 {
		return doc.Operations[0], ""
	}
	if len(doc.Operations) == 0 {
		return nil, "No operations in query document"
	}
	return nil, "An operation name is required"
}

func rootFieldNames(schema *ast.Schema, doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) []string {
	root := schema.Query
	if op.Operation == ast.Mutation {
		root = schema.Mutation
	}
	ec := &execCtx{schema: schema, doc: doc, vars: vars}
	var keys []string
	groups := map[string][]*ast.Field{}
	ec.collectFields(root.Name, op.SelectionSet, &keys, groups, map[string]bool{})
	seen := map[string]bool{}
	var out []string
	for _, k := range keys {
		n := groups[k][0].Name
		if !seen[n] && n != "__typename" {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

var (
	reUndefinedField = regexp.MustCompile(`^Cannot query field "([^"]+)" on type "([^"]+)"\.`)
	reUnknownArg     = regexp.MustCompile(`^Unknown argument "([^"]+)" on field "([^".]+)\.([^"]+)"\.`)
	reMissingArg     = regexp.MustCompile(`^Field "([^"]+)" argument "([^"]+)" of type "[^"]+" is required`)
)

// shopifyErrors converts validation errors to the messages and codes the
// Admin API uses for the most common mistakes; other messages pass through.
func shopifyErrors(errs gqlerror.List) []gqlError {
	out := make([]gqlError, 0, len(errs))
	for _, e := range errs {
		g := gqlError{Message: e.Message}
		for _, l := range e.Locations {
			g.Locations = append(g.Locations, errLocation{Line: l.Line, Column: l.Column})
		}
		if m := reUndefinedField.FindStringSubmatch(e.Message); m != nil {
			g.Message = fmt.Sprintf("Field '%s' doesn't exist on type '%s'", m[1], m[2])
			g.Extensions = map[string]any{"code": "undefinedField", "typeName": m[2], "fieldName": m[1]}
		} else if m := reUnknownArg.FindStringSubmatch(e.Message); m != nil {
			g.Message = fmt.Sprintf("Field '%s' doesn't accept argument '%s'", m[3], m[1])
			g.Extensions = map[string]any{"code": "argumentNotAccepted", "name": m[3], "typeName": "Field", "argumentName": m[1]}
		} else if m := reMissingArg.FindStringSubmatch(e.Message); m != nil {
			g.Message = fmt.Sprintf("Field '%s' is missing required arguments: %s", m[1], m[2])
			g.Extensions = map[string]any{"code": "missingRequiredArguments", "className": "Field", "name": m[1], "arguments": m[2]}
		} else if e.Rule != "" {
			g.Extensions = map[string]any{"code": e.Rule}
		}
		out = append(out, g)
	}
	return out
}

func costExtension(requested int, actual any, status *omap) *omap {
	c := newOmap()
	c.set("requestedQueryCost", requested)
	c.set("actualQueryCost", actual)
	c.set("throttleStatus", status)
	ext := newOmap()
	ext.set("cost", c)
	return ext
}

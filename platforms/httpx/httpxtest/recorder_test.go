package httpxtest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRecorderNotesWhatItReceives(t *testing.T) {
	r := &Recorder{Reply: `[]`}
	srv := httptest.NewServer(r)
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/x?key=k1", strings.NewReader("secret=s1"))
	req.Header.Set("X-Token", "t1")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got := r.Requests()
	if len(got) != 1 {
		t.Fatalf("recorded %d requests, want 1", len(got))
	}
	for _, want := range []string{"POST /x?key=k1", "X-Token: t1", "secret=s1"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("recorded %q, missing %q", got[0], want)
		}
	}
}

package zidtest

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// form posts a form to a manager endpoint, urlencoded or multipart.
func (c *client) form(path string, v url.Values, multi bool) (*http.Response, map[string]any) {
	c.t.Helper()
	var body bytes.Buffer
	ct := "application/x-www-form-urlencoded"
	if multi {
		w := multipart.NewWriter(&body)
		for k, vs := range v {
			for _, x := range vs {
				_ = w.WriteField(k, x)
			}
		}
		_ = w.Close()
		ct = w.FormDataContentType()
	} else {
		body.WriteString(v.Encode())
	}
	req, _ := http.NewRequest(http.MethodPost, c.hs.URL+path, &body)
	req.Header = c.headers(path)
	req.Header.Set("Content-Type", ct)
	return c.roundTrip(req)
}

// TestCategories: the manager's category list (every category, those under it inside it, ids
// as numbers, the name in the asked language beside both), categories made from a form (both
// names required, a name never twice, under a parent), and a product filed under one through
// the product endpoints (ids as text there), which the product then lists.
func TestCategories(t *testing.T) {
	c := start(t, Options{RateLimit: -1})
	pid, _ := c.s.AddProduct(ProductInput{Name: Names{Ar: "عسل سدر"}, SKU: "HON-1", Price: d("85"), Category: Names{Ar: "عسل", En: "Honey"}})
	honey := c.s.AddCategory(Names{Ar: "عسل", En: "Honey"}, "")

	resp, body := c.form("/v1/managers/store/categories/add", url.Values{"name[ar]": {"تمور"}, "name[en]": {"Dates"}}, false)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("create: %d %v", resp.StatusCode, body)
	}
	dates := obj(body["category"])
	if _, isNum := dates["id"].(json.Number); !isNum || obj(dates["names"])["en"] != "Dates" || dates["name"] != "تمور" {
		t.Fatalf("created %v", dates)
	}
	resp, body = c.form("/v1/managers/store/categories/add", url.Values{"name[ar]": {"سكري"}, "name[en]": {"Sukkari"},
		"parent_id": {string(dates["id"].(json.Number))}}, true)
	if resp.StatusCode != http.StatusOK || obj(body["category"])["parent_id"] != dates["id"] {
		t.Fatalf("a subcategory from a multipart form: %d %v", resp.StatusCode, body)
	}
	for _, tc := range []struct {
		desc  string
		form  url.Values
		field string
	}{
		{"no Arabic name", url.Values{"name[en]": {"Tea"}}, "name.ar"},
		{"no English name", url.Values{"name[ar]": {"شاي"}}, "name.en"},
		{"a name taken", url.Values{"name[ar]": {"قهوة"}, "name[en]": {"HONEY"}}, "name"},
		{"a subcategory's name taken", url.Values{"name[ar]": {"سكري"}, "name[en]": {"Sukkari dates"}}, "name"},
		{"no such parent", url.Values{"name[ar]": {"شاي"}, "name[en]": {"Tea"}, "parent_id": {"99"}}, "parent_id"},
	} {
		resp, body := c.form("/v1/managers/store/categories/add", tc.form, false)
		if resp.StatusCode != http.StatusUnprocessableEntity || obj(body["errors"])[tc.field] == nil {
			t.Errorf("%s: %d %v", tc.desc, resp.StatusCode, body)
		}
	}

	// The list: in English when asked, the subcategory inside its parent.
	req, _ := http.NewRequest(http.MethodGet, c.hs.URL+"/v1/managers/store/categories", nil)
	req.Header = c.headers("/v1/managers/store/categories")
	req.Header.Set("Accept-Language", "en")
	_, list := c.roundTrip(req)
	cats, _ := list["categories"].([]any)
	if len(cats) != 2 || obj(cats[0])["name"] != "Honey" || obj(cats[0])["products_count"] != json.Number("1") {
		t.Fatalf("categories %v", list)
	}
	subs, _ := obj(cats[1])["sub_categories"].([]any)
	if len(subs) != 1 || obj(subs[0])["name"] != "Sukkari" || obj(subs[0])["flat_name"] != "Dates - Sukkari" {
		t.Errorf("sub_categories %v", obj(cats[1]))
	}
	if short, _ := list["minimal_categories"].([]any); len(short) != 2 {
		t.Errorf("minimal_categories %v", list["minimal_categories"])
	}

	// Filing the product under Dates: the id as a number, as the docs send it; a second time
	// changes nothing; an unknown category is refused. The X-Manager-Token alone is not enough.
	path := "/v1/products/" + pid + "/categories/"
	for i := 0; i < 2; i++ {
		if resp, body := c.do(http.MethodPost, path, map[string]any{"id": dates["id"]}); resp.StatusCode != http.StatusCreated ||
			body["id"] != string(dates["id"].(json.Number)) || body["name"] != "تمور" {
			t.Fatalf("attach: %d %v", resp.StatusCode, body)
		}
	}
	if resp, body := c.do(http.MethodPost, path, map[string]any{"id": 99}); resp.StatusCode != http.StatusBadRequest || body["id"] == nil {
		t.Errorf("an unknown category: %d %v", resp.StatusCode, body)
	}
	h := c.headers("/v1/managers/store/categories")
	if resp, _ := c.send(http.MethodPost, path, h, map[string]any{"id": honey}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("attach with the manager's headers: %d", resp.StatusCode)
	}
	in, _ := c.s.Sellable(pid)
	if len(in.Categories) != 2 || in.Categories[1] != (Names{Ar: "تمور", En: "Dates"}) {
		t.Errorf("the product's categories %v", in.Categories)
	}
	p := c.get("/v1/products/" + pid + "/")
	if pc, _ := p["categories"].([]any); len(pc) != 2 || obj(obj(pc[1])["name"])["en"] != "Dates" {
		t.Errorf("the product lists %v", p["categories"])
	}
	if got := c.s.Categories(); len(got) != 3 || !strings.Contains(got[2].En, "Sukkari") {
		t.Errorf("Categories() %v", got)
	}

	// Taking it out of Honey: {} as the docs show it, the category kept; a second time, or a
	// category it is not in, is 404.
	out := path + honey + "/"
	if resp, body := c.do(http.MethodDelete, out, nil); resp.StatusCode != http.StatusOK || len(body) != 0 {
		t.Errorf("detach: %d %v", resp.StatusCode, body)
	}
	if resp, _ := c.do(http.MethodDelete, out, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("detach again: %d", resp.StatusCode)
	}
	if in, _ := c.s.Sellable(pid); len(in.Categories) != 1 || in.Categories[0].En != "Dates" || len(c.s.Categories()) != 3 {
		t.Errorf("after the detach: the product's categories %v, the store's %v", in.Categories, c.s.Categories())
	}
}

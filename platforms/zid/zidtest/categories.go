package zidtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// The store's categories, on the manager endpoints (X-Manager-Token):
//
//	GET  /v1/managers/store/categories      every category, each with those under it
//	POST /v1/managers/store/categories/add  a new one, from a form: name[ar] and name[en],
//	                                        description[ar|en] and parent_id optional
//
// and a product's, on the product endpoints (Access-Token, Store-Id, Role):
//
//	POST /v1/products/{id}/categories/      {"id": category id}: the product filed under it
//	DELETE /v1/products/{id}/categories/{category_id}/  the product taken out of it
const categoriesPath = "/v1/managers/store/categories"

// AddCategory adds a category (under the category parentID when it is not "") and returns its
// id; a category of these names is returned as it is.
func (s *Server) AddCategory(name Names, parentID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.category(names{ar: name.Ar, en: name.En})
	if p := s.st.categoryByID(parentID); p != nil && p != c {
		c.parent = p
	}
	return c.id
}

// Categories lists the store's categories' names, in the order they were made.
func (s *Server) Categories() []Names {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Names
	for _, c := range s.st.categories {
		out = append(out, Names{Ar: c.name.ar, En: c.name.en})
	}
	return out
}

func (st *state) categoryByID(id string) *category {
	for _, c := range st.categories {
		if id != "" && c.id == id {
			return c
		}
	}
	return nil
}

// routeCategories answers the manager's category endpoints; false when the path is not one.
func (s *Server) routeCategories(r *http.Request, path string) (answer, *apiError, bool) {
	switch strings.TrimSuffix(path, "/") {
	case categoriesPath:
		if r.Method != http.MethodGet {
			return answer{}, errorf(http.StatusMethodNotAllowed, "method_not_allowed", "The %s method is not supported for this route.", r.Method), true
		}
		return s.listCategories(r), nil, true
	case categoriesPath + "/add":
		if r.Method != http.MethodPost {
			return answer{}, errorf(http.StatusMethodNotAllowed, "method_not_allowed", "The %s method is not supported for this route.", r.Method), true
		}
		a, e := s.createCategory(r)
		return a, e, true
	}
	return answer{}, nil, false
}

// inLang is a name in the answer's language, or in the other when it has only that one.
func inLang(n names, lang string) string {
	if lang == "en" && n.en != "" || n.ar == "" {
		return n.en
	}
	return n.ar
}

// categoryDetail is a category as the manager endpoints write it: its id a number, its name in
// the answer's language beside both (names), the categories under it.
func (s *Server) categoryDetail(c *category, lang string) map[string]any {
	count := 0
	for _, p := range s.st.products {
		for _, x := range p.categories {
			if x == c {
				count++
			}
		}
	}
	id, _ := strconv.ParseInt(c.id, 10, 64)
	subs := []any{}
	for _, x := range s.st.categories {
		if x.parent == c {
			subs = append(subs, s.categoryDetail(x, lang))
		}
	}
	var parentID any
	flat := inLang(c.name, lang)
	if c.parent != nil {
		parentID, _ = strconv.ParseInt(c.parent.id, 10, 64)
		flat = inLang(c.parent.name, lang) + " - " + flat
	}
	slug := strings.ReplaceAll(c.name.text(), " ", "-")
	return map[string]any{"id": id, "uuid": uuid("category", int(id)), "name": inLang(c.name, lang), "slug": slug,
		"SEO_category_title": inLang(c.name, lang), "SEO_category_description": "", "names": c.name.json(), "description": nil,
		"url": "https://nakhla.zid.store/categories/" + c.id + "/" + slug, "image": nil, "image_full_size": nil, "img_alt_text": "",
		"products_count": count, "sub_categories": subs, "parent_id": parentID, "flat_name": flat, "is_published": true,
		"metafields": []any{}}
}

// listCategories answers GET /v1/managers/store/categories: every top-level category with those
// under it (sub_categories), the same in short (minimal_categories), and the store's product
// count. The list has no pages.
func (s *Server) listCategories(r *http.Request) answer {
	lang := lang(r)
	full, short := []any{}, []any{}
	var minimal func(c *category) map[string]any
	minimal = func(c *category) map[string]any {
		id, _ := strconv.ParseInt(c.id, 10, 64)
		m := map[string]any{"id": id, "uuid": uuid("category", int(id)), "name": inLang(c.name, lang), "is_published": true}
		var children []any
		for _, x := range s.st.categories {
			if x.parent == c {
				children = append(children, minimal(x))
			}
		}
		if len(children) > 0 {
			m["children"] = children
		}
		return m
	}
	for _, c := range s.st.categories {
		if c.parent == nil {
			full = append(full, s.categoryDetail(c, lang))
			short = append(short, minimal(c))
		}
	}
	n := 0
	for _, p := range s.st.products {
		if p.structure != "child" {
			n++
		}
	}
	return ok(map[string]any{"status": "object", "categories": full, "minimal_categories": short, "products_count": n,
		"message": map[string]any{"type": "object", "code": nil, "name": nil, "description": nil}})
}

// createCategory answers POST /v1/managers/store/categories/add, a form (urlencoded or
// multipart): name[ar] and name[en] are required, and a name may not be any category's
// already (in either language, letter case aside); parent_id files it under another.
func (s *Server) createCategory(r *http.Request) (answer, *apiError) {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(1 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		return answer{}, errorf(http.StatusBadRequest, "bad_request", "The form could not be read.")
	}
	n := names{ar: strings.TrimSpace(r.PostForm.Get("name[ar]")), en: strings.TrimSpace(r.PostForm.Get("name[en]"))}
	switch {
	case n.ar == "":
		return answer{}, invalid("name.ar", "The name.ar field is required.")
	case n.en == "":
		return answer{}, invalid("name.en", "The name.en field is required.")
	}
	for _, c := range s.st.categories {
		for _, have := range []string{c.name.ar, c.name.en} {
			if have != "" && (strings.EqualFold(have, n.ar) || strings.EqualFold(have, n.en)) {
				return answer{}, invalid("name", "The name has already been taken.")
			}
		}
	}
	var parent *category
	if v := strings.TrimSpace(r.PostForm.Get("parent_id")); v != "" {
		if parent = s.st.categoryByID(v); parent == nil {
			return answer{}, invalid("parent_id", "The selected parent id is invalid.")
		}
	}
	c := s.category(n)
	c.parent = parent
	return ok(map[string]any{"status": "object", "category": s.categoryDetail(c, lang(r)),
		"message": map[string]any{"type": "object", "code": nil, "name": nil, "description": nil}}), nil
}

// attachCategory answers POST /v1/products/{id}/categories/ with {"id": category id} (a
// number, or its digits as text): the product is filed under the category (once), and the
// answer is the category as the product endpoints show it, its name in the answer's language.
func (s *Server) attachCategory(r *http.Request, p *product) (answer, *apiError) {
	var b struct {
		ID json.RawMessage `json:"id"`
	}
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		return answer{}, errorf(http.StatusBadRequest, "bad_request", "JSON parse error.")
	}
	raw := strings.Trim(strings.TrimSpace(string(b.ID)), `"`)
	if raw == "" || raw == "null" {
		return answer{}, invalid("id", "This field is required.")
	}
	c := s.st.categoryByID(raw)
	if c == nil {
		return answer{}, invalid("id", "Invalid pk \"%s\" - object does not exist.", raw)
	}
	has := false
	for _, x := range p.categories {
		has = has || x == c
	}
	if !has {
		p.categories = append(p.categories, c)
		p.touch(s.clock.Now())
	}
	return answer{status: http.StatusCreated, body: map[string]any{"id": c.id, "name": inLang(c.name, lang(r)),
		"slug": strings.ReplaceAll(c.name.text(), " ", "-"), "description": "", "cover_image": nil, "image": nil,
		"display_order": 0, "meta": map[string]any{"childs": []any{}, "parents": []any{}}}}, nil
}

// detachCategory answers DELETE /v1/products/{id}/categories/{category_id}/: the product is
// taken out of the category (the category stays), and the answer is {} as the docs show it. A
// category the product is not filed under is 404, DRF's "Not found.".
func (s *Server) detachCategory(p *product, categoryID string) (answer, *apiError) {
	for i, c := range p.categories {
		if c.id == categoryID {
			p.categories = append(p.categories[:i:i], p.categories[i+1:]...)
			p.touch(s.clock.Now())
			return ok(map[string]any{}), nil
		}
	}
	return answer{}, notFound()
}

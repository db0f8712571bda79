package ui

// pager holds the rows of a long list read from the books in pages of pageSize rows, keeping the
// maxPages most recently used (the invoices, the stock documents). UI goroutine only.
type pager[T any] struct {
	gen     int // counts the searches: a page read for an older one is dropped
	count   int // the rows the search selects
	pages   map[int][]T
	used    []int // pages by last use, most recent last
	loading map[int]bool
}

// reset starts a search of count rows whose first page is first.
func (p *pager[T]) reset(count int, first []T) {
	p.count = count
	p.gen++
	p.pages = map[int][]T{0: first}
	p.used = []int{0}
	p.loading = map[int]bool{}
}

// get returns row i, whether it is loaded, and whether its page is known (loaded, even if short).
func (p *pager[T]) get(i int) (row T, ok, known bool) {
	if i < 0 {
		return row, false, true
	}
	page, known := p.pages[i/pageSize]
	if !known {
		return row, false, false
	}
	p.touch(i / pageSize)
	if j := i % pageSize; j < len(page) {
		return page[j], true, true
	}
	return row, false, true
}

func (p *pager[T]) touch(page int) {
	if len(p.used) > 0 && p.used[len(p.used)-1] == page {
		return
	}
	for i, u := range p.used {
		if u == page {
			p.used = append(p.used[:i], p.used[i+1:]...)
			break
		}
	}
	p.used = append(p.used, page)
}

// start marks a page as being read; false when it already is.
func (p *pager[T]) start(page int) bool {
	if p.loading[page] {
		return false
	}
	p.loading[page] = true
	return true
}

// failed forgets that a page of search gen is being read, so that it is asked for again.
func (p *pager[T]) failed(gen, page int) {
	if gen == p.gen {
		delete(p.loading, page)
	}
}

// put keeps a page read for search gen (a page of an older search is dropped), forgetting the
// least recently used beyond maxPages.
func (p *pager[T]) put(gen, page int, rows []T) {
	if gen != p.gen {
		return
	}
	delete(p.loading, page)
	p.pages[page] = rows
	p.touch(page)
	for len(p.used) > maxPages {
		delete(p.pages, p.used[0])
		p.used = p.used[1:]
	}
}

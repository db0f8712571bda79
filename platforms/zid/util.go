package zid

import "sort"

func sortStrings(v []string) { sort.Strings(v) }

package core

import "time"

var timeZero time.Time

// maxTime is later than any store time.
var maxTime = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

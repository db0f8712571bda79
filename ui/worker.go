package ui

import (
	"bytes"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
)

// worker runs the screens' database work off the UI goroutine, one job at a time and in the order
// asked, so results never race each other; jobs hand their results to widgets with fyne.Do.
// Idle waits for every queued job (and every pending debounced one) to finish; tests use it.
type worker struct {
	mu      sync.Mutex
	cond    *sync.Cond
	queue   []func()
	pending int // queued or running jobs, plus armed debounce timers
	closed  bool
}

func newWorker() *worker {
	w := &worker{}
	w.cond = sync.NewCond(&w.mu)
	go w.loop()
	return w
}

func (w *worker) loop() {
	for {
		w.mu.Lock()
		for len(w.queue) == 0 && !w.closed {
			w.cond.Wait()
		}
		if len(w.queue) == 0 {
			w.mu.Unlock()
			return
		}
		job := w.queue[0]
		w.queue = w.queue[1:]
		w.mu.Unlock()

		job()

		w.mu.Lock()
		w.pending--
		w.cond.Broadcast()
		w.mu.Unlock()
	}
}

// Go queues a job. Jobs queued after Close do not run.
func (w *worker) Go(job func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return
	}
	w.pending++
	w.queue = append(w.queue, job)
	w.cond.Broadcast()
}

// Idle blocks until no job is queued, running or waiting on a debounce timer.
func (w *worker) Idle() {
	w.mu.Lock()
	for w.pending > 0 {
		w.cond.Wait()
	}
	w.mu.Unlock()
}

// Close stops the worker once the queued jobs have run.
func (w *worker) Close() {
	w.mu.Lock()
	w.closed = true
	w.cond.Broadcast()
	w.mu.Unlock()
}

// debouncer queues a job on a worker once calls to Trigger have paused for the delay: typing a
// search runs one query for the word, not one per letter.
type debouncer struct {
	w     *worker
	delay time.Duration
	mu    sync.Mutex
	timer *time.Timer
}

func (d *debouncer) Trigger(job func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil && d.timer.Stop() {
		d.w.done() // the earlier call will not fire
	}
	d.w.arm()
	d.timer = time.AfterFunc(d.delay, func() {
		d.w.Go(job)
		d.w.done()
	})
}

func (w *worker) arm() {
	w.mu.Lock()
	w.pending++
	w.mu.Unlock()
}

func (w *worker) done() {
	w.mu.Lock()
	w.pending--
	w.cond.Broadcast()
	w.mu.Unlock()
}

// uiMu keeps two calls of uiDo from running at once. The app runs them one by one on the UI
// goroutine anyway; Fyne's test driver runs each at once on the goroutine that asks, so without
// it two background jobs could change the same widget together.
var uiMu sync.Mutex

// uiQueue holds uiDo's callbacks instead of running them when queueUI is set. Widget tests set
// it: Fyne's test driver has no UI goroutine and would run each callback at once on the
// background goroutine that asked, racing the test's own taps and typing; queued, they run on the
// test's goroutine when it waits for the screens (App.Idle), as they would on a real UI goroutine.
// The app's callbacks wait in it too until the app's event loop has started (started): before
// that, Fyne runs a callback at once on the goroutine that asks, racing the window being built.
var uiQueue struct {
	sync.Mutex
	fs      []func()
	started bool
	// stopped: the event loop has ended (the app is quitting). Fyne then runs a callback at once on
	// the goroutine that asks; late results for a closing window are dropped instead.
	stopped bool
}

// queueUI makes uiDo queue its callbacks for drainUI (widget tests only).
var queueUI bool

// uiDo hands f to the UI goroutine (fyne.Do). f must not call uiDo itself.
func uiDo(f func()) {
	uiQueue.Lock()
	if uiQueue.stopped && !queueUI {
		uiQueue.Unlock()
		return
	}
	if queueUI || !uiQueue.started {
		uiQueue.fs = append(uiQueue.fs, f)
		uiQueue.Unlock()
		return
	}
	uiQueue.Unlock()
	fyne.Do(func() {
		if !onUIGoroutine() {
			return // the event loop has ended: Fyne runs late callbacks on the asking goroutine
		}
		uiMu.Lock()
		defer uiMu.Unlock()
		f()
	})
}

// uiGoroutine is the goroutine of the app's event loop, recorded when it starts.
var uiGoroutine atomic.Uint64

// onUIGoroutine reports whether the caller runs on the event loop's goroutine.
func onUIGoroutine() bool { return goroutineID() == uiGoroutine.Load() }

// goroutineID is the calling goroutine's number, as the runtime prints it in a stack trace.
func goroutineID() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseUint(string(b), 10, 64)
	return id
}

// uiLoopStopped is called when the app's event loop ends.
func uiLoopStopped() {
	uiQueue.Lock()
	uiQueue.stopped = true
	uiQueue.fs = nil
	uiQueue.Unlock()
}

// uiLoopStarted is called once the app's event loop runs: the callbacks that waited for it are
// handed to it, in order, and later ones go to it directly.
func uiLoopStarted() {
	uiQueue.Lock()
	if queueUI || uiQueue.started {
		uiQueue.Unlock()
		return
	}
	uiQueue.started = true
	uiGoroutine.Store(goroutineID()) // Fyne calls OnStarted on the event loop's goroutine
	fs := uiQueue.fs
	uiQueue.fs = nil
	uiQueue.Unlock()
	if len(fs) == 0 {
		return
	}
	fyne.Do(func() {
		uiMu.Lock()
		defer uiMu.Unlock()
		for _, f := range fs {
			f()
		}
	})
}

// drainUI runs the queued callbacks on the calling goroutine, oldest first, until none are left.
// It reports whether it ran any.
func drainUI() bool {
	ran := false
	for {
		uiQueue.Lock()
		fs := uiQueue.fs
		uiQueue.fs = nil
		uiQueue.Unlock()
		if len(fs) == 0 {
			return ran
		}
		for _, f := range fs {
			f()
		}
		ran = true
	}
}

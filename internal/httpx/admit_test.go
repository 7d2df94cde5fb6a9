package httpx_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/httpx"
)

// TestAdmitInTurn: with more requests than Admit lets in, each waits for
// its turn and the turns go in the order the requests came, none passed by
// a later one; a request whose client gives up leaves the queue, and
// static files pass at once.
func TestAdmitInTurn(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	var order []int
	h := httpx.Admit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hold" {
			<-release
			return
		}
		n, err := strconv.Atoi(r.URL.Query().Get("n"))
		if err != nil {
			return // a static file
		}
		mu.Lock()
		order = append(order, n)
		mu.Unlock()
	}), 1)
	serve := func(ctx context.Context, path string) int {
		req := httptest.NewRequest("GET", path, nil).WithContext(ctx)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	ctx := context.Background()
	held := make(chan struct{})
	go func() { close(held); serve(ctx, "/hold") }()
	<-held
	time.Sleep(20 * time.Millisecond)

	// static files and the health check are not held up
	if c := serve(ctx, "/static/app.css"); c != http.StatusOK {
		t.Errorf("static: %d", c)
	}
	// one that gives up while waiting leaves the queue
	gone, cancel := context.WithCancel(ctx)
	goneDone := make(chan int)
	go func() { goneDone <- serve(gone, "/?n=-1") }()
	time.Sleep(20 * time.Millisecond)
	const waiting = 20
	var wg sync.WaitGroup
	for i := range waiting {
		wg.Add(1)
		go func() { defer wg.Done(); serve(ctx, "/?n="+strconv.Itoa(i)) }()
		time.Sleep(20 * time.Millisecond) // in the queue before the next comes
	}
	cancel()
	if c := <-goneDone; c != http.StatusServiceUnavailable {
		t.Errorf("a request given up: %d, want 503", c)
	}
	close(release)
	wg.Wait()
	want := make([]int, waiting)
	for i := range want {
		want[i] = i
	}
	if !slices.Equal(order, want) {
		t.Errorf("served in the order %v, want the order they came %v", order, want)
	}
}

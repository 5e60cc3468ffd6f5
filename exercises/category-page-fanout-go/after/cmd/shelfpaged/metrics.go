package main

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"
)

// dependencyMetrics counts calls, errors and total latency per dependency. Pages call
// ObserveDependency from many goroutines at once.
type dependencyMetrics struct {
	mu    sync.Mutex
	calls map[string]*callStats
}

type callStats struct {
	calls, errors int
	total         time.Duration
}

func newDependencyMetrics() *dependencyMetrics {
	return &dependencyMetrics{calls: map[string]*callStats{}}
}

func (m *dependencyMetrics) ObserveDependency(dependency string, took time.Duration, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st, ok := m.calls[dependency]
	if !ok {
		st = &callStats{}
		m.calls[dependency] = st
	}
	st.calls++
	st.total += took
	if err != nil {
		st.errors++
	}
}

// ServeHTTP writes one line per dependency: calls, errors and mean latency in milliseconds.
func (m *dependencyMetrics) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	names := make([]string, 0, len(m.calls))
	for name := range m.calls {
		names = append(names, name)
	}
	sort.Strings(names)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	for _, name := range names {
		st := m.calls[name]
		fmt.Fprintf(w, "%s calls=%d errors=%d mean_ms=%.1f\n",
			name, st.calls, st.errors, float64(st.total.Milliseconds())/float64(st.calls))
	}
}

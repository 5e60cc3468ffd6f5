package holds

// Proofs for the stock hold exercise: each test fails on after/ and passes on fixed/.
// This file is copied into the holds package of the tree under test, so it can set the
// store's clock.

import (
	"errors"
	"sync"
	"testing"
	"time"
)

// TestConcurrentReservesNeverOversell: two shoppers reserve the last unit at the same moment.
// The clock the store reads while building a hold is a barrier: it waits (at most 300 ms) until
// both shoppers are inside Reserve. Where the availability check and the claim are one
// critical section, the second shopper never gets that far and the wait simply times out;
// where they are two, both have already seen one free unit, every time.
func TestConcurrentReservesNeverOversell(t *testing.T) {
	s := NewStore(map[string]int{"boot-42": 1}, 10*time.Minute)
	var mu sync.Mutex
	arrived := 0
	both := make(chan struct{})
	s.now = func() time.Time {
		mu.Lock()
		arrived++
		if arrived == 2 {
			close(both)
		}
		mu.Unlock()
		select {
		case <-both:
		case <-time.After(300 * time.Millisecond):
		}
		return time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)
	}

	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, errs[i] = s.Reserve("boot-42", 1)
		}(i)
	}
	wg.Wait()

	granted := 0
	for _, err := range errs {
		if err == nil {
			granted++
		} else if !errors.Is(err, ErrOutOfStock) {
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if granted != 1 {
		t.Fatalf("%d holds granted for 1 unit on the shelf (available now %d): the last unit is sold twice",
			granted, s.Available("boot-42"))
	}
}

// TestConfirmAfterExpiryIsRefused: a shopper's payment completes after their hold expired and
// the janitor gave the unit to someone else. Confirming the expired hold must fail, so that
// checkout does not take the money for a unit it no longer has; a retried confirmation of a
// live hold still succeeds.
func TestConfirmAfterExpiryIsRefused(t *testing.T) {
	clock := time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)
	s := NewStore(map[string]int{"boot-42": 1}, 10*time.Minute)
	s.now = func() time.Time { return clock }

	slow, err := s.Reserve("boot-42", 1)
	if err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(11 * time.Minute)
	if n := s.ReleaseExpired(); n != 1 {
		t.Fatalf("janitor released %d holds, want 1", n)
	}
	fast, err := s.Reserve("boot-42", 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Confirm(fast.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Confirm(fast.ID); err != nil {
		t.Fatalf("a retried confirmation failed: %v", err)
	}

	if err := s.Confirm(slow.ID); err == nil {
		t.Fatalf("confirming the expired hold %s succeeded: two orders paid for 1 unit (shelf now %d)",
			slow.ID, s.stock["boot-42"])
	}
}

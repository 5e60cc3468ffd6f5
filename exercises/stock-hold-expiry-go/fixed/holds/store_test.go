package holds

import (
	"errors"
	"testing"
	"time"
)

func TestReserveConfirmRelease(t *testing.T) {
	s := NewStore(map[string]int{"boot-42": 2}, 10*time.Minute)
	a, err := s.Reserve("boot-42", 1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Reserve("boot-42", 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reserve("boot-42", 1); !errors.Is(err, ErrOutOfStock) {
		t.Fatalf("third hold: got %v, want ErrOutOfStock", err)
	}
	if err := s.Confirm(a.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Release(b.ID); err != nil {
		t.Fatal(err)
	}
	if got := s.Available("boot-42"); got != 1 {
		t.Fatalf("available after one sale of two: %d", got)
	}
}

func TestConfirmIsIdempotent(t *testing.T) {
	s := NewStore(map[string]int{"boot-42": 1}, 10*time.Minute)
	h, _ := s.Reserve("boot-42", 1)
	if err := s.Confirm(h.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Confirm(h.ID); err != nil {
		t.Fatalf("a retried confirmation failed: %v", err)
	}
	if got := s.Available("boot-42"); got != 0 {
		t.Fatalf("a retry sold the unit twice: available %d", got)
	}
}

func TestExpiredHoldsAreReleased(t *testing.T) {
	clock := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	s := NewStore(map[string]int{"boot-42": 3}, 10*time.Minute)
	s.now = func() time.Time { return clock }
	if _, err := s.Reserve("boot-42", 2); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(9 * time.Minute)
	if n := s.ReleaseExpired(); n != 0 {
		t.Fatalf("released %d holds before their time", n)
	}
	clock = clock.Add(time.Minute)
	if n := s.ReleaseExpired(); n != 1 {
		t.Fatalf("released %d holds at expiry, want 1", n)
	}
	if got := s.Available("boot-42"); got != 3 {
		t.Fatalf("available after expiry: %d", got)
	}
}

package holds

import (
	"errors"
	"testing"
)

func TestReserveConfirmRelease(t *testing.T) {
	s := NewStore(map[string]int{"boot-42": 2})
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

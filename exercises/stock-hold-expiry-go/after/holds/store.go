// Package holds keeps stock holds for checkout: a hold takes units out of the sellable count
// while the shopper pays, and is then confirmed (the units are sold) or released. A hold that
// is neither confirmed nor released within its time to live expires: the janitor gives its
// units back.
package holds

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

var (
	// ErrOutOfStock: fewer units are free than the hold asks for.
	ErrOutOfStock = errors.New("not enough stock")
	// ErrUnknownHold: no open hold has this id.
	ErrUnknownHold = errors.New("unknown hold")
)

// Hold is a claim on Qty units of SKU until ExpiresAt.
type Hold struct {
	ID        string
	SKU       string
	Qty       int
	ExpiresAt time.Time
}

// Store holds the stock of one fulfilment centre. It is safe for concurrent use.
type Store struct {
	mu    sync.Mutex
	stock map[string]int // units on the shelf, held or not
	held  map[string]int // units claimed by open holds
	holds map[string]Hold
	seq   uint64
	ttl   time.Duration
	now   func() time.Time
}

// NewStore starts from the given units on the shelf per SKU; holds expire after ttl.
func NewStore(stock map[string]int, ttl time.Duration) *Store {
	s := &Store{stock: map[string]int{}, held: map[string]int{}, holds: map[string]Hold{}, ttl: ttl, now: time.Now}
	for sku, units := range stock {
		s.stock[sku] = units
	}
	return s
}

// Available is the number of units of sku that a new hold can still claim.
func (s *Store) Available(sku string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stock[sku] - s.held[sku]
}

func (s *Store) nextID() string {
	return fmt.Sprintf("h-%d", atomic.AddUint64(&s.seq, 1))
}

// Reserve claims qty units of sku for the store's time to live, or fails with ErrOutOfStock.
// The lock is taken only to update the maps, so a slow clock or a sweep in progress does not
// hold up every checkout.
func (s *Store) Reserve(sku string, qty int) (Hold, error) {
	if qty <= 0 {
		return Hold{}, fmt.Errorf("quantity must be positive, got %d", qty)
	}
	if s.Available(sku) < qty {
		return Hold{}, ErrOutOfStock
	}
	h := Hold{ID: s.nextID(), SKU: sku, Qty: qty, ExpiresAt: s.now().Add(s.ttl)}
	s.mu.Lock()
	s.held[sku] += qty
	s.holds[h.ID] = h
	s.mu.Unlock()
	return h, nil
}

// Confirm turns a hold into a sale: its units leave the shelf. The payment service retries a
// confirmation that timed out, so confirming a hold that is already confirmed succeeds.
func (s *Store) Confirm(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.holds[id]
	if !ok {
		return nil // already confirmed: a retry must not fail the order
	}
	delete(s.holds, id)
	s.held[h.SKU] -= h.Qty
	s.stock[h.SKU] -= h.Qty
	return nil
}

// Release gives a hold's units back (the payment failed or the shopper left).
func (s *Store) Release(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.holds[id]
	if !ok {
		return ErrUnknownHold
	}
	delete(s.holds, id)
	s.held[h.SKU] -= h.Qty
	return nil
}

// ReleaseExpired releases every hold whose time is up and says how many it released.
func (s *Store) ReleaseExpired() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	released := 0
	for id, h := range s.holds {
		if !now.Before(h.ExpiresAt) {
			delete(s.holds, id)
			s.held[h.SKU] -= h.Qty
			released++
		}
	}
	return released
}

// StartJanitor releases expired holds every interval until ctx is done.
func (s *Store) StartJanitor(ctx context.Context, every time.Duration) {
	go func() {
		ticker := time.NewTicker(every)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
				s.ReleaseExpired()
			}
		}
	}()
}

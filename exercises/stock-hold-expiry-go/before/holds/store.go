// Package holds keeps stock holds for checkout: a hold takes units out of the sellable count
// while the shopper pays, and is then confirmed (the units are sold) or released.
package holds

import (
	"errors"
	"fmt"
	"sync"
)

var (
	// ErrOutOfStock: fewer units are free than the hold asks for.
	ErrOutOfStock = errors.New("not enough stock")
	// ErrUnknownHold: no open hold has this id.
	ErrUnknownHold = errors.New("unknown hold")
)

// Hold is a claim on Qty units of SKU.
type Hold struct {
	ID  string
	SKU string
	Qty int
}

// Store holds the stock of one fulfilment centre. It is safe for concurrent use.
type Store struct {
	mu    sync.Mutex
	stock map[string]int // units on the shelf, held or not
	held  map[string]int // units claimed by open holds
	holds map[string]Hold
	seq   int
}

// NewStore starts from the given units on the shelf per SKU.
func NewStore(stock map[string]int) *Store {
	s := &Store{stock: map[string]int{}, held: map[string]int{}, holds: map[string]Hold{}}
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

// Reserve claims qty units of sku, or fails with ErrOutOfStock.
func (s *Store) Reserve(sku string, qty int) (Hold, error) {
	if qty <= 0 {
		return Hold{}, fmt.Errorf("quantity must be positive, got %d", qty)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stock[sku]-s.held[sku] < qty {
		return Hold{}, ErrOutOfStock
	}
	s.seq++
	h := Hold{ID: fmt.Sprintf("h-%d", s.seq), SKU: sku, Qty: qty}
	s.held[sku] += qty
	s.holds[h.ID] = h
	return h, nil
}

// Confirm turns a hold into a sale: its units leave the shelf.
func (s *Store) Confirm(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.holds[id]
	if !ok {
		return ErrUnknownHold
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

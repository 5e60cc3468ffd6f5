package shelfpage

// Proofs for the category page exercise: each test fails on after/ and passes on fixed/.
// This file is copied into the shelfpage package of the tree under test.

import (
	"context"
	"errors"
	"io"
	"log"
	"testing"
	"time"
)

// hungPricing is a pricing service that has stopped answering: a quote returns only when
// its context ends.
type hungPricing struct{ started chan struct{} }

func (h hungPricing) Quote(ctx context.Context, _ string) (Money, error) {
	h.started <- struct{}{}
	<-ctx.Done()
	return 0, ctx.Err()
}

type inStock struct{}

func (inStock) Units(context.Context, string) (int, error) { return 5, nil }

// TestHungPricingDoesNotHoldThePageForever: the pricing service hangs. The request context
// has no deadline of its own (net/http gives a request none), so the only deadline a quote
// can have is the one Build gives it. With PricingTimeout at 20 ms, Build must give up and
// report the failure; the test allows it 5 s, 250 times the budget.
func TestHungPricingDoesNotHoldThePageForever(t *testing.T) {
	pricing := hungPricing{started: make(chan struct{}, 1)}
	a := NewAssembler(pricing, inStock{}, Config{PricingTimeout: 20 * time.Millisecond}, log.New(io.Discard, "", 0))

	done := make(chan error, 1)
	go func() {
		_, err := a.Build(context.Background(), []string{"kettle"})
		done <- err
	}()
	<-pricing.started
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("Build succeeded without a price")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a quote to a hung pricing service was still waiting after 5 s: its context has no deadline, " +
			"so every page request (and its goroutines) waits as long as pricing does")
	}
}

// orderedPricing fails the quote for "toaster" and answers "kettle" only after the toaster's
// goroutine has reported its failure to Observe, which Build calls after it has stored the
// quote's result. So the kettle's result is stored after the toaster's, every time.
type orderedPricing struct{ toasterObserved chan struct{} }

var errNoPrice = errors.New("pricing: no price for toaster")

func (o orderedPricing) Quote(_ context.Context, sku string) (Money, error) {
	if sku == "toaster" {
		return 0, errNoPrice
	}
	select {
	case <-o.toasterObserved:
	case <-time.After(5 * time.Second):
	}
	return 3499, nil
}

// TestFailedQuoteIsNeverLost: one quote fails and another succeeds after it. Build must
// still fail (the page is never shown without a price), whatever order the goroutines end in.
func TestFailedQuoteIsNeverLost(t *testing.T) {
	pricing := orderedPricing{toasterObserved: make(chan struct{})}
	observe := func(dependency string, _ time.Duration, err error) {
		if dependency == "pricing" && errors.Is(err, errNoPrice) {
			close(pricing.toasterObserved)
		}
	}
	a := NewAssembler(pricing, inStock{}, Config{Observe: observe}, log.New(io.Discard, "", 0))

	lines, err := a.Build(context.Background(), []string{"toaster", "kettle"})
	if err == nil {
		t.Fatalf("the toaster's failed quote was overwritten by the kettle's success: page served as %+v", lines)
	}
}

type downStock struct{}

func (downStock) Units(context.Context, string) (int, error) {
	return 0, errors.New("stock: 503 Service Unavailable")
}

type fixedPricing struct{}

func (fixedPricing) Quote(context.Context, string) (Money, error) { return 3499, nil }

// TestStockOutageKeepsAddToCart: the stock service is down. The page is still served, as the
// change intends, and its products must stay buyable: Buyable false renders "Currently
// unavailable" with no Add to cart button, which would stop every sale while stock is down.
func TestStockOutageKeepsAddToCart(t *testing.T) {
	a := NewAssembler(fixedPricing{}, downStock{}, Config{}, log.New(io.Discard, "", 0))
	lines, err := a.Build(context.Background(), []string{"kettle", "mug"})
	if err != nil {
		t.Fatalf("a stock outage failed the page: %v", err)
	}
	for _, l := range lines {
		if !l.Buyable {
			t.Fatalf("%s is shown as \"Currently unavailable\" because the stock service is down", l.SKU)
		}
	}
}

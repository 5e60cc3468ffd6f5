// Package shelfpage assembles category pages for the storefront: the products of one shelf,
// each with its current price and whether the shopper can add it to the cart.
package shelfpage

import (
	"context"
	"fmt"
	"log"
	"sync"
	"time"
)

// Money is an amount in cents.
type Money int64

// Pricing quotes the current price of a SKU. The HTTP client behind it has no timeout of its
// own: its deadline is the one in ctx.
type Pricing interface {
	Quote(ctx context.Context, sku string) (Money, error)
}

// Stock says how many units of a SKU the fulfilment network can sell now. Like Pricing, it
// takes its deadline from ctx.
type Stock interface {
	Units(ctx context.Context, sku string) (int, error)
}

// Line is one product on a page. Buyable decides what the storefront shows: true renders the
// Add to cart button, false renders "Currently unavailable" and no button. Checkout places a
// stock hold before payment, so Buyable is what the shopper sees, not a promise of stock.
type Line struct {
	SKU     string `json:"sku"`
	Price   Money  `json:"price_cents"`
	Buyable bool   `json:"buyable"`
}

// Config holds the page's time budgets and its fan-out.
type Config struct {
	PricingTimeout time.Duration // for each price quote
	StockTimeout   time.Duration // for each stock lookup
	MaxInFlight    int           // lookups one page runs at once
	// Observe records the latency and the outcome of each call, for the dependency dashboards.
	Observe func(dependency string, took time.Duration, err error)
}

// Assembler builds pages from the pricing and stock services.
type Assembler struct {
	pricing Pricing
	stock   Stock
	cfg     Config
	log     *log.Logger
}

// NewAssembler returns an Assembler; zero budgets and a zero fan-out get the defaults.
func NewAssembler(p Pricing, s Stock, cfg Config, logger *log.Logger) *Assembler {
	if cfg.PricingTimeout <= 0 {
		cfg.PricingTimeout = 300 * time.Millisecond
	}
	if cfg.StockTimeout <= 0 {
		cfg.StockTimeout = 300 * time.Millisecond
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 8
	}
	if cfg.Observe == nil {
		cfg.Observe = func(string, time.Duration, error) {}
	}
	return &Assembler{pricing: p, stock: s, cfg: cfg, log: logger}
}

// Build returns one line per SKU, in the order given. A page is never shown without prices:
// if any quote fails, Build fails. Stock is best effort: a line whose stock lookup fails is
// still shown, with its price.
//
// The SKUs are looked up concurrently, at most cfg.MaxInFlight at a time. Each quote has
// cfg.PricingTimeout and ends with the request: the pricing client has no timeout of its own.
func (a *Assembler) Build(ctx context.Context, skus []string) ([]Line, error) {
	var (
		wg    sync.WaitGroup
		errs  = make([]error, len(skus)) // one per goroutine: none writes another's
		lines = make([]Line, len(skus))
		slots = make(chan struct{}, a.cfg.MaxInFlight)
	)
	for i, sku := range skus {
		wg.Add(1)
		go func(i int, sku string) {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()

			qctx, cancel := context.WithTimeout(ctx, a.cfg.PricingTimeout)
			defer cancel()
			started := time.Now()
			lines[i].SKU = sku
			lines[i].Price, errs[i] = a.pricing.Quote(qctx, sku)
			a.cfg.Observe("pricing", time.Since(started), errs[i])
			if errs[i] != nil {
				return
			}
			lines[i].Buyable = a.buyable(ctx, sku)
		}(i, sku)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("pricing: %w", err)
		}
	}
	return lines, nil
}

// buyable looks up the stock of sku within cfg.StockTimeout. A failed lookup is logged and
// does not fail the page.
func (a *Assembler) buyable(ctx context.Context, sku string) bool {
	sctx, cancel := context.WithTimeout(ctx, a.cfg.StockTimeout)
	defer cancel()
	started := time.Now()
	units, err := a.stock.Units(sctx, sku)
	a.cfg.Observe("stock", time.Since(started), err)
	if err != nil {
		a.log.Printf("stock of %s: %v (line shown without it)", sku, err)
		return true // unknown is not "unavailable": checkout's stock hold has the last word
	}
	return units > 0
}

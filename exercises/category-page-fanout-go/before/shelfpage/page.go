// Package shelfpage assembles category pages for the storefront: the products of one shelf,
// each with its current price and whether the shopper can add it to the cart.
package shelfpage

import (
	"context"
	"fmt"
	"log"
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

// Config holds the page's time budgets.
type Config struct {
	PricingTimeout time.Duration // for each price quote
	StockTimeout   time.Duration // for each stock lookup
}

// Assembler builds pages from the pricing and stock services.
type Assembler struct {
	pricing Pricing
	stock   Stock
	cfg     Config
	log     *log.Logger
}

// NewAssembler returns an Assembler; zero budgets get the defaults.
func NewAssembler(p Pricing, s Stock, cfg Config, logger *log.Logger) *Assembler {
	if cfg.PricingTimeout <= 0 {
		cfg.PricingTimeout = 300 * time.Millisecond
	}
	if cfg.StockTimeout <= 0 {
		cfg.StockTimeout = 300 * time.Millisecond
	}
	return &Assembler{pricing: p, stock: s, cfg: cfg, log: logger}
}

// Build returns one line per SKU, in the order given. A page is never shown without prices:
// if any quote fails, Build fails.
func (a *Assembler) Build(ctx context.Context, skus []string) ([]Line, error) {
	lines := make([]Line, 0, len(skus))
	for _, sku := range skus {
		line, err := a.line(ctx, sku)
		if err != nil {
			return nil, err
		}
		lines = append(lines, line)
	}
	return lines, nil
}

func (a *Assembler) line(ctx context.Context, sku string) (Line, error) {
	qctx, cancel := context.WithTimeout(ctx, a.cfg.PricingTimeout)
	defer cancel()
	price, err := a.pricing.Quote(qctx, sku)
	if err != nil {
		return Line{}, fmt.Errorf("price of %s: %w", sku, err)
	}

	sctx, cancelStock := context.WithTimeout(ctx, a.cfg.StockTimeout)
	defer cancelStock()
	units, err := a.stock.Units(sctx, sku)
	if err != nil {
		return Line{}, fmt.Errorf("stock of %s: %w", sku, err)
	}
	return Line{SKU: sku, Price: price, Buyable: units > 0}, nil
}

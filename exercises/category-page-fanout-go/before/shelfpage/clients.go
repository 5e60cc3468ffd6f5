package shelfpage

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// httpJSON GETs base+path and decodes the JSON answer into out. The client has no timeout:
// the request ends when ctx does.
func httpJSON(ctx context.Context, base, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// PricingClient quotes prices from the pricing service.
type PricingClient struct{ base string }

// NewPricingClient returns a client for the pricing service at base.
func NewPricingClient(base string) *PricingClient { return &PricingClient{base: base} }

// Quote implements Pricing.
func (c *PricingClient) Quote(ctx context.Context, sku string) (Money, error) {
	var body struct {
		Cents int64 `json:"cents"`
	}
	if err := httpJSON(ctx, c.base, "/quote/"+url.PathEscape(sku), &body); err != nil {
		return 0, err
	}
	return Money(body.Cents), nil
}

// StockClient reads sellable units from the stock service.
type StockClient struct{ base string }

// NewStockClient returns a client for the stock service at base.
func NewStockClient(base string) *StockClient { return &StockClient{base: base} }

// Units implements Stock.
func (c *StockClient) Units(ctx context.Context, sku string) (int, error) {
	var body struct {
		Units int `json:"units"`
	}
	if err := httpJSON(ctx, c.base, "/units/"+url.PathEscape(sku), &body); err != nil {
		return 0, err
	}
	return body.Units, nil
}

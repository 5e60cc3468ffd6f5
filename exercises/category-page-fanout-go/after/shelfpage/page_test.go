package shelfpage

import (
	"context"
	"errors"
	"io"
	"log"
	"testing"
)

type fakePricing map[string]Money

func (f fakePricing) Quote(_ context.Context, sku string) (Money, error) {
	p, ok := f[sku]
	if !ok {
		return 0, errors.New("no price")
	}
	return p, nil
}

type fakeStock map[string]int

func (f fakeStock) Units(_ context.Context, sku string) (int, error) {
	return f[sku], nil
}

func quietLogger() *log.Logger { return log.New(io.Discard, "", 0) }

func TestBuildKeepsOrderAndMarksBuyable(t *testing.T) {
	a := NewAssembler(fakePricing{"kettle": 3499, "mug": 899}, fakeStock{"kettle": 4}, Config{}, quietLogger())
	lines, err := a.Build(context.Background(), []string{"kettle", "mug"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Line{{SKU: "kettle", Price: 3499, Buyable: true}, {SKU: "mug", Price: 899, Buyable: false}}
	for i := range want {
		if lines[i] != want[i] {
			t.Fatalf("line %d: got %+v, want %+v", i, lines[i], want[i])
		}
	}
}

func TestBuildFailsWithoutPrice(t *testing.T) {
	a := NewAssembler(fakePricing{"kettle": 3499}, fakeStock{}, Config{}, quietLogger())
	if _, err := a.Build(context.Background(), []string{"toaster"}); err == nil {
		t.Fatal("a page was built with a missing price")
	}
}

type failingStock struct{}

func (failingStock) Units(context.Context, string) (int, error) { return 0, errors.New("stock: 503") }

func TestStockFailureDoesNotFailThePage(t *testing.T) {
	a := NewAssembler(fakePricing{"kettle": 3499, "mug": 899}, failingStock{}, Config{}, quietLogger())
	lines, err := a.Build(context.Background(), []string{"kettle", "mug"})
	if err != nil {
		t.Fatalf("a stock outage failed the page: %v", err)
	}
	if lines[0].Price != 3499 || lines[1].Price != 899 {
		t.Fatalf("prices lost: %+v", lines)
	}
}

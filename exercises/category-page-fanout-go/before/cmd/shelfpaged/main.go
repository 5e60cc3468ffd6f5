// Command shelfpaged serves category pages for the storefront.
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
	"time"

	"example.test/shelfpage/shelfpage"
)

func main() {
	addr := flag.String("addr", ":8090", "listen address")
	pricingURL := flag.String("pricing", "http://pricing.internal", "pricing service base URL")
	stockURL := flag.String("stock", "http://stock.internal", "stock service base URL")
	pricingTimeout := flag.Duration("pricing-timeout", 300*time.Millisecond, "deadline of one price quote")
	stockTimeout := flag.Duration("stock-timeout", 300*time.Millisecond, "deadline of one stock lookup")
	flag.Parse()

	logger := log.New(os.Stderr, "shelfpaged ", log.LstdFlags)
	a := shelfpage.NewAssembler(
		shelfpage.NewPricingClient(*pricingURL),
		shelfpage.NewStockClient(*stockURL),
		shelfpage.Config{PricingTimeout: *pricingTimeout, StockTimeout: *stockTimeout},
		logger,
	)
	srv := &http.Server{Addr: *addr, Handler: shelfpage.Handler(a), ReadHeaderTimeout: 5 * time.Second}
	logger.Printf("listening on %s", *addr)
	logger.Fatal(srv.ListenAndServe())
}

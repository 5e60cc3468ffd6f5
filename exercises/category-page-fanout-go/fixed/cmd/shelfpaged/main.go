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
	maxInFlight := flag.Int("max-in-flight", 8, "lookups one page runs at once")
	flag.Parse()

	logger := log.New(os.Stderr, "shelfpaged ", log.LstdFlags)
	metrics := newDependencyMetrics()
	a := shelfpage.NewAssembler(
		shelfpage.NewPricingClient(*pricingURL),
		shelfpage.NewStockClient(*stockURL),
		shelfpage.Config{
			PricingTimeout: *pricingTimeout,
			StockTimeout:   *stockTimeout,
			MaxInFlight:    *maxInFlight,
			Observe:        metrics.ObserveDependency,
		},
		logger,
	)
	mux := http.NewServeMux()
	mux.Handle("/page", shelfpage.Handler(a))
	mux.Handle("/metrics", metrics) // scraped from inside the cluster; the storefront proxies /page only
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	logger.Printf("listening on %s", *addr)
	logger.Fatal(srv.ListenAndServe())
}

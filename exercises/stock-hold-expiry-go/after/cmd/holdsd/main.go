// Command holdsd serves stock holds for checkout.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"example.test/stockholds/holds"
)

func main() {
	addr := flag.String("addr", ":8085", "listen address")
	stockFile := flag.String("stock", "stock.json", `units per SKU, e.g. {"boot-42": 12}`)
	ttl := flag.Duration("hold-ttl", 10*time.Minute, "how long a hold lasts unless confirmed or released")
	sweep := flag.Duration("sweep", 30*time.Second, "how often expired holds are released")
	flag.Parse()
	if *ttl <= 0 || *sweep <= 0 {
		log.Fatalf("-hold-ttl and -sweep must be positive (got %s and %s)", *ttl, *sweep)
	}

	raw, err := os.ReadFile(*stockFile)
	if err != nil {
		log.Fatal(err)
	}
	var stock map[string]int
	if err := json.Unmarshal(raw, &stock); err != nil {
		log.Fatalf("%s: %v", *stockFile, err)
	}
	store := holds.NewStore(stock, *ttl)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	store.StartJanitor(ctx, *sweep)

	srv := &http.Server{Addr: *addr, Handler: holds.Handler(store), ReadHeaderTimeout: 5 * time.Second}
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Printf("holdsd listening on %s (holds last %s)", *addr, *ttl)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
	<-drained // Shutdown returns once in-flight requests have finished (or after 10 s)
}

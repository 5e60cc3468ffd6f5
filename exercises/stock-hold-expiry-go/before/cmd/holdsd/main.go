// Command holdsd serves stock holds for checkout.
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"os"
	"time"

	"example.test/stockholds/holds"
)

func main() {
	addr := flag.String("addr", ":8085", "listen address")
	stockFile := flag.String("stock", "stock.json", `units per SKU, e.g. {"boot-42": 12}`)
	flag.Parse()

	raw, err := os.ReadFile(*stockFile)
	if err != nil {
		log.Fatal(err)
	}
	var stock map[string]int
	if err := json.Unmarshal(raw, &stock); err != nil {
		log.Fatalf("%s: %v", *stockFile, err)
	}
	store := holds.NewStore(stock)

	srv := &http.Server{Addr: *addr, Handler: holds.Handler(store), ReadHeaderTimeout: 5 * time.Second}
	log.Printf("holdsd listening on %s", *addr)
	log.Fatal(srv.ListenAndServe())
}

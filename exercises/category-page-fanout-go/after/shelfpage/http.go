package shelfpage

import (
	"encoding/json"
	"net/http"
	"strings"
)

// MaxSKUs is the most products one page request may ask for.
const MaxSKUs = 48

// Handler serves GET /page?skus=a,b,c -> 200 {"lines": [...]} | 400 | 503 when prices are
// unavailable (the storefront then shows its "try again" page).
func Handler(a *Assembler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		skus := strings.Split(r.URL.Query().Get("skus"), ",")
		if len(skus) == 0 || skus[0] == "" || len(skus) > MaxSKUs {
			http.Error(w, "skus: between 1 and 48 comma-separated SKUs", http.StatusBadRequest)
			return
		}
		lines, err := a.Build(r.Context(), skus)
		if err != nil {
			a.log.Printf("page %v: %v", skus, err)
			http.Error(w, "prices unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string][]Line{"lines": lines})
	})
}

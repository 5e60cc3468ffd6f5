package holds

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
)

type reserveRequest struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
}

// Handler serves the hold API that checkout calls:
//
//	POST   /holds               {"sku": ..., "qty": ...} -> 201 {"id": ..., "expires_at": ...} | 409 out of stock
//	POST   /holds/{id}/confirm  -> 204 (also when already confirmed) | 404 expired or unknown
//	DELETE /holds/{id}          -> 204 | 404
func Handler(s *Store) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/holds", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		var req reserveRequest
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
			http.Error(w, "bad request body", http.StatusBadRequest)
			return
		}
		h, err := s.Reserve(req.SKU, req.Qty)
		switch {
		case errors.Is(err, ErrOutOfStock):
			http.Error(w, err.Error(), http.StatusConflict)
			return
		case err != nil:
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]string{
			"id":         h.ID,
			"expires_at": h.ExpiresAt.UTC().Format(time.RFC3339),
		})
	})
	mux.HandleFunc("/holds/", func(w http.ResponseWriter, r *http.Request) {
		rest := strings.TrimPrefix(r.URL.Path, "/holds/")
		var err error
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(rest, "/confirm"):
			err = s.Confirm(strings.TrimSuffix(rest, "/confirm"))
		case r.Method == http.MethodDelete && !strings.Contains(rest, "/"):
			err = s.Release(rest)
		default:
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

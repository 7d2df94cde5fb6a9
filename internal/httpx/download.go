package httpx

import (
	"mime"
	"net/http"
	"strconv"
)

// ServeFile sends stored bytes as a download. The content type is the one
// checked at upload; nosniff and attachment keep a browser from running it.
func ServeFile(w http.ResponseWriter, name, contentType string, data []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(data)
}

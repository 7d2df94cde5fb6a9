package httpx

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/errs"
)

// Upload declares that a route takes files. Only such routes accept a file
// part or a body larger than FormMaxBytes; their callers' role is checked
// before a byte of the body is read; the router reads the form itself
// (files beyond UploadMemory into temporary files) and removes those files
// when the handler returns — the standard library would clean only the
// request it was given, not the copy that carries the user.
type Upload struct {
	Perm     auth.Permission // what the caller's role must grant
	MaxBytes int64           // the whole body; DefaultUploadBytes if zero
}

// The bounds on request bodies.
const (
	// FormMaxBytes bounds the body of every route that takes no file: the
	// longest form is a pasted plan (2 MB of text).
	FormMaxBytes = 4 << 20
	// DefaultUploadBytes bounds an upload: two sheets at the sheet
	// reader's limit (a restructuring's list and mapping), and the form.
	DefaultUploadBytes = 65 << 20
	// UploadMemory is how much of an upload's files is held in memory;
	// the rest waits in temporary files.
	UploadMemory = 4 << 20
)

// readBody bounds the body before anyone reads it, and reads a multipart
// form here (so that its temporary files are removed however the handler
// ends). A route that takes no file refuses one; an upload is refused to
// a role that may not send it before its body is touched.
func readBody(w http.ResponseWriter, req *http.Request, rt Route, u *auth.User) error {
	limit, memory := int64(FormMaxBytes), int64(FormMaxBytes)
	if up := rt.Upload; up != nil {
		if u == nil || !u.Actor().Can(up.Perm) {
			return errs.ForbiddenErr()
		}
		limit, memory = DefaultUploadBytes, UploadMemory
		if up.MaxBytes > 0 {
			limit = up.MaxBytes
		}
	}
	if req.ContentLength > limit {
		return tooLarge(limit)
	}
	req.Body = http.MaxBytesReader(w, req.Body, limit)
	if ct, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type")); ct != "multipart/form-data" {
		return nil
	}
	if err := req.ParseMultipartForm(memory); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge(limit)
		}
		return errs.Invalidf("upload.err.unreadable").Because(err)
	}
	if rt.Upload == nil && len(req.MultipartForm.File) > 0 {
		return errs.Invalidf("upload.err.no_files")
	}
	return nil
}

func tooLarge(limit int64) error {
	return errs.Invalidf("upload.err.too_large", "MB", errs.Count(limit>>20))
}

// FileBytes reads an uploaded file of the request whole, refusing one
// larger than max before reading it, and returns it with the name its
// sender gave it. The buffer is the file's size, never more.
func FileBytes(r *http.Request, field string, max int64) ([]byte, string, error) {
	f, h, err := r.FormFile(field)
	if err != nil {
		return nil, "", errs.Invalidf("import.err.no_file").At(0, field)
	}
	defer f.Close()
	if h.Size > max {
		return nil, "", errs.Invalidf("upload.err.file_too_large", "MB", errs.Count(max>>20)).At(0, field)
	}
	data := make([]byte, h.Size)
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, "", errs.Invalidf("upload.err.unreadable").At(0, field).Because(err)
	}
	return data, strings.TrimSpace(h.Filename), nil
}

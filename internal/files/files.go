// Package files keeps uploaded evidence (certificates, photos, scanned
// decisions) in the database, each tied to the unit whose evidence it is, so
// that reading one is checked against the reader's scope like any record.
package files

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
)

// MaxSize is the largest evidence file accepted.
const MaxSize = 10 << 20

// Kind is an accepted type of evidence: the extension and what the bytes
// must look like.
type Kind struct {
	Ext         string
	ContentType string
}

// Evidence are the file types accepted as evidence: documents and photos.
var Evidence = []Kind{
	{".pdf", "application/pdf"},
	{".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"},
	{".png", "image/png"},
	{".webp", "image/webp"},
	{".docx", "application/zip"}, {".xlsx", "application/zip"},
}

// File is a stored file's record.
type File struct {
	ID          int64     `json:"id"`
	SHA256      string    `json:"sha256"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	UnitID      int64     `json:"unit_id"`
	UploadedBy  int64     `json:"uploaded_by,omitempty"`
	UploadedAt  time.Time `json:"uploaded_at"`
}

// Store saves and reads files.
type Store struct {
	DB    *db.DB
	Org   *org.Service
	Audit *audit.Log
	Now   func() time.Time
}

// Check reads an upload fully (up to MaxSize) and checks its type against
// kinds by extension and by content, so a renamed executable is refused.
func Check(name string, r io.Reader, kinds []Kind) ([]byte, string, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, "", errs.Invalidf("files.err.unreadable").Because(err)
	}
	if len(data) == 0 {
		return nil, "", errs.Invalidf("files.err.empty")
	}
	if len(data) > MaxSize {
		return nil, "", errs.Invalidf("files.err.too_large", "MB", MaxSize>>20)
	}
	ext := strings.ToLower(filepath.Ext(name))
	sniffed := http.DetectContentType(data)
	for _, k := range kinds {
		if k.Ext == ext && strings.HasPrefix(sniffed, k.ContentType) {
			ct := k.ContentType
			if ct == "application/zip" { // name the office type, not the container
				ct = map[string]string{".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
					".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[ext]
			}
			return data, ct, nil
		}
	}
	var exts []string
	for _, k := range kinds {
		exts = append(exts, k.Ext)
	}
	return nil, "", errs.Invalidf("files.err.bad_type", "Allowed", strings.Join(exts, ", "))
}

// SaveTx stores checked data as evidence of unit, in the caller's
// transaction (so the file and the record that cites it commit together).
// The caller has already checked the actor may write for that unit.
func (s *Store) SaveTx(ctx context.Context, tx *sql.Tx, actor *auth.Actor, unitID int64, name, contentType string, data []byte) (*File, error) {
	sum := sha256.Sum256(data)
	f := &File{SHA256: hex.EncodeToString(sum[:]), Name: cleanName(name), ContentType: contentType, Size: int64(len(data)),
		UnitID: unitID, UploadedBy: actor.UserID, UploadedAt: s.Now().UTC()}
	var by any
	if actor.UserID != 0 {
		by = actor.UserID
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO files (sha256, name, content_type, size, data, unit_id, uploaded_by, uploaded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, f.SHA256, f.Name, f.ContentType, f.Size, data, unitID, by, f.UploadedAt).Scan(&f.ID)
	if err != nil {
		return nil, fmt.Errorf("save file: %w", err)
	}
	if err := s.Audit.Write(ctx, tx, actor.Who(), audit.Entry{Action: "file.upload", Entity: "file", EntityID: fmt.Sprint(f.ID), UnitID: unitID, After: f}); err != nil {
		return nil, err
	}
	return f, nil
}

// cleanName keeps the base name a user gave, without paths or controls.
func cleanName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = locale.CleanString(name)
	if name == "" || name == "." || name == "/" {
		return "file"
	}
	if len(name) > 200 {
		name = name[len(name)-200:]
	}
	return name
}

// Open returns a file and its bytes if the actor's scope covers its unit.
func (s *Store) Open(ctx context.Context, actor *auth.Actor, id int64) (*File, []byte, error) {
	f := &File{}
	var data []byte
	var by sql.NullInt64
	err := s.DB.QueryRowContext(ctx, `SELECT id, sha256, name, content_type, size, data, unit_id, uploaded_by, uploaded_at FROM files WHERE id = $1`, id).
		Scan(&f.ID, &f.SHA256, &f.Name, &f.ContentType, &f.Size, &data, &f.UnitID, &by, &f.UploadedAt)
	if db.IsNoRows(err) {
		return nil, nil, errs.NotFoundErr()
	}
	if err != nil {
		return nil, nil, err
	}
	f.UploadedBy = by.Int64
	t, err := s.Org.For(ctx, actor)
	if err != nil {
		return nil, nil, err
	}
	if err := t.Check(f.UnitID); err != nil {
		return nil, nil, err
	}
	return f, data, nil
}

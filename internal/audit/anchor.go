package audit

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/mangluoi/mangluoi/internal/db"
)

// A Checkpoint is the head of the chain at a moment, signed with a key the
// database does not hold and written to a file outside it. Whoever can
// rewrite the database — drop the triggers, delete the last entries and
// set the head back, or forge an entry and re-hash every one after it —
// cannot make the chain give a signed head again: `mangluoi audit verify`
// finds the difference and says from which entry the log can no longer be
// trusted. Issued reports print the latest checkpoint, so a copy on paper
// vouches for the log up to it.
type Checkpoint struct {
	Seq  int64     `json:"seq"`
	Hash string    `json:"hash"`
	At   time.Time `json:"at"`
	// Restored marks the head of a database brought back from a backup:
	// the checkpoints before it of later entries were of entries lost with
	// the restore.
	Restored bool   `json:"restored,omitempty"`
	Sig      string `json:"sig"` // Ed25519 over message(), base64
}

func (c Checkpoint) message() []byte {
	kind := "head"
	if c.Restored {
		kind = "restored"
	}
	return fmt.Appendf(nil, "mangluoi audit checkpoint v1\n%s\n%d\n%s\n%s\n", kind, c.Seq, c.Hash, c.At.UTC().Format(TimeLayout))
}

// String is the checkpoint as a report prints it.
func (c Checkpoint) String() string {
	return fmt.Sprintf("#%d %s %s sig %s", c.Seq, c.Hash, c.At.UTC().Format(time.RFC3339), c.Sig)
}

// Anchor signs checkpoints and appends them to its file. One anchor per
// process; several servers on one database each keep their own file (or
// share one on a local disk: each line is written whole, with O_APPEND).
type Anchor struct {
	// Public is the key that verifies the checkpoints: publish it with
	// the reports.
	Public ed25519.PublicKey

	key  ed25519.PrivateKey
	path string
	now  func() time.Time

	mu   sync.Mutex
	last *Checkpoint
}

// OpenAnchor loads the signing key from keyFile — making one, readable by
// its owner only, if the file does not exist — and the last checkpoint
// of the file at checkpoints.
func OpenAnchor(keyFile, checkpoints string, now func() time.Time) (*Anchor, error) {
	key, err := loadKey(keyFile)
	if err != nil {
		return nil, err
	}
	a := &Anchor{Public: key.Public().(ed25519.PublicKey), key: key, path: checkpoints, now: now}
	cps, _, err := ReadCheckpoints(checkpoints, a.Public)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if len(cps) > 0 {
		a.last = &cps[len(cps)-1]
	}
	return a, nil
}

func loadKey(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("audit key: %w", err)
		}
		if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
			f.Close()
			return nil, err
		}
		return key, f.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("audit key %s: not a PEM file", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("audit key %s: %w", path, err)
	}
	key, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("audit key %s: not an Ed25519 key", path)
	}
	return key, nil
}

// Head reads the chain's head: the last entry's number and hash.
func Head(ctx context.Context, q db.Querier) (seq int64, hash string, err error) {
	err = q.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash)
	return seq, hash, err
}

// Checkpoint signs the head as it is now and appends it to the file,
// unless the head has not moved since the last one, which it returns.
func (a *Anchor) Checkpoint(ctx context.Context, q db.Querier) (Checkpoint, error) {
	seq, hash, err := Head(ctx, q)
	if err != nil {
		return Checkpoint{}, err
	}
	return a.sign(Checkpoint{Seq: seq, Hash: hash})
}

// MarkRestored records, signed, that the database was brought back from a
// backup whose head is seq and hash: later checkpoints of higher entries
// describe entries that the restore undid.
func (a *Anchor) MarkRestored(ctx context.Context, q db.Querier) (Checkpoint, error) {
	seq, hash, err := Head(ctx, q)
	if err != nil {
		return Checkpoint{}, err
	}
	return a.sign(Checkpoint{Seq: seq, Hash: hash, Restored: true})
}

func (a *Anchor) sign(c Checkpoint) (Checkpoint, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if l := a.last; l != nil && !c.Restored && l.Seq == c.Seq && l.Hash == c.Hash {
		return *l, nil
	}
	c.At = a.now().UTC().Truncate(time.Microsecond)
	c.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(a.key, c.message()))
	line, err := json.Marshal(c)
	if err != nil {
		return c, err
	}
	f, err := os.OpenFile(a.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return c, fmt.Errorf("audit checkpoints: %w", err)
	}
	_, err = f.Write(append(line, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return c, fmt.Errorf("audit checkpoints: %w", err)
	}
	a.last = &c
	return c, nil
}

// Latest is the last checkpoint written or read, and whether there is one:
// what an issued report prints (its number, head hash and signature).
func (a *Anchor) Latest() (Checkpoint, bool) {
	if a == nil {
		return Checkpoint{}, false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.last == nil {
		return Checkpoint{}, false
	}
	return *a.last, true
}

// Run writes a checkpoint every interval while ctx lives (when the head
// has moved), and a last one when it ends.
func (a *Anchor) Run(ctx context.Context, q db.Querier, every time.Duration, log *slog.Logger) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			if _, err := a.Checkpoint(context.Background(), q); err != nil {
				log.Error("audit checkpoint", "err", err)
			}
			return
		case <-tick.C:
			if _, err := a.Checkpoint(ctx, q); err != nil && ctx.Err() == nil {
				log.Error("audit checkpoint", "err", err)
			}
		}
	}
}

// ReadCheckpoints reads a checkpoint file in order. A line that is not a
// checkpoint signed by pub is reported as a problem (the file was edited)
// and left out.
func ReadCheckpoints(path string, pub ed25519.PublicKey) ([]Checkpoint, []Problem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var out []Checkpoint
	var problems []Problem
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		var c Checkpoint
		var sig []byte
		err := json.Unmarshal(sc.Bytes(), &c)
		if err == nil {
			sig, err = base64.StdEncoding.DecodeString(c.Sig)
		}
		if err != nil || len(sig) != ed25519.SignatureSize || !ed25519.Verify(pub, c.message(), sig) {
			problems = append(problems, Problem{c.Seq, fmt.Sprintf("line %d of the checkpoint file is not a checkpoint signed by this key", line)})
			continue
		}
		out = append(out, c)
	}
	return out, problems, sc.Err()
}

package auth

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"strings"
	"sync"
	"unicode"

	"github.com/mangluoi/mangluoi/internal/errs"
)

// The limits of a password. The longest bounds the work of hashing one.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256
)

// commonPasswords is the list Django ships with (BSD-3-Clause, Django
// Software Foundation): the 20,000 most common passwords of public breach
// corpora, lower-cased and deduplicated, compiled by Royce Williams
// (gist roycewilliams/281ce539915a947a23db17137d91aeb7); taken from
// Debian's python3-django 3:3.2.25-0+deb12u7
// (django/contrib/auth/common-passwords.txt.gz). Update it by replacing
// the file with a newer release's.
//
//go:embed common-passwords.txt.gz
var commonPasswordsGz []byte

// commonPasswordsVi adds passwords common in Vietnam.
//
//go:embed common-passwords.vi.txt
var commonPasswordsVi []byte

var common = sync.OnceValue(func() map[string]bool {
	m := make(map[string]bool, 20_100)
	add := func(b []byte) {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if w := strings.TrimSpace(sc.Text()); w != "" && !strings.HasPrefix(w, "#") {
				m[w] = true
			}
		}
	}
	zr, err := gzip.NewReader(bytes.NewReader(commonPasswordsGz))
	if err != nil {
		panic("auth: the common password list is damaged: " + err.Error())
	}
	var plain bytes.Buffer
	if _, err := plain.ReadFrom(zr); err != nil {
		panic("auth: the common password list is damaged: " + err.Error())
	}
	add(plain.Bytes())
	add(commonPasswordsVi)
	return m
})

// CheckPasswordPolicy says what is wrong with a new password for an
// account, or nil: too short or too long, the login itself or holding it,
// one of the common or breached passwords, a character repeated or a run
// of the keyboard or alphabet (aaaaaaaaaa, 0123456789, ten spaces).
func CheckPasswordPolicy(login, password string) *errs.Error {
	n := len([]rune(password))
	switch {
	case n < MinPasswordLen:
		return errs.Invalidf("auth.err.short_password", "Min", MinPasswordLen).At(0, "password")
	case n > MaxPasswordLen:
		return errs.Invalidf("auth.err.long_password", "Max", MaxPasswordLen).At(0, "password")
	}
	folded := strings.ToLower(strings.TrimSpace(password))
	login = strings.ToLower(strings.TrimSpace(login))
	if login != "" && (folded == login || (len(login) >= 4 && strings.Contains(folded, login))) {
		return errs.Invalidf("auth.err.password_has_login").At(0, "password")
	}
	if common()[folded] || common()[strings.TrimRightFunc(folded, unicode.IsDigit)] {
		return errs.Invalidf("auth.err.common_password").At(0, "password")
	}
	if weak(folded) {
		return errs.Invalidf("auth.err.weak_password").At(0, "password")
	}
	return nil
}

// weak reports a password of fewer than four different characters, or
// that only steps up or down by one (abcdefghij, 9876543210).
func weak(p string) bool {
	distinct := map[rune]bool{}
	rs := []rune(p)
	step := 0
	run := true
	for i, r := range rs {
		distinct[r] = true
		if i > 0 {
			d := int(r) - int(rs[i-1])
			if (d != 1 && d != -1) || (step != 0 && d != step) {
				run = false
			}
			step = d
		}
	}
	return len(distinct) < 4 || run
}

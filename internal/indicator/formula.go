package indicator

import (
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/mangluoi/mangluoi/internal/errs"
)

// Formula is a parsed arithmetic expression over other indicators' codes:
// DOSSIER_ONLINE / DOSSIER_ALL * 100. It is evaluated at each node of the
// tree from the parts' aggregated values, so a rate of a province is its
// summed numerator over its summed denominator, never an average of its
// communes' rates.
type Formula struct {
	src  string
	root *fnode
}

type fnode struct {
	op   byte // 0 number, 'v' variable, '+', '-', '*', '/', 'n' negate
	num  float64
	code string
	l, r *fnode
}

// ParseFormula reads an expression of numbers, indicator codes (letters,
// digits, _ and ., starting with a letter), + - * / and parentheses.
func ParseFormula(src string) (*Formula, error) {
	p := &fparser{src: src}
	p.next()
	n, err := p.expr()
	if err == nil && p.tok != "" {
		err = p.fail()
	}
	if err != nil {
		return nil, err
	}
	return &Formula{src: strings.TrimSpace(src), root: n}, nil
}

// String is the expression as written.
func (f *Formula) String() string { return f.src }

// Codes lists the indicators the formula uses, each once, in order.
func (f *Formula) Codes() []string {
	var out []string
	seen := map[string]bool{}
	var walk func(n *fnode)
	walk = func(n *fnode) {
		if n == nil {
			return
		}
		if n.op == 'v' && !seen[n.code] {
			seen[n.code] = true
			out = append(out, n.code)
		}
		walk(n.l)
		walk(n.r)
	}
	walk(f.root)
	return out
}

// Eval computes the formula; get gives a part's value (ok=false when it has
// none). A missing part, a division by zero or an infinite result gives
// ok=false: "no value", never 0 or infinity.
func (f *Formula) Eval(get func(code string) (float64, bool)) (float64, bool) {
	v, ok := f.root.eval(get)
	if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

func (n *fnode) eval(get func(string) (float64, bool)) (float64, bool) {
	switch n.op {
	case 0:
		return n.num, true
	case 'v':
		return get(n.code)
	case 'n':
		v, ok := n.l.eval(get)
		return -v, ok
	}
	a, ok := n.l.eval(get)
	if !ok {
		return 0, false
	}
	b, ok := n.r.eval(get)
	if !ok {
		return 0, false
	}
	switch n.op {
	case '+':
		return a + b, true
	case '-':
		return a - b, true
	case '*':
		return a * b, true
	}
	if b == 0 {
		return 0, false
	}
	return a / b, true
}

type fparser struct {
	src string
	pos int
	tok string
}

func (p *fparser) fail() error {
	return errs.Invalidf("indicator.err.bad_formula", "Formula", p.src, "Pos", p.pos).At(0, "formula")
}

// next reads the next token: a number, a code, or one operator character.
func (p *fparser) next() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
	if p.pos >= len(p.src) {
		p.tok = ""
		return
	}
	start := p.pos
	c := rune(p.src[p.pos])
	switch {
	case c >= '0' && c <= '9' || c == '.':
		for p.pos < len(p.src) && (p.src[p.pos] >= '0' && p.src[p.pos] <= '9' || p.src[p.pos] == '.' || p.src[p.pos] == ',') {
			p.pos++
		}
	case unicode.IsLetter(c) && c < 128:
		for p.pos < len(p.src) && isCodeByte(p.src[p.pos]) {
			p.pos++
		}
	default:
		p.pos++
	}
	p.tok = p.src[start:p.pos]
}

func isCodeByte(b byte) bool {
	return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '_' || b == '.'
}

func (p *fparser) expr() (*fnode, error) {
	l, err := p.term()
	for err == nil && (p.tok == "+" || p.tok == "-") {
		op := p.tok[0]
		p.next()
		var r *fnode
		if r, err = p.term(); err == nil {
			l = &fnode{op: op, l: l, r: r}
		}
	}
	return l, err
}

func (p *fparser) term() (*fnode, error) {
	l, err := p.factor()
	for err == nil && (p.tok == "*" || p.tok == "/") {
		op := p.tok[0]
		p.next()
		var r *fnode
		if r, err = p.factor(); err == nil {
			l = &fnode{op: op, l: l, r: r}
		}
	}
	return l, err
}

func (p *fparser) factor() (*fnode, error) {
	switch {
	case p.tok == "":
		return nil, p.fail()
	case p.tok == "-":
		p.next()
		n, err := p.factor()
		return &fnode{op: 'n', l: n}, err
	case p.tok == "(":
		p.next()
		n, err := p.expr()
		if err != nil {
			return nil, err
		}
		if p.tok != ")" {
			return nil, p.fail()
		}
		p.next()
		return n, nil
	case p.tok[0] >= '0' && p.tok[0] <= '9' || p.tok[0] == '.':
		v, err := strconv.ParseFloat(strings.ReplaceAll(p.tok, ",", "."), 64)
		if err != nil {
			return nil, p.fail()
		}
		p.next()
		return &fnode{num: v}, nil
	case isCodeByte(p.tok[0]):
		n := &fnode{op: 'v', code: strings.ToUpper(p.tok)}
		p.next()
		return n, nil
	}
	return nil, p.fail()
}

// findCycle reports a chain of codes that leads from code back to itself
// through formulas, given each code's formula parts, or nil.
func findCycle(code string, parts map[string][]string) []string {
	var path []string
	onPath := map[string]bool{}
	done := map[string]bool{}
	var visit func(c string) []string
	visit = func(c string) []string {
		if onPath[c] {
			i := 0
			for path[i] != c {
				i++
			}
			return append(append([]string(nil), path[i:]...), c)
		}
		if done[c] {
			return nil
		}
		onPath[c] = true
		path = append(path, c)
		for _, d := range parts[c] {
			if cyc := visit(d); cyc != nil {
				return cyc
			}
		}
		path = path[:len(path)-1]
		onPath[c] = false
		done[c] = true
		return nil
	}
	return visit(code)
}

package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
)

// formValues keeps what a user typed, to show a failed form again as it was.
func formValues(r *http.Request) map[string]string {
	m := map[string]string{}
	for k := range r.PostForm {
		m[k] = r.PostFormValue(k)
	}
	return m
}

// act runs one form action. On success it sets a one-time message and
// redirects (post/redirect/get); on a mistake of the user's it shows the
// form again with every error in the user's language, through reshow; any
// other error is an error page.
func (s *Server) act(w http.ResponseWriter, r *http.Request, do func() (next, msgKey string, err error),
	reshow func(errors []string, form map[string]string)) {
	if err := r.ParseMultipartForm(32 << 20); err != nil && err != http.ErrNotMultipart {
		s.fail(w, r, errs.Invalidf("err.bad_request", "Reason", err.Error()))
		return
	}
	next, msg, err := do()
	if err != nil {
		switch errs.KindOf(err) {
		case errs.Invalid, errs.Conflict:
			p := s.printer(r)
			reshow(p.Errs(err), formValues(r))
		default:
			s.fail(w, r, err)
		}
		return
	}
	flash(w, s.printer(r).T(msg))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// formDate reads a date field typed as dd/mm/yyyy (or ISO); empty gives the
// zero date when optional.
func formDate(r *http.Request, name string, required bool) (day.Day, error) {
	v := strings.TrimSpace(r.FormValue(name))
	if v == "" {
		if required {
			return day.Day{}, errs.Invalidf("org.err.date_required").At(0, name)
		}
		return day.Day{}, nil
	}
	d, err := day.Parse(v)
	if err != nil {
		return d, errs.Invalidf("err.bad_date", "Value", v).At(0, name)
	}
	return d, nil
}

// formInt64 reads an optional id or number field.
func formInt64(r *http.Request, name string) (int64, error) {
	v := strings.TrimSpace(r.FormValue(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, errs.Invalidf("err.bad_id", "Value", v).At(0, name)
	}
	return n, nil
}

// formFloat reads an optional decimal typed with a comma or a point.
func formFloat(r *http.Request, name string) (float64, error) {
	v := strings.TrimSpace(r.FormValue(name))
	if v == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64)
	if err != nil {
		return 0, errs.Invalidf("people.err.bad_value", "Value", v).At(0, name)
	}
	return f, nil
}

package plans

import (
	"context"
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
)

// DueSoonDays is how long before a deadline the lead unit is reminded.
const DueSoonDays = 7

// notify gives one user a notification, once per dedupe key.
func (s *Service) notify(ctx context.Context, tx *sql.Tx, user int64, kind NoticeKind, task, occ, report int64, due day.Day, key string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO plan_notifications (user_id, kind, task_id, occurrence_id, report_id, due_on, dedupe, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (dedupe) DO NOTHING`,
		user, kind, nullID(task), nullID(occ), nullID(report), nullDay(due), fmt.Sprintf("%s:u%d", key, user), s.now().UTC())
	return err
}

// notifyUnit notifies the active users of a unit with one of roles.
func (s *Service) notifyUnit(ctx context.Context, tx *sql.Tx, unit int64, roles []auth.Role, kind NoticeKind, task, occ, report int64, due day.Day, key string) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, role FROM users WHERE scope_unit_id = $1 AND NOT disabled`, unit)
	if err != nil {
		return err
	}
	var users []int64
	for rows.Next() {
		var id int64
		var role auth.Role
		if err := rows.Scan(&id, &role); err != nil {
			rows.Close()
			return err
		}
		if oneOf(role, roles) {
			users = append(users, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, u := range users {
		if err := s.notify(ctx, tx, u, kind, task, occ, report, due, key); err != nil {
			return err
		}
	}
	return nil
}

// coordinatorUnits are the units whose coordinators answer for a plan of
// owner: the owner, and, when it has ended (old Gia Lai's plan after the
// 2025 merger), the units that took it over. snap is the tree read before
// the writing transaction: read inside it, it would wait for a second
// connection of the pool while holding the plans' row lock, and on
// PostgreSQL 16 writers doing so at once held every connection (a
// deadlock until the requests timed out).
func (s *Service) coordinatorUnits(snap *org.Snapshot, owner int64) []int64 {
	out := []int64{owner}
	if snap == nil || snap.At(owner, s.Today()) != nil {
		return out
	}
	for _, l := range snap.Successors(owner) {
		if snap.At(l.SuccessorID, s.Today()) != nil {
			out = append(out, l.SuccessorID)
		}
	}
	return out
}

// Notifications lists the actor's latest notifications and how many are
// unread.
func (s *Service) Notifications(ctx context.Context, actor *auth.Actor, limit int) ([]Notification, int, error) {
	var unread int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM plan_notifications WHERE user_id = $1 AND read_at IS NULL`, actor.UserID).Scan(&unread); err != nil {
		return nil, 0, err
	}
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.db.QueryContext(ctx, `SELECT n.id, n.kind, COALESCE(n.task_id, 0), COALESCE(t.title, ''), COALESCE(n.report_id, 0), n.due_on,
		n.created_at, n.read_at IS NOT NULL, n.subject_vi, n.subject_en, n.link FROM plan_notifications n LEFT JOIN plan_tasks t ON t.id = n.task_id
		WHERE n.user_id = $1 ORDER BY n.created_at DESC, n.id DESC LIMIT $2`, actor.UserID, limit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []Notification{}
	for rows.Next() {
		var n Notification
		if err := rows.Scan(&n.ID, &n.Kind, &n.TaskID, &n.TaskTitle, &n.ReportID, &n.DueOn, &n.CreatedAt, &n.Read, &n.SubjectVI, &n.SubjectEN, &n.Link); err != nil {
			return nil, 0, err
		}
		out = append(out, n)
	}
	return out, unread, rows.Err()
}

// Unread counts the actor's unread notifications (for the menu).
func (s *Service) Unread(ctx context.Context, actor *auth.Actor) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM plan_notifications WHERE user_id = $1 AND read_at IS NULL`, actor.UserID).Scan(&n)
	return n, err
}

// MarkRead marks all the actor's notifications read. It changes only the
// actor's own inbox, so it is not audited.
func (s *Service) MarkRead(ctx context.Context, actor *auth.Actor) error {
	if actor.UserID == 0 {
		return nil
	}
	_, err := s.db.ExecContext(ctx, `UPDATE plan_notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL`, s.now().UTC(), actor.UserID)
	return err
}

// Mailer sends one e-mail.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// SetMailer turns on e-mail: the daily digest is sent through m, in each
// user's language from the catalogue.
func (s *Service) SetMailer(m Mailer, cat *locale.Catalog) { s.mail, s.catalog = m, cat }

// RemindResult says what a reminder run did.
type RemindResult struct {
	DueSoon int `json:"due_soon"`
	Overdue int `json:"overdue"`
	Emails  int `json:"emails"`
}

// Remind runs the reminders: a notification to the lead unit's users
// DueSoonDays before each open deadline, and to them and the plan's
// coordinators once a deadline has passed; then one e-mail per user and
// day gathering what is new (a digest, never a flood). It can run as often
// as wanted, on any number of servers: each notification is made once, and
// each user's digest is taken by one run only.
//
// A deadline passing is told here, not at a write: nothing is written when
// it passes, and this run (the server's scheduler or `mangluoi remind` from
// cron) is what notices the day has come. The notice is keyed by the
// deadline's occurrence, so the lead unit hears of it once however often
// the run goes, and it is made just before the digest, so the day it falls
// overdue is the day the e-mail says so.
func (s *Service) Remind(ctx context.Context) (RemindResult, error) {
	var res RemindResult
	today := s.Today()
	type open struct {
		occ, task, lead, owner int64
		due                    day.Day
	}
	rows, err := s.db.QueryContext(ctx, `SELECT o.id, o.task_id, t.lead_unit_id, d.owner_unit_id, o.due_on FROM plan_occurrences o
		JOIN plan_tasks t ON t.id = o.task_id JOIN plan_documents d ON d.id = t.document_id
		WHERE o.accepted_on IS NULL AND o.due_on <= $1 ORDER BY o.due_on`, today.AddDays(DueSoonDays))
	if err != nil {
		return res, err
	}
	var list []open
	for rows.Next() {
		var o open
		if err := rows.Scan(&o.occ, &o.task, &o.lead, &o.owner, &o.due); err != nil {
			rows.Close()
			return res, err
		}
		list = append(list, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	leadRoles := []auth.Role{auth.RoleFocal, auth.RoleCoordinator}
	snap, err := s.org.Snapshot(ctx)
	if err != nil {
		return res, err
	}
	const batch = 500
	for i := 0; i < len(list); i += batch {
		part := list[i:min(i+batch, len(list))]
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			for _, o := range part {
				if o.due.Before(today) {
					res.Overdue++
					key := fmt.Sprintf("overdue:%d", o.occ)
					if err := s.notifyUnit(ctx, tx, o.lead, leadRoles, NoticeOverdue, o.task, o.occ, 0, o.due, key); err != nil {
						return err
					}
					for _, u := range s.coordinatorUnits(snap, o.owner) {
						if u == o.lead {
							continue
						}
						if err := s.notifyUnit(ctx, tx, u, []auth.Role{auth.RoleCoordinator}, NoticeOverdue, o.task, o.occ, 0, o.due, key); err != nil {
							return err
						}
					}
					continue
				}
				res.DueSoon++
				if err := s.notifyUnit(ctx, tx, o.lead, leadRoles, NoticeDueSoon, o.task, o.occ, 0, o.due, fmt.Sprintf("due_soon:%d", o.occ)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return res, err
		}
	}
	if s.mail != nil {
		n, err := s.sendDigests(ctx, today)
		res.Emails = n
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// sendDigests sends each user with new notifications and an e-mail
// address one e-mail for the day. The day's row is taken in the same
// transaction that marks the notifications sent, and the transaction
// commits only if the mail server accepted the message.
func (s *Service) sendDigests(ctx context.Context, today day.Day) (int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT n.user_id FROM plan_notifications n JOIN users u ON u.id = n.user_id
		WHERE n.emailed_at IS NULL AND n.read_at IS NULL AND u.email <> '' AND NOT u.disabled`)
	if err != nil {
		return 0, err
	}
	var users []int64
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return 0, err
		}
		users = append(users, u)
	}
	rows.Close()
	sent := 0
	var failures []error
	for _, u := range users {
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			var taken int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM plan_digests WHERE user_id = $1 AND sent_on = $2`, u, today).Scan(&taken); err != nil {
				return err
			}
			if taken > 0 {
				return nil // today's digest is gone; the rest waits for tomorrow's
			}
			var email, lang, name string
			if err := tx.QueryRowContext(ctx, `SELECT email, locale, display_name FROM users WHERE id = $1`, u).Scan(&email, &lang, &name); err != nil {
				return err
			}
			nrows, err := tx.QueryContext(ctx, `SELECT n.id, n.kind, COALESCE(n.task_id, 0), COALESCE(t.title, ''), n.due_on, n.subject_vi, n.subject_en, n.link FROM plan_notifications n
				LEFT JOIN plan_tasks t ON t.id = n.task_id WHERE n.user_id = $1 AND n.emailed_at IS NULL AND n.read_at IS NULL ORDER BY n.created_at, n.id`, u)
			if err != nil {
				return err
			}
			var ns []Notification
			for nrows.Next() {
				var n Notification
				if err := nrows.Scan(&n.ID, &n.Kind, &n.TaskID, &n.TaskTitle, &n.DueOn, &n.SubjectVI, &n.SubjectEN, &n.Link); err != nil {
					nrows.Close()
					return err
				}
				ns = append(ns, n)
			}
			nrows.Close()
			if len(ns) == 0 {
				return nil
			}
			now := s.now().UTC()
			if _, err := tx.ExecContext(ctx, `INSERT INTO plan_digests (user_id, sent_on, sent_at, count) VALUES ($1, $2, $3, $4)`, u, today, now, len(ns)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE plan_notifications SET emailed_at = $1 WHERE user_id = $2 AND emailed_at IS NULL AND read_at IS NULL`, now, u); err != nil {
				return err
			}
			subject, body := s.digest(lang, name, ns)
			if err := s.mail.Send(ctx, email, subject, body); err != nil {
				return fmt.Errorf("mail to user %d: %w", u, err)
			}
			sent++
			return nil
		})
		if err != nil {
			failures = append(failures, err)
		}
	}
	return sent, errors.Join(failures...)
}

// digest writes the day's e-mail.
func (s *Service) digest(lang, name string, ns []Notification) (string, string) {
	p := s.catalog.Printer(locale.Match(lang))
	var b strings.Builder
	b.WriteString(p.T("plans.mail.greeting", "Name", name) + "\n\n")
	for _, n := range ns {
		line := p.T("notice."+string(n.Kind), "Task", n.Subject(p.Lang), "Due", p.Date(n.DueOn))
		b.WriteString("• " + line + "\n")
		if href := n.Href(); href != "" {
			b.WriteString("  " + href + "\n")
		}
	}
	b.WriteString("\n" + p.T("plans.mail.footer") + "\n")
	return p.T("plans.mail.subject", "Count", len(ns)), b.String()
}

// SMTP sends mail through an SMTP server: STARTTLS when the server offers
// it (required unless Insecure), and PLAIN authentication when a user is
// set.
type SMTP struct {
	Addr     string // host:port
	From     string
	User     string
	Password string
	// Insecure allows sending without TLS (a local relay or a test sink).
	Insecure bool
	Timeout  time.Duration
}

// Send delivers one message.
func (m *SMTP) Send(ctx context.Context, to, subject, body string) error {
	timeout := m.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	dialer := net.Dialer{Timeout: timeout}
	conn, err := dialer.DialContext(ctx, "tcp", m.Addr)
	if err != nil {
		return err
	}
	conn.SetDeadline(time.Now().Add(timeout))
	host, _, _ := net.SplitHostPort(m.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host}); err != nil {
			return err
		}
	} else if !m.Insecure {
		return fmt.Errorf("smtp %s offers no STARTTLS (use --smtp-insecure for a local relay)", m.Addr)
	}
	if m.User != "" {
		if err := c.Auth(smtp.PlainAuth("", m.User, m.Password, host)); err != nil {
			return err
		}
	}
	if err := c.Mail(m.From); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	msg := "From: " + m.From + "\r\nTo: " + to + "\r\nSubject: " + mime.QEncoding.Encode("utf-8", subject) +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\nDate: " +
		time.Now().UTC().Format(time.RFC1123Z) + "\r\n\r\n" + strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")
	if _, err := w.Write([]byte(msg)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// Scheduler runs Remind every interval until ctx ends: the server's own
// reminders, beside (or instead of) `mangluoi remind` from cron.
func (s *Service) Scheduler(ctx context.Context, every time.Duration, log *slog.Logger) {
	if every <= 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if res, err := s.Remind(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			log.Error("reminders", "err", err)
		} else if res.Emails > 0 || res.Overdue > 0 {
			log.Debug("reminders", "due_soon", res.DueSoon, "overdue", res.Overdue, "emails", res.Emails)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

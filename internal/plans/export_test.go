package plans

import "context"

// Memo brings s's copy of every task up to date, as a request would, and
// returns it whole (the tasks with their deadlines, the documents'
// numbers), for a test to compare with Loaded.
func Memo(ctx context.Context, s *Service) (any, error) {
	tasks, numbers, _, err := s.tasksAt(ctx)
	return []any{tasks, numbers}, err
}

// Loaded is every task read from the database as a server starting now
// would hold it.
func Loaded(ctx context.Context, s *Service) (any, error) {
	tasks, err := s.loadTasks(ctx, s.db, "", nil)
	if err != nil {
		return nil, err
	}
	numbers, err := s.readNumbers(ctx)
	return []any{tasks, numbers}, err
}

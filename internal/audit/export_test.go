package audit

// ComputeHash lets the tests play an attacker who re-hashes the chain.
func (r *Record) ComputeHash() string { return r.computeHash() }

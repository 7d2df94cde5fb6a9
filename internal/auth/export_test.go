package auth

// DummyHash is what a login that does not exist is checked against.
var DummyHash = dummyHash

// HashingMost is the most password hashes computed at once so far.
func HashingMost() int32 { return hashingMost.Load() }

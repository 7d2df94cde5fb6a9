package auth

// DummyHash is what a login that does not exist is checked against.
var DummyHash = dummyHash

// Package enum lets a string type list its values for the API's document:
// a type with a method Enum() []string is described with an enum, so that
// generated clients get the values instead of a free string.
package enum

// Of is the values as plain strings, for an Enum method:
//
//	func (Level) Enum() []string { return enum.Of(Levels...) }
func Of[T ~string](vals ...T) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = string(v)
	}
	return out
}

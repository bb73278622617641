// Package edit writes the dual-stack version of the configuration files
// `check --from-file` reads, for `plan --emit`: the files it walks as
// check walks them (files.Walk), each file or document recognised by the
// files gatherer's registry (files.FileFormat, files.DocumentFormat), and
// in each exactly the values its reader turns into facts, edited to a
// Target.
//
// Edits are textual: the YAML parser's positions locate the value, which
// is replaced in place with its quoting kept; a missing key is inserted
// at its mapping's indentation, a missing list item or flag at its list's.
// Comments, order and formatting stay. What cannot be edited (a node's own
// address, a value written in a way that cannot be changed in place, a
// distribution that cannot convert) is a Note at its line, never skipped.
//
// A new format of the files registry needs its entry in editors.go and a
// single-stack fixture set under testdata/files/single.
package edit

package source

import (
	"fmt"
	"strings"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// ParseFlags reads a command line (program first) into settings keyed by
// flag name without dashes, accepting `--flag=value` and `--flag value`; a
// flag followed by another flag or nothing is a boolean "true". where names
// the command line for provenance.
func ParseFlags(args []string, where string) map[string]check.Setting {
	return ParseFlagsAt(args, where, nil)
}

// ParseFlagsAt is ParseFlags for a command line read from a file: at(i)
// locates args[i] (File, Line, Column), and each setting carries the
// location of the item that holds its value (the flag itself for
// `--flag=value` and booleans, the next item for `--flag value`).
func ParseFlagsAt(args []string, where string, at func(i int) check.Setting) map[string]check.Setting {
	out := map[string]check.Setting{}
	eachFlag(args, func(name, value string, valueAt int) {
		s := check.Setting{Value: Redact(name, value), Source: fmt.Sprintf("%s, arg --%s", where, name)}
		if at != nil {
			pos := at(valueAt)
			s.File, s.Line, s.Column = pos.File, pos.Line, pos.Column
		}
		out[name] = s
	})
	return out
}

// eachFlag calls visit for each flag of a command line, in order, with its
// name without dashes, its value, and the index of the item holding the
// value. Items that are not flags, nor a flag's value, are skipped.
func eachFlag(args []string, visit func(name, value string, valueAt int)) {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if !strings.HasPrefix(arg, "-") {
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		valueAt := i
		if !hasValue {
			value = "true"
			if i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				value = args[i+1]
				i++
				valueAt = i
			}
		}
		visit(name, value, valueAt)
	}
}

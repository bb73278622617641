package check

import "slices"

// Rules is the registry: every rule, in report order. --only, --skip,
// --list-rules and the README's rules table all come from it.
func Rules() []Rule {
	return slices.Concat(fileRules, controlPlaneRules, objectRules, probeRules)
}

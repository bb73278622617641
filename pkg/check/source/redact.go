package source

import (
	"net/url"
	"strings"
)

// Redacted stands for a secret flag value in settings, so in findings and
// reports.
const Redacted = "REDACTED"

// Redact is the value of flag name as settings keep it: the values of
// flags named like secrets (token, password, secret) are Redacted, and
// each URL of a comma-separated value loses its password
// (--etcd-servers=https://user:xxxxx@host:2379). Flags ending in -file
// name where a secret is kept, not the secret: they stay. Every flag read
// goes through it, so that no rule, report or log can show one.
func Redact(name, value string) string {
	lower := strings.ToLower(name)
	if !strings.HasSuffix(lower, "-file") && (strings.Contains(lower, "token") || strings.Contains(lower, "password") || strings.Contains(lower, "secret")) {
		return Redacted
	}
	parts := strings.Split(value, ",")
	for i, p := range parts {
		if !strings.Contains(p, "://") || !strings.Contains(p, "@") {
			continue
		}
		u, err := url.Parse(p)
		if err != nil {
			parts[i] = Redacted // may hold user information that does not parse
		} else if _, ok := u.User.Password(); ok {
			parts[i] = u.Redacted()
		}
	}
	return strings.Join(parts, ",")
}

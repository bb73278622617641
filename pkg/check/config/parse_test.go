package config

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

const header = "apiVersion: dualstack.kubectl.io/v1alpha1\nkind: CheckConfig\n"

// TestParseFull: every field of a healthy file reaches the Config.
func TestParseFull(t *testing.T) {
	c, err := Parse("ci.yaml", []byte(header+`expect: dual
failOn: warning
rules:
  only: [pods-dual-stack-ips, services-ip-family-policy]
  skip: [cluster-stack]
  severity:
    pods-dual-stack-ips: warning
    services-ip-family-policy: info
exemptions:
- rules: ["*"]
  namespaces: [legacy, batch]
  reason: "pinned to IPv4 until the vendor supports IPv6 (TICKET-123)"
- rules: [pods-dual-stack-ips]
  selector: app=legacy-db,tier!=web
  names: ["legacy-*", "db-?"]
  reason: >-
    the database replicates over IPv4 only
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Path != "ci.yaml" || c.Expect != "dual" || c.FailOn != "warning" {
		t.Errorf("path %q expect %q failOn %q", c.Path, c.Expect, c.FailOn)
	}
	if !slices.Equal(c.Only, []string{"pods-dual-stack-ips", "services-ip-family-policy"}) || !slices.Equal(c.Skip, []string{"cluster-stack"}) {
		t.Errorf("only %q skip %q", c.Only, c.Skip)
	}
	if len(c.Severities) != 2 || c.Severities["pods-dual-stack-ips"] != check.Warning || c.Severities["services-ip-family-policy"] != check.Info {
		t.Errorf("severities %v", c.Severities)
	}
	if len(c.Exemptions) != 2 {
		t.Fatalf("%d exemptions", len(c.Exemptions))
	}
	ns, sel := c.Exemptions[0], c.Exemptions[1]
	if !slices.Equal(ns.Rules, []string{"*"}) || !slices.Equal(ns.Namespaces, []string{"legacy", "batch"}) || ns.Selector != nil || ns.Names != nil ||
		ns.Reason != "pinned to IPv4 until the vendor supports IPv6 (TICKET-123)" || ns.Source != "ci.yaml:12" {
		t.Errorf("first exemption %+v", ns)
	}
	if !slices.Equal(sel.Rules, []string{"pods-dual-stack-ips"}) || sel.Namespaces != nil || !slices.Equal(sel.Names, []string{"legacy-*", "db-?"}) ||
		sel.Reason != "the database replicates over IPv4 only" || sel.Source != "ci.yaml:15" {
		t.Errorf("second exemption %+v", sel)
	}
	if sel.Selector == nil || !sel.Selector.Matches(labels.Set{"app": "legacy-db", "tier": "db"}) || sel.Selector.Matches(labels.Set{"app": "legacy-db", "tier": "web"}) {
		t.Errorf("selector %v", sel.Selector)
	}
	opts := c.Options()
	if !slices.Equal(opts.Only, c.Only) || !slices.Equal(opts.Skip, c.Skip) || len(opts.Severities) != 2 || len(opts.Exemptions) != 2 {
		t.Errorf("Options %+v", opts)
	}
}

// TestParseMinimal: the header alone configures nothing; null values are
// values left out.
func TestParseMinimal(t *testing.T) {
	for _, text := range []string{header, header + "expect:\nfailOn: ~\nrules:\nexemptions: []\n", "# CI's\n---\n" + header} {
		c, err := Parse("c.yaml", []byte(text))
		if err != nil {
			t.Errorf("%q: %v", text, err)
			continue
		}
		if c.Expect != "" || c.FailOn != "" || c.Only != nil || c.Skip != nil || c.Severities != nil || c.Exemptions != nil {
			t.Errorf("%q configured %+v", text, c)
		}
	}
}

// TestParseErrors: each broken file gives one error, at the exact
// position of what is wrong.
func TestParseErrors(t *testing.T) {
	exemption := func(lines ...string) string {
		return header + "exemptions:\n- " + strings.Join(lines, "\n  ") + "\n"
	}
	for _, tt := range []struct {
		name, text, want string
	}{
		{"empty file", "", "c.yaml: no configuration in the file: want apiVersion: dualstack.kubectl.io/v1alpha1 and kind: CheckConfig"},
		{"comments only", "# nothing\n", "c.yaml: no configuration in the file: want apiVersion: dualstack.kubectl.io/v1alpha1 and kind: CheckConfig"},
		{"invalid YAML", header + "expect: dual\n  failOn: error\n", "c.yaml:4: invalid YAML: mapping values are not allowed in this context"},
		{"a list", "- a\n", "c.yaml:1:1: wrong type: the configuration must be a mapping, not a list"},
		{"two documents", header + "---\n" + header, "c.yaml:4:1: a second YAML document: the configuration is one document"},
		{"no apiVersion", "kind: CheckConfig\n", "c.yaml:1:1: apiVersion is missing: want apiVersion: dualstack.kubectl.io/v1alpha1"},
		{"another apiVersion", "apiVersion: dualstack.kubectl.io/v1\nkind: CheckConfig\n", `c.yaml:1:13: apiVersion "dualstack.kubectl.io/v1" is not dualstack.kubectl.io/v1alpha1`},
		{"another kind", "apiVersion: dualstack.kubectl.io/v1alpha1\nkind: Config\nclusters: []\n", `c.yaml:2:7: kind "Config" is not CheckConfig`},
		{"kind not a string", "apiVersion: dualstack.kubectl.io/v1alpha1\nkind: [CheckConfig]\n", "c.yaml:2:7: wrong type: kind must be a string, not a list"},
		{"unknown top-level key, close", header + "expect: dual\nexemption:\n- rules: [\"*\"]\n", `c.yaml:4:1: unknown key "exemption" (did you mean "exemptions"?)`},
		{"unknown key, another spelling", header + "fail-on: warning\n", `c.yaml:3:1: unknown key "fail-on" (did you mean "failOn"?)`},
		{"unknown key, far", header + "owner: team-a\n", `c.yaml:3:1: unknown key "owner" (known keys: apiVersion, kind, expect, failOn, rules, exemptions)`},
		{"repeated key", header + "expect: dual\nexpect: ipv4\n", "c.yaml:4:1: expect repeated (first at line 3)"},
		{"bad expect", header + "expect: dualstack\n", `c.yaml:3:9: expect "dualstack" is not one of dual, ipv4, ipv6`},
		{"bad failOn", header + "failOn: warnings\n", `c.yaml:3:9: failOn "warnings" is not one of error, warning, never (did you mean "warning"?)`},
		{"failOn not a string", header + "failOn: 1\n", "c.yaml:3:9: wrong type: failOn must be a string, not an integer (1)"},
		{"rules not a mapping", header + "rules: [cluster-stack]\n", "c.yaml:3:8: wrong type: rules must be a mapping, not a list"},
		{"unknown key in rules", header + "rules:\n  disable: [cluster-stack]\n", `c.yaml:4:3: unknown key "disable" in rules (known keys: only, skip, severity)`},
		{"only not a list", header + "rules:\n  only: cluster-stack\n", "c.yaml:4:9: wrong type: rules.only must be a list, not a string (cluster-stack)"},
		{"unknown rule in only", header + "rules:\n  only: [cluster-stack, pods-dualstack-ips]\n", `c.yaml:4:25: unknown rule ID "pods-dualstack-ips" (did you mean "pods-dual-stack-ips"?)`},
		{"unknown rule in skip", header + "rules:\n  skip:\n  - no-such-rule\n", `c.yaml:5:5: unknown rule ID "no-such-rule" (kubectl dualstack check --list-rules lists them)`},
		{"* in skip", header + "rules:\n  skip: [\"*\"]\n", `c.yaml:4:10: unknown rule ID "*" (kubectl dualstack check --list-rules lists them)`},
		{"unknown rule in severity", header + "rules:\n  severity:\n    pods-dual-stack-ip: warning\n", `c.yaml:5:5: unknown rule ID "pods-dual-stack-ip" (did you mean "pods-dual-stack-ips"?)`},
		{"bad severity", header + "rules:\n  severity:\n    pods-dual-stack-ips: critical\n", `c.yaml:5:26: rules.severity.pods-dual-stack-ips "critical" is not one of error, warning, info`},
		{"severity not a mapping", header + "rules:\n  severity: [warning]\n", "c.yaml:4:13: wrong type: rules.severity must be a mapping, not a list"},
		{"exemptions not a list", header + "exemptions:\n  rules: [\"*\"]\n", "c.yaml:4:3: wrong type: exemptions must be a list, not a mapping"},
		{"an empty exemption", header + "exemptions:\n-\n", "c.yaml:4:2: exemptions[0] is empty: give its rules, reason, and namespaces, selector or names"},
		{"an exemption not a mapping", header + "exemptions:\n- legacy\n", "c.yaml:4:3: wrong type: exemptions[0] must be a mapping, not a string (legacy)"},
		{"typo in an exemption key", exemption(`rules: ["*"]`, "namespaces: [legacy]", "reasn: vendor"), `c.yaml:6:3: unknown key "reasn" in exemptions[0] (did you mean "reason"?)`},
		{"no reason", exemption(`rules: ["*"]`, "namespaces: [legacy]"), "c.yaml:4:3: exemptions[0] has no reason: say why these objects are exempt"},
		{"empty reason", exemption(`rules: ["*"]`, "namespaces: [legacy]", `reason: "  "`), "c.yaml:6:11: exemptions[0] has no reason: say why these objects are exempt"},
		{"null reason", exemption(`rules: ["*"]`, "namespaces: [legacy]", "reason:"), "c.yaml:6:10: exemptions[0] has no reason: say why these objects are exempt"},
		{"reason not a string", exemption(`rules: ["*"]`, "namespaces: [legacy]", "reason: [a]"), "c.yaml:6:11: wrong type: exemptions[0].reason must be a string, not a list"},
		{"no criterion", exemption(`rules: ["*"]`, "reason: legacy"), "c.yaml:4:3: exemptions[0] has no namespaces, selector or names: it would exempt every object"},
		{"empty criteria", exemption(`rules: ["*"]`, "namespaces: []", "names: []", "reason: legacy"), "c.yaml:4:3: exemptions[0] has no namespaces, selector or names: it would exempt every object"},
		{"no rules", exemption("namespaces: [legacy]", "reason: legacy"), `c.yaml:4:3: exemptions[0] has no rules: list the rule IDs it exempts from, or "*" for every rule`},
		{"unknown rule in an exemption", exemption("rules: [pods-dual-stack-ips, services-single]", "namespaces: [legacy]", "reason: legacy"),
			`c.yaml:4:32: unknown rule ID "services-single" (kubectl dualstack check --list-rules lists them)`},
		{"bad namespace", exemption(`rules: ["*"]`, "namespaces: [Legacy]", "reason: legacy"),
			`c.yaml:5:16: exemptions[0].namespaces: "Legacy" is not a namespace name: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`},
		{"bad selector", exemption(`rules: ["*"]`, "selector: app==legacy,,tier", "reason: legacy"),
			`c.yaml:5:13: exemptions[0].selector "app==legacy,,tier" is not a label selector: found ',', expected: identifier after ','`},
		{"empty selector", exemption(`rules: ["*"]`, `selector: ""`, "reason: legacy"), "c.yaml:5:13: exemptions[0].selector is empty: it would select every object"},
		{"bad name pattern", exemption(`rules: ["*"]`, `names: ["legacy-[a-"]`, "reason: legacy"),
			`c.yaml:5:11: exemptions[0].names: "legacy-[a-" is not a name pattern (* ? [a-z] as in path.Match): syntax error in pattern`},
		{"the second exemption", header + "exemptions:\n- rules: [\"*\"]\n  names: [a]\n  reason: ok\n- rules: [\"*\"]\n  names: [b]\n",
			"c.yaml:7:3: exemptions[1] has no reason: say why these objects are exempt"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("c.yaml", []byte(tt.text))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse returned %+v, %v; want the error\n%s", c, err, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("got  %s\nwant %s\nin:\n%s", err, tt.want, tt.text)
			}
			if c != nil {
				t.Errorf("a Config with the error: %+v", c)
			}
		})
	}
}

// TestExemptionsApply: the file's exemptions exempt what they select, in
// the engine's terms, with the reason and where it was declared.
func TestExemptionsApply(t *testing.T) {
	c, err := Parse("team.yaml", []byte(exemptionsForTest))
	if err != nil {
		t.Fatal(err)
	}
	x := check.NewExemptions(c.Exemptions, nil)
	for _, tt := range []struct {
		rule string
		obj  check.Object
		want string // the reason, "" for none
	}{
		{"pods-dual-stack-ips", check.Object{Kind: "pod", Namespace: "legacy", Name: "anything"}, "vendor pins IPv4 (team.yaml:4)"},
		{"services-ip-family-policy", check.Object{Kind: "service", Namespace: "legacy", Name: "db"}, "vendor pins IPv4 (team.yaml:4)"},
		{"pods-dual-stack-ips", check.Object{Kind: "pod", Namespace: "shop", Name: "db-0", Labels: map[string]string{"app": "db"}}, "replicates over IPv4 (team.yaml:7)"},
		{"pods-dual-stack-ips", check.Object{Kind: "pod", Namespace: "shop", Name: "web-0", Labels: map[string]string{"app": "db"}}, ""},
		{"pods-primary-family", check.Object{Kind: "pod", Namespace: "shop", Name: "db-0", Labels: map[string]string{"app": "db"}}, ""},
		{"pods-dual-stack-ips", check.Object{Kind: "pod", Namespace: "shop", Name: "db-0"}, ""},
	} {
		reason, exempt, err := x.Reason(tt.rule, tt.obj)
		if err != nil || exempt != (tt.want != "") || reason != tt.want {
			t.Errorf("%s %+v: %q %v %v, want %q", tt.rule, tt.obj, reason, exempt, err, tt.want)
		}
	}
}

const exemptionsForTest = header + `exemptions:
- rules: ["*"]
  namespaces: [legacy]
  reason: vendor pins IPv4
- rules: [pods-dual-stack-ips]
  selector: app=db
  names: ["db-*"]
  reason: replicates over IPv4
`

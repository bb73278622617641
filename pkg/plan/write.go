package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/fatih/color"
	"sigs.k8s.io/yaml"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/printers"
)

// Outputs are the values of plan's -o.
var Outputs = []string{"text", "json", "yaml"}

// Write prints the plan in one of Outputs.
func Write(w io.Writer, p *Plan, output string, colour bool) error {
	switch output {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(p)
	case "yaml":
		out, err := yaml.Marshal(p)
		if err != nil {
			return err
		}
		_, err = w.Write(out)
		return err
	}
	return writeText(w, p, colour)
}

// headings name the steps' groups in the text output.
var headings = map[Kind]string{
	KindComponentFlags: "Components",
	KindCNI:            "CNI",
	KindNode:           "Nodes, one at a time",
	KindPods:           "Pods",
	KindService:        "Services",
	KindAdmission:      "New Services",
	KindVerify:         "Verify",
}

// writeText prints the plan for a person: the ranges with their sums, the
// numbered steps under their group, what could not be computed, notes.
// Names come from the cluster and files: they are escaped.
func writeText(w io.Writer, p *Plan, colour bool) error {
	paint := func(attr color.Attribute, s string) string {
		if !colour {
			return s
		}
		c := color.New(attr)
		c.EnableColor()
		return c.Sprint(s)
	}
	esc := printers.EscapeLine
	var b strings.Builder
	head := "Plan: " + p.Stack
	if p.Adding != "" {
		head += " -> dual-stack " + p.Target[0] + "-primary (adding " + p.Adding + ")"
	}
	if p.KubernetesVersion != "" {
		head += ", Kubernetes " + esc(p.KubernetesVersion)
	}
	if p.Distribution != "" {
		head += ", " + esc(p.Distribution)
	}
	fmt.Fprintln(&b, paint(color.Bold, head))
	if len(p.Steps) == 0 {
		fmt.Fprintf(&b, "\n%s the cluster is %s, and its components, nodes, pods and Services have both families.\n", paint(color.FgGreen, "Nothing to do:"), p.Stack)
	}
	if len(p.Ranges) > 0 && len(p.Steps) > 0 {
		fmt.Fprintf(&b, "\nRanges after the plan:\n")
		for _, r := range p.Ranges {
			origin := r.Origin
			if origin == OriginProposed {
				origin = paint(color.FgYellow, origin)
			}
			fmt.Fprintf(&b, "  %-4s %-9s %-28s %-9s %s\n", r.Family, r.Purpose, r.CIDR, origin, r.Arithmetic)
		}
	}
	lastKind, lastNamespace := Kind(""), ""
	for i, s := range p.Steps {
		if s.Kind != lastKind {
			fmt.Fprintf(&b, "\n%s\n", paint(color.Bold, headings[s.Kind]))
			lastKind, lastNamespace = s.Kind, ""
		}
		if s.Service != nil && s.Service.Namespace != lastNamespace {
			lastNamespace = s.Service.Namespace
			fmt.Fprintf(&b, "  namespace %s\n", esc(lastNamespace))
		}
		fmt.Fprintf(&b, "%s %s\n", paint(color.FgCyan, fmt.Sprintf("%4d.", i+1)), esc(s.Target))
		fmt.Fprintf(&b, "      change: %s\n", esc(s.Change))
		if i > 0 && s.Kind == p.Steps[i-1].Kind && s.Reason == p.Steps[i-1].Reason && s.Reference == p.Steps[i-1].Reference {
			fmt.Fprintf(&b, "      why:    as above\n")
		} else {
			fmt.Fprintf(&b, "      why:    %s\n", esc(s.Reason))
			fmt.Fprintf(&b, "      ref:    %s\n", esc(s.Reference))
		}
		if s.Verify != "" {
			fmt.Fprintf(&b, "      verify: %s\n", esc(s.Verify))
		}
		if s.Admission != nil && s.Admission.Manifest != "" {
			fmt.Fprintf(&b, "\n%s\n", indent(s.Admission.Manifest, "      "))
		}
	}
	if len(p.NotComputed) > 0 {
		fmt.Fprintf(&b, "\n%s\n", paint(color.FgRed, "Not computed (the plan is incomplete):"))
		for _, g := range p.NotComputed {
			fmt.Fprintf(&b, "  %s: %s\n", esc(g.Step), esc(g.Reason))
		}
	}
	if len(p.Notes) > 0 {
		fmt.Fprintf(&b, "\nNotes:\n")
		for _, n := range p.Notes {
			fmt.Fprintf(&b, "  - %s\n", esc(n))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func indent(text, prefix string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n")
}

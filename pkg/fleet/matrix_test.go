package fleet

import (
	"strings"
	"testing"
)

// The matrix: a heading, aligned columns, rows in the order added, and
// what came from a kubeconfig or a server escaped.
func TestMatrixWrite(t *testing.T) {
	m := &Matrix{Header: []string{"CONTEXT", "EXIT", "STACK", "PROBLEM"}}
	m.Add("dual", "0", "dual-stack IPv4-primary")
	m.Add("evil\x1b]0;pwned\a", "2", "-", "dial tcp 127.0.0.1:1: connect: connection refused")
	m.Add("a", "1", "IPv4")
	var b strings.Builder
	if err := m.Write(&b, "3 clusters"); err != nil {
		t.Fatal(err)
	}
	want := `== 3 clusters
CONTEXT            EXIT   STACK                     PROBLEM
dual               0      dual-stack IPv4-primary
evil^[]0;pwned^G   2      -                         dial tcp 127.0.0.1:1: connect: connection refused
a                  1      IPv4
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestSectionHeader(t *testing.T) {
	for _, tt := range []struct{ context, server, want string }{
		{"dual", "https://127.0.0.1:6443", "== Context dual (server https://127.0.0.1:6443)\n"},
		{"x\x1b[2J", "", "== Context x^[[2J (server unknown)\n"},
	} {
		if got := SectionHeader(tt.context, tt.server); got != tt.want {
			t.Errorf("SectionHeader(%q, %q) = %q, want %q", tt.context, tt.server, got, tt.want)
		}
	}
}

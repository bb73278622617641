package localcluster

import "testing"

func TestReasonLine(t *testing.T) {
	for _, tt := range []struct{ log, want string }{
		{"I1207 a] starting\nE1207 b] \"command failed\" err=\"usage of --x is not allowed\"\nI1207 c] \"Running\" component=\"GraphBuilder\"\n",
			"E1207 b] \"command failed\" err=\"usage of --x is not allowed\""},
		{"I1207 a] one\nF1207 b] fatal\n", "F1207 b] fatal"},
		{"I1207 a] one\nError: unknown flag: --foo\n", "Error: unknown flag: --foo"},
		{"I1207 a] only info\n", "I1207 a] only info"},
	} {
		if got := reasonLine(tt.log); got != tt.want {
			t.Errorf("reasonLine(%q) = %q, want %q", tt.log, got, tt.want)
		}
	}
}

package cmd

import (
	"bytes"
	"errors"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestPrintErrorKubectlWording(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{apierrors.NewNotFound(schema.GroupResource{Resource: "pods"}, "x"), "Error from server (NotFound): pods \"x\" not found\n"},
		{apierrors.NewForbidden(schema.GroupResource{Resource: "nodes"}, "", errors.New("no")), "Error from server (Forbidden): nodes is forbidden: no\n"},
		{errors.New("boom"), "error: boom\n"},
		{errors.New("error: already prefixed"), "error: already prefixed\n"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		if code := PrintError(&buf, tt.err); code != ExitError || buf.String() != tt.want {
			t.Errorf("PrintError(%v) = %q, %d; want %q, 1", tt.err, buf.String(), code, tt.want)
		}
	}
}

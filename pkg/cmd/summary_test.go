package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/summary"
)

// Two namespaces of a dual-stack cluster, as the live gatherer reads them:
// in shop a dual pod and a single one, in other a single pod.
func summaryObjects() []runtime.Object {
	objs := singleStackObjects()
	objs[0].(*corev1.Pod).Spec.Containers[0].Command = []string{"kube-apiserver", "--service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/112"}
	running := func(ns, name string, ips ...string) *corev1.Pod {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Status: corev1.PodStatus{Phase: corev1.PodRunning}}
		for _, ip := range ips {
			p.Status.PodIPs = append(p.Status.PodIPs, corev1.PodIP{IP: ip})
		}
		return p
	}
	return append(objs, running("shop", "web-1", "10.244.0.2", "fd00:10:244::2"), running("shop", "web-2", "10.244.0.3"), running("other", "old", "10.244.0.4"))
}

func runSummaryOptions(t *testing.T, o *SummaryOptions, objs []runtime.Object, forbid ...string) (stdout, stderr string, code int) {
	t.Helper()
	streams, _, out, errOut := genericiooptions.NewTestIOStreams()
	client, dyn := fakeClients(t, objs)
	for _, resource := range forbid {
		client.PrependReactor("list", resource, func(a k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: resource}, "", errors.New("RBAC says no"))
		})
	}
	o.Client, o.Dynamic, o.ChunkSize, o.configFlags, o.IOStreams = client, dyn, 500, genericclioptions.NewConfigFlags(true), streams
	if o.By == "" {
		o.By = summary.ByNamespace
	}
	code = ExitOK
	err := o.Complete()
	if err == nil {
		err = o.Run(context.Background())
	}
	if err != nil {
		code = PrintError(errOut, err)
	}
	return out.String(), errOut.String(), code
}

// The current namespace by default, every namespace with -A; a namespace
// with nothing counted says so on stderr, as kubectl get does.
func TestSummaryNamespaces(t *testing.T) {
	useGoldenKubeconfig(t) // its current namespace is default
	read := func(out string) summary.Summary {
		t.Helper()
		var s summary.Summary
		if err := json.Unmarshal([]byte(out), &s); err != nil {
			t.Fatalf("%v:\n%s", err, out)
		}
		return s
	}
	out, stderr, code := runSummaryOptions(t, &SummaryOptions{AllNamespaces: true, Output: "json"}, summaryObjects())
	s := read(out)
	if code != 0 || stderr != "" || len(s.Groups) != 2 || s.Groups[0].Namespace != "other" || s.Total.Pods.Running != 3 || s.Total.Pods.Dual != 1 {
		t.Errorf("-A: exit %d, stderr %q, groups %+v", code, stderr, s.Groups)
	}
	out, _, _ = runSummaryOptions(t, &SummaryOptions{Output: "json", Namespace: "ignored"}, summaryObjects())
	if s := read(out); s.Scope.Namespace != "default" || len(s.Groups) != 0 {
		t.Errorf("the kubeconfig's namespace: scope %+v, groups %+v", s.Scope, s.Groups)
	}
	out, stderr, code = runSummaryOptions(t, &SummaryOptions{}, summaryObjects())
	if code != 0 || stderr != "No resources found in default namespace.\n" || !strings.HasPrefix(out, "Cluster:           dual-stack IPv4-primary") || strings.Contains(out, "NAMESPACE") {
		t.Errorf("an empty namespace: exit %d, stderr %q:\n%s", code, stderr, out)
	}
}

// A source that may not be read: its columns say unknown, never 0, the
// output says why, and the exit code says the summary is incomplete.
func TestSummaryForbiddenSourceIncomplete(t *testing.T) {
	useGoldenKubeconfig(t)
	out, _, code := runSummaryOptions(t, &SummaryOptions{AllNamespaces: true}, summaryObjects(), "ingresses")
	if code != ExitSummaryIncomplete || !strings.Contains(out, "Incomplete: Ingresses could not be read (forbidden: ") {
		t.Errorf("exit %d, want %d and why:\n%s", code, ExitSummaryIncomplete, out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "shop ") && (!strings.Contains(line, " 1/2 ") || strings.Count(line, "unknown") != 3) {
			t.Errorf("shop's row: %q, want its pods counted and INGRESS, EXEMPT and READINESS unknown", line)
		}
	}
}

// Bad flags and an unreachable server: one line, exit 2.
func TestSummaryBadInput(t *testing.T) {
	useGoldenKubeconfig(t)
	for _, args := range [][]string{
		{"summary", "-o", "table"},
		{"summary", "--by", "team"},
		{"summary", "-l", "app in (web"},
		{"summary", "--chunk-size", "-1"},
		{"summary", "extra"},
		{"summary", "--server", "https://127.0.0.1:1", "--request-timeout", "2s"},
	} {
		out, stderr, code := execute(t, args...)
		if code != ExitSummaryError || out != "" || !strings.HasPrefix(stderr, "error: ") && !strings.HasPrefix(stderr, "The connection") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want %d and one error", args, code, out, stderr, ExitSummaryError)
		}
	}
}

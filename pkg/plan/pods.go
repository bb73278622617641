package plan

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

const refPods = "k8s.io/kubernetes pkg/kubelet/kuberuntime/kuberuntime_sandbox.go determinePodSandboxIPs (a pod's IPs are those its sandbox got when it was created)"

// pods streams the pods once: those with fewer addresses than the target's
// families must be recreated (after their node has a range of each family),
// and the kube-system pods tell which CNI runs.
func (p *planner) pods() (cniSeen, error) {
	var cni cniSeen
	if p.facts.Pods == nil || p.opts.FilesOnly {
		return cni, nil
	}
	if why := p.unavailable(check.SourcePods); why != "" {
		p.gap("pods to recreate", why)
		return cni, nil
	}
	byOwner := map[string]*Workload{}
	err := p.facts.Pods(func(pod *corev1.Pod) error {
		if pod.Namespace == "kube-system" {
			cni.see(pod)
		}
		if pod.Spec.HostNetwork || pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed ||
			pod.Annotations[corev1.MirrorPodAnnotationKey] != "" || len(pod.Status.PodIPs) >= 2 {
			return nil
		}
		kind, name := ownerOf(pod)
		key := pod.Namespace + "/" + kind + "/" + name
		w := byOwner[key]
		if w == nil {
			w = &Workload{Namespace: pod.Namespace, Kind: kind, Name: name, Command: restartCommand(pod.Namespace, kind, name)}
			byOwner[key] = w
		}
		w.Pods = append(w.Pods, pod.Name)
		return nil
	})
	var unavailable *check.UnavailableError
	if errors.As(err, &unavailable) {
		p.gap("pods to recreate", err.Error())
		return cni, nil
	}
	if err != nil {
		return cni, err
	}
	byNamespace := map[string][]Workload{}
	for _, key := range sortedKeys(byOwner) {
		w := byOwner[key]
		slices.Sort(w.Pods)
		byNamespace[w.Namespace] = append(byNamespace[w.Namespace], *w)
	}
	for _, ns := range sortedKeys(byNamespace) {
		ws := byNamespace[ns]
		var names []string
		count := 0
		for _, w := range ws {
			names = append(names, fmt.Sprintf("%s %s (%s)", w.Kind, w.Name, plural(len(w.Pods), "pod", "pods")))
			count += len(w.Pods)
		}
		p.add(secPods, Step{
			ID: "pods-" + ns, Kind: KindPods, Target: "namespace " + ns,
			Change:    "recreate " + plural(count, "pod", "pods") + " with one address, once their nodes have a pod range of each family: " + strings.Join(names, ", "),
			Reason:    "a pod keeps the addresses it got when it started: only a new pod gets one of each family",
			Reference: refPods,
			Verify:    "kubectl dualstack get pods -n " + ns + " shows two IPs per pod",
			Pods:      ws,
		})
	}
	return cni, nil
}

// ownerOf is the workload that owns a pod, as far as the pod tells: a
// ReplicaSet named after its Deployment with the pod-template-hash suffix
// (pkg/controller/deployment/sync.go) is that Deployment's.
func ownerOf(pod *corev1.Pod) (kind, name string) {
	for _, ref := range pod.OwnerReferences {
		if ref.Controller == nil || !*ref.Controller {
			continue
		}
		if hash := pod.Labels["pod-template-hash"]; ref.Kind == "ReplicaSet" && hash != "" && strings.HasSuffix(ref.Name, "-"+hash) {
			return "Deployment", strings.TrimSuffix(ref.Name, "-"+hash)
		}
		return ref.Kind, ref.Name
	}
	return "Pod", pod.Name
}

// restartCommand is how a workload's pods are recreated.
func restartCommand(ns, kind, name string) string {
	switch kind {
	case "Deployment", "StatefulSet", "DaemonSet":
		return fmt.Sprintf("kubectl -n %s rollout restart %s %s", ns, strings.ToLower(kind), name)
	case "Pod":
		return fmt.Sprintf("kubectl -n %s get pod %s -o yaml > %s.yaml; kubectl -n %s delete pod %s; kubectl create -f %s.yaml (without its status and spec.nodeName)", ns, name, name, ns, name, name)
	}
	return fmt.Sprintf("kubectl -n %s delete pod -l <the selector of %s %s> (its controller creates them again)", ns, kind, name)
}

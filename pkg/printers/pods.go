package printers

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// nodeLostReason is the status.reason the node lifecycle controller gives
// pods it deletes from an unreachable node; kubectl shows them as Unknown.
const nodeLostReason = "NodeLost"

var podColumns = []metav1.TableColumnDefinition{
	column("Name", "string", false),
	column("Ready", "string", false),
	column("Status", "string", false),
	column("Restarts", "string", false),
	column("Age", "string", false),
	column("IP", "string", false),
	column("Node", "string", true),
	column("Nominated Node", "string", true),
	column("Readiness Gates", "string", true),
}

// Pods is kubectl's pod table with an IP column holding every pod IP.
func (t Tables) Pods(pods []corev1.Pod) *metav1.Table {
	t.Now = t.now() // once, not once per row
	table := &metav1.Table{ColumnDefinitions: podColumns, Rows: make([]metav1.TableRow, len(pods))}
	cells := make([]any, len(pods)*len(podColumns)) // one allocation for the page's rows
	for i := range pods {
		pod := &pods[i]
		s := podStateOf(pod)
		table.Rows[i] = metav1.TableRow{
			Object: runtime.RawExtension{Object: pod},
			Cells: append(cells[i*len(podColumns):i*len(podColumns):(i+1)*len(podColumns)],
				pod.Name,
				ratio(s.ready, s.total),
				s.status,
				t.restarts(s.restarts),
				t.age(pod.CreationTimestamp),
				podIPs(pod),
				cmp.Or(pod.Spec.NodeName, none),
				cmp.Or(pod.Status.NominatedNodeName, none),
				readinessGates(pod),
			),
		}
	}
	return escapeCells(table)
}

// ratio is "n/total", as READY shows it.
func ratio(n, total int) string {
	return strconv.Itoa(n) + "/" + strconv.Itoa(total)
}

// podIPs lists every pod IP in status order (primary family first).
func podIPs(pod *corev1.Pod) string {
	if ips := pod.Status.PodIPs; len(ips) == 2 && ips[0].IP != "" && ips[1].IP != "" {
		return ips[0].IP + "," + ips[1].IP // the dual-stack pod, without a slice
	}
	var ips []string
	for _, ip := range pod.Status.PodIPs {
		if ip.IP != "" {
			ips = append(ips, ip.IP)
		}
	}
	if len(ips) == 0 && pod.Status.PodIP != "" {
		ips = []string{pod.Status.PodIP}
	}
	return joinOrNone(ips)
}

// readinessGates is "true/total" over the pod's readiness gates.
func readinessGates(pod *corev1.Pod) string {
	gates := pod.Spec.ReadinessGates
	if len(gates) == 0 {
		return none
	}
	met := 0
	for _, g := range gates {
		if conditionStatus(pod, g.ConditionType) == corev1.ConditionTrue {
			met++
		}
	}
	return ratio(met, len(gates))
}

// conditionStatus is the status of the pod's first condition of type typ.
func conditionStatus(pod *corev1.Pod, typ corev1.PodConditionType) corev1.ConditionStatus {
	for _, c := range pod.Status.Conditions {
		if c.Type == typ {
			return c.Status
		}
	}
	return ""
}

// restartCount adds up container restarts and remembers the latest one.
type restartCount struct {
	n    int
	last metav1.Time // when the most recent restarted container last exited
}

func (r *restartCount) add(c corev1.ContainerStatus) {
	r.n += int(c.RestartCount)
	if term := c.LastTerminationState.Terminated; term != nil && term.FinishedAt.After(r.last.Time) {
		r.last = term.FinishedAt
	}
}

// restarts is kubectl's RESTARTS cell: "3", or "3 (5m ago)" when the last
// restart's time is known.
func (t Tables) restarts(r restartCount) string {
	if r.n == 0 || r.last.IsZero() {
		return strconv.Itoa(r.n)
	}
	return fmt.Sprintf("%d (%s ago)", r.n, t.age(r.last))
}

// podState is what kubectl's READY, STATUS and RESTARTS columns show.
type podState struct {
	ready, total int
	status       string
	restarts     restartCount
}

// podStateOf works out a pod's state the way kubectl (the API server's pod
// printer) does: the phase or reason, overridden by the first init container
// still to finish, then by the first app container that is waiting or has
// exited, then by deletion.
func podStateOf(pod *corev1.Pod) podState {
	s := podState{
		total:  len(pod.Spec.Containers),
		status: cmp.Or(pod.Status.Reason, string(pod.Status.Phase)),
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Reason == corev1.PodReasonSchedulingGated {
			s.status = corev1.PodReasonSchedulingGated
		}
	}

	// Sidecars (init containers that restart always) keep running next to
	// the app containers, so they count towards READY.
	sidecars := map[string]bool{}
	for _, c := range pod.Spec.InitContainers {
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			sidecars[c.Name] = true
			s.total++
		}
	}

	// Init containers run in order: look at each up to the first that has
	// not finished (a started sidecar counts as finished).
	var initRestarts, sidecarRestarts restartCount
	initializing := false
	for i, c := range pod.Status.InitContainerStatuses {
		initRestarts.add(c)
		if sidecars[c.Name] {
			sidecarRestarts.add(c)
		}
		if c.State.Terminated != nil && c.State.Terminated.ExitCode == 0 {
			continue
		}
		if sidecars[c.Name] && c.Started != nil && *c.Started {
			if c.Ready {
				s.ready++
			}
			continue
		}
		initializing = true
		s.status = initStatus(c, i, len(pod.Spec.InitContainers))
		break
	}
	s.restarts = initRestarts

	if !initializing || conditionStatus(pod, corev1.PodInitialized) == corev1.ConditionTrue {
		// Past init, only sidecar restarts still count next to the app
		// containers'. The first app container waiting with a reason or
		// exited names the status.
		s.restarts = sidecarRestarts
		named, running := false, false
		failure := ""
		for _, c := range pod.Status.ContainerStatuses {
			s.restarts.add(c)
			reason := ""
			switch {
			case c.State.Waiting != nil && c.State.Waiting.Reason != "":
				reason = c.State.Waiting.Reason
			case c.State.Terminated != nil:
				reason = exitReason(c.State.Terminated)
				if c.State.Terminated.ExitCode != 0 && failure == "" {
					failure = reason
				}
			case c.Ready && c.State.Running != nil:
				running = true
				s.ready++
			}
			if reason != "" && !named {
				s.status, named = reason, true
			}
		}

		// A pod whose first container completed is still Running (or
		// NotReady) while others run, and shows an Error if one failed.
		podReady := slices.ContainsFunc(pod.Status.Conditions, func(c corev1.PodCondition) bool {
			return c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue
		})
		if s.status == "Completed" {
			switch {
			case running && podReady:
				s.status = "Running"
			case failure != "":
				s.status = failure
			case running:
				s.status = "NotReady"
			}
		}
	}

	if pod.DeletionTimestamp != nil {
		terminal := pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
		switch {
		case pod.Status.Reason == nodeLostReason:
			s.status = "Unknown"
		case !terminal:
			s.status = "Terminating"
		}
	}
	return s
}

// initStatus is STATUS while init container number i of n holds the pod up.
func initStatus(c corev1.ContainerStatus, i, n int) string {
	switch {
	case c.State.Terminated != nil:
		return "Init:" + exitReason(c.State.Terminated)
	case c.State.Waiting != nil && c.State.Waiting.Reason != "" && c.State.Waiting.Reason != "PodInitializing":
		return "Init:" + c.State.Waiting.Reason
	}
	return fmt.Sprintf("Init:%d/%d", i, n)
}

// exitReason names how a container exited: its reason, else the signal,
// else the exit code.
func exitReason(term *corev1.ContainerStateTerminated) string {
	switch {
	case term.Reason != "":
		return term.Reason
	case term.Signal != 0:
		return fmt.Sprintf("Signal:%d", term.Signal)
	}
	return fmt.Sprintf("ExitCode:%d", term.ExitCode)
}

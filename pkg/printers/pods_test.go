package printers

import (
	"reflect"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// podsNow is the fixed "now" of the pod and node tests.
var podsNow = time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)

func podsAgo(d time.Duration) metav1.Time { return metav1.NewTime(podsNow.Add(-d)) }

func runningStatus(name string, ready bool) corev1.ContainerStatus {
	return corev1.ContainerStatus{
		Name: name, Ready: ready, Started: ptr.To(true),
		State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: podsAgo(time.Hour)}},
	}
}

func waitingStatus(name, reason string) corev1.ContainerStatus {
	return corev1.ContainerStatus{
		Name: name, Started: ptr.To(false),
		State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason}},
	}
}

func exitedStatus(name string, code, signal int32, reason string) corev1.ContainerStatus {
	return corev1.ContainerStatus{
		Name: name, Started: ptr.To(false),
		State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
			ExitCode: code, Signal: signal, Reason: reason, FinishedAt: podsAgo(time.Minute),
		}},
	}
}

// restarted gives a status restarts, the last one finished `ago`.
func restarted(c corev1.ContainerStatus, n int32, ago time.Duration) corev1.ContainerStatus {
	c.RestartCount = n
	c.LastTerminationState.Terminated = &corev1.ContainerStateTerminated{
		ExitCode: 1, Reason: "Error", FinishedAt: podsAgo(ago),
	}
	return c
}

func podCondition(typ corev1.PodConditionType, status corev1.ConditionStatus) corev1.PodCondition {
	return corev1.PodCondition{Type: typ, Status: status}
}

var sidecarContainer = corev1.Container{Name: "proxy", RestartPolicy: ptr.To(corev1.ContainerRestartPolicyAlways)}

// testPod is a running, ready, dual-stack (IPv4 primary) pod "web" on
// node-a, 90 minutes old, changed by edit.
func testPod(edit func(*corev1.Pod)) corev1.Pod {
	pod := corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", CreationTimestamp: podsAgo(90 * time.Minute)},
		Spec: corev1.PodSpec{
			NodeName:   "node-a",
			Containers: []corev1.Container{{Name: "app"}},
		},
		Status: corev1.PodStatus{
			Phase: corev1.PodRunning,
			Conditions: []corev1.PodCondition{
				podCondition(corev1.PodInitialized, corev1.ConditionTrue),
				podCondition(corev1.PodReady, corev1.ConditionTrue),
			},
			PodIP:             "10.244.1.5",
			PodIPs:            []corev1.PodIP{{IP: "10.244.1.5"}, {IP: "fd00:10:244:1::5"}},
			ContainerStatuses: []corev1.ContainerStatus{runningStatus("app", true)},
		},
	}
	if edit != nil {
		edit(&pod)
	}
	return pod
}

const dualIPs = "10.244.1.5,fd00:10:244:1::5"

func TestPodsColumns(t *testing.T) {
	table := Tables{Now: podsNow}.Pods(nil)
	type col struct {
		name     string
		priority int32
	}
	var got []col
	for _, c := range table.ColumnDefinitions {
		got = append(got, col{c.Name, c.Priority})
	}
	want := []col{
		{"Name", 0}, {"Ready", 0}, {"Status", 0}, {"Restarts", 0}, {"Age", 0}, {"IP", 0},
		{"Node", 1}, {"Nominated Node", 1}, {"Readiness Gates", 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("columns = %v, want %v", got, want)
	}
	if table.ColumnDefinitions[0].Format != "name" {
		t.Errorf("Name column format = %q, want name", table.ColumnDefinitions[0].Format)
	}
	if len(table.Rows) != 0 {
		t.Errorf("rows for no pods = %d, want 0", len(table.Rows))
	}
}

func TestPodsRowsPointIntoInput(t *testing.T) {
	pods := []corev1.Pod{
		testPod(func(p *corev1.Pod) { p.Name = "a" }),
		testPod(func(p *corev1.Pod) { p.Name = "b" }),
	}
	table := Tables{Now: podsNow}.Pods(pods)
	if len(table.Rows) != 2 {
		t.Fatalf("rows = %d, want 2", len(table.Rows))
	}
	for i, row := range table.Rows {
		if row.Object.Object != &pods[i] {
			t.Errorf("row %d object = %p, want %p", i, row.Object.Object, &pods[i])
		}
		if row.Cells[0] != pods[i].Name {
			t.Errorf("row %d name = %v, want %s", i, row.Cells[0], pods[i].Name)
		}
	}
}

func TestPods(t *testing.T) {
	tests := []struct {
		name string
		pod  corev1.Pod
		want []any // Name, Ready, Status, Restarts, Age, IP, Node, Nominated Node, Readiness Gates
	}{
		{
			name: "dual-stack IPv4 primary",
			pod:  testPod(nil),
			want: []any{"web", "1/1", "Running", "0", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "dual-stack IPv6 primary keeps status order",
			pod: testPod(func(p *corev1.Pod) {
				p.Status.PodIP = "fd00:db8:1::2"
				p.Status.PodIPs = []corev1.PodIP{{IP: "fd00:db8:1::2"}, {IP: "192.168.1.3"}}
			}),
			want: []any{"web", "1/1", "Running", "0", "90m", "fd00:db8:1::2,192.168.1.3", "node-a", none, none},
		},
		{
			name: "single-stack IPv6",
			pod: testPod(func(p *corev1.Pod) {
				p.Status.PodIP = "fd00:db8:1::7"
				p.Status.PodIPs = []corev1.PodIP{{IP: "fd00:db8:1::7"}}
			}),
			want: []any{"web", "1/1", "Running", "0", "90m", "fd00:db8:1::7", "node-a", none, none},
		},
		{
			name: "podIP without podIPs",
			pod:  testPod(func(p *corev1.Pod) { p.Status.PodIPs = nil }),
			want: []any{"web", "1/1", "Running", "0", "90m", "10.244.1.5", "node-a", none, none},
		},
		{
			name: "host network pod shows the node's addresses",
			pod: testPod(func(p *corev1.Pod) {
				p.Spec.HostNetwork = true
				p.Status.HostIP = "172.18.0.2"
				p.Status.PodIP = "172.18.0.2"
				p.Status.PodIPs = []corev1.PodIP{{IP: "172.18.0.2"}, {IP: "fc00:f853:ccd:e793::2"}}
			}),
			want: []any{"web", "1/1", "Running", "0", "90m", "172.18.0.2,fc00:f853:ccd:e793::2", "node-a", none, none},
		},
		{
			name: "pending, not scheduled yet, nominated node",
			pod: testPod(func(p *corev1.Pod) {
				p.Spec.NodeName = ""
				p.Status = corev1.PodStatus{
					Phase:             corev1.PodPending,
					NominatedNodeName: "node-b",
					Conditions:        []corev1.PodCondition{podCondition(corev1.PodScheduled, corev1.ConditionFalse)},
				}
			}),
			want: []any{"web", "0/1", "Pending", "0", "90m", none, none, "node-b", none},
		},
		{
			name: "scheduling gated",
			pod: testPod(func(p *corev1.Pod) {
				p.Spec.NodeName = ""
				p.Status = corev1.PodStatus{
					Phase: corev1.PodPending,
					Conditions: []corev1.PodCondition{{
						Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: corev1.PodReasonSchedulingGated,
					}},
				}
			}),
			want: []any{"web", "0/1", "SchedulingGated", "0", "90m", none, none, none, none},
		},
		{
			name: "container creating, no IP yet",
			pod: testPod(func(p *corev1.Pod) {
				p.Status.Phase = corev1.PodPending
				p.Status.PodIP, p.Status.PodIPs = "", nil
				p.Status.Conditions = []corev1.PodCondition{podCondition(corev1.PodReady, corev1.ConditionFalse)}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{waitingStatus("app", "ContainerCreating")}
			}),
			want: []any{"web", "0/1", "ContainerCreating", "0", "90m", none, "node-a", none, none},
		},
		{
			name: "crash loop with the last restart's age",
			pod: testPod(func(p *corev1.Pod) {
				p.Status.ContainerStatuses = []corev1.ContainerStatus{
					restarted(waitingStatus("app", "CrashLoopBackOff"), 4, 5*time.Minute),
				}
			}),
			want: []any{"web", "0/1", "CrashLoopBackOff", "4 (5m ago)", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "restarts add up across containers, latest restart wins",
			pod: testPod(func(p *corev1.Pod) {
				p.Spec.Containers = []corev1.Container{{Name: "app"}, {Name: "log"}}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{
					restarted(runningStatus("app", true), 1, 2*time.Hour),
					restarted(runningStatus("log", true), 2, 10*time.Minute),
				}
			}),
			want: []any{"web", "2/2", "Running", "3 (10m ago)", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "restarts without a last termination time",
			pod: testPod(func(p *corev1.Pod) {
				p.Status.ContainerStatuses[0].RestartCount = 2
			}),
			want: []any{"web", "1/1", "Running", "2", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "first waiting container names the status",
			pod: testPod(func(p *corev1.Pod) {
				p.Spec.Containers = []corev1.Container{{Name: "app"}, {Name: "log"}, {Name: "metrics"}}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{
					runningStatus("app", true),
					waitingStatus("log", "ImagePullBackOff"),
					waitingStatus("metrics", "ErrImagePull"),
				}
			}),
			want: []any{"web", "1/3", "ImagePullBackOff", "0", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "init container running",
			pod: testPod(func(p *corev1.Pod) {
				p.Spec.InitContainers = []corev1.Container{{Name: "migrate"}, {Name: "seed"}}
				p.Status.Phase = corev1.PodPending
				p.Status.Conditions = []corev1.PodCondition{podCondition(corev1.PodInitialized, corev1.ConditionFalse)}
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{
					exitedStatus("migrate", 0, 0, "Completed"),
					runningStatus("seed", false),
				}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{waitingStatus("app", "PodInitializing")}
			}),
			want: []any{"web", "0/1", "Init:1/2", "0", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "init container waiting for PodInitializing counts as init progress",
			pod: testPod(func(p *corev1.Pod) {
				p.Spec.InitContainers = []corev1.Container{{Name: "migrate"}}
				p.Status.Phase = corev1.PodPending
				p.Status.Conditions = nil
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{waitingStatus("migrate", "PodInitializing")}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{waitingStatus("app", "PodInitializing")}
			}),
			want: []any{"web", "0/1", "Init:0/1", "0", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "init container crash loop counts its restarts",
			pod: testPod(func(p *corev1.Pod) {
				p.Spec.InitContainers = []corev1.Container{{Name: "migrate"}}
				p.Status.Phase = corev1.PodPending
				p.Status.Conditions = nil
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{
					restarted(waitingStatus("migrate", "CrashLoopBackOff"), 3, 2*time.Minute),
				}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{waitingStatus("app", "PodInitializing")}
			}),
			want: []any{"web", "0/1", "Init:CrashLoopBackOff", "3 (2m ago)", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "init container failed with a reason",
			pod: testPod(func(p *corev1.Pod) {
				p.Spec.InitContainers = []corev1.Container{{Name: "migrate"}}
				p.Status.Phase = corev1.PodPending
				p.Status.Conditions = nil
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{exitedStatus("migrate", 1, 0, "Error")}
				p.Status.ContainerStatuses = nil
			}),
			want: []any{"web", "0/1", "Init:Error", "0", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "init container killed by a signal",
			pod: testPod(func(p *corev1.Pod) {
				p.Spec.InitContainers = []corev1.Container{{Name: "migrate"}}
				p.Status.Phase = corev1.PodPending
				p.Status.Conditions = nil
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{exitedStatus("migrate", 137, 9, "")}
				p.Status.ContainerStatuses = nil
			}),
			want: []any{"web", "0/1", "Init:Signal:9", "0", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "init container exit code",
			pod: testPod(func(p *corev1.Pod) {
				p.Spec.InitContainers = []corev1.Container{{Name: "migrate"}}
				p.Status.Phase = corev1.PodPending
				p.Status.Conditions = nil
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{exitedStatus("migrate", 2, 0, "")}
				p.Status.ContainerStatuses = nil
			}),
			want: []any{"web", "0/1", "Init:ExitCode:2", "0", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "finished init containers' restarts no longer count",
			pod: testPod(func(p *corev1.Pod) {
				p.Spec.InitContainers = []corev1.Container{{Name: "migrate"}}
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{
					restarted(exitedStatus("migrate", 0, 0, "Completed"), 2, 80*time.Minute),
				}
			}),
			want: []any{"web", "1/1", "Running", "0", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "running sidecar counts as ready and keeps its restarts",
			pod: testPod(func(p *corev1.Pod) {
				p.Spec.InitContainers = []corev1.Container{sidecarContainer}
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{
					restarted(runningStatus("proxy", true), 1, 7*time.Minute),
				}
			}),
			want: []any{"web", "2/2", "Running", "1 (7m ago)", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "started sidecar, then a regular init container running",
			pod: testPod(func(p *corev1.Pod) {
				p.Spec.InitContainers = []corev1.Container{sidecarContainer, {Name: "migrate"}}
				p.Status.Phase = corev1.PodPending
				p.Status.Conditions = []corev1.PodCondition{podCondition(corev1.PodInitialized, corev1.ConditionFalse)}
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{
					runningStatus("proxy", true),
					restarted(runningStatus("migrate", false), 1, 3*time.Minute),
				}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{waitingStatus("app", "PodInitializing")}
			}),
			want: []any{"web", "1/2", "Init:1/2", "1 (3m ago)", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "sidecar not started yet holds up init",
			pod: testPod(func(p *corev1.Pod) {
				p.Spec.InitContainers = []corev1.Container{sidecarContainer}
				p.Status.Phase = corev1.PodPending
				p.Status.Conditions = nil
				sidecar := runningStatus("proxy", false)
				sidecar.Started = ptr.To(false)
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{sidecar}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{waitingStatus("app", "PodInitializing")}
			}),
			want: []any{"web", "0/2", "Init:0/1", "0", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "completed",
			pod: testPod(func(p *corev1.Pod) {
				p.Status.Phase = corev1.PodSucceeded
				p.Status.Conditions = []corev1.PodCondition{podCondition(corev1.PodReady, corev1.ConditionFalse)}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{exitedStatus("app", 0, 0, "Completed")}
			}),
			want: []any{"web", "0/1", "Completed", "0", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "error",
			pod: testPod(func(p *corev1.Pod) {
				p.Status.Phase = corev1.PodFailed
				p.Status.Conditions = []corev1.PodCondition{podCondition(corev1.PodReady, corev1.ConditionFalse)}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{exitedStatus("app", 1, 0, "Error")}
			}),
			want: []any{"web", "0/1", "Error", "0", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "exited without a reason shows the exit code",
			pod: testPod(func(p *corev1.Pod) {
				p.Status.Phase = corev1.PodFailed
				p.Status.ContainerStatuses = []corev1.ContainerStatus{exitedStatus("app", 3, 0, "")}
			}),
			want: []any{"web", "0/1", "ExitCode:3", "0", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "evicted shows the pod's reason",
			pod: testPod(func(p *corev1.Pod) {
				p.Status.Phase = corev1.PodFailed
				p.Status.Reason = "Evicted"
				p.Status.PodIP, p.Status.PodIPs = "", nil
				p.Status.ContainerStatuses = nil
			}),
			want: []any{"web", "0/1", "Evicted", "0", "90m", none, "node-a", none, none},
		},
		{
			name: "one container completed, another running in a ready pod",
			pod: testPod(func(p *corev1.Pod) {
				p.Spec.Containers = []corev1.Container{{Name: "job"}, {Name: "app"}}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{
					exitedStatus("job", 0, 0, "Completed"),
					runningStatus("app", true),
				}
			}),
			want: []any{"web", "1/2", "Running", "0", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "one container completed, another running, pod not ready",
			pod: testPod(func(p *corev1.Pod) {
				p.Spec.Containers = []corev1.Container{{Name: "job"}, {Name: "app"}}
				p.Status.Conditions = []corev1.PodCondition{podCondition(corev1.PodReady, corev1.ConditionFalse)}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{
					exitedStatus("job", 0, 0, "Completed"),
					runningStatus("app", true),
				}
			}),
			want: []any{"web", "1/2", "NotReady", "0", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "one container completed, another failed",
			pod: testPod(func(p *corev1.Pod) {
				p.Spec.Containers = []corev1.Container{{Name: "job"}, {Name: "app"}}
				p.Status.Phase = corev1.PodFailed
				p.Status.ContainerStatuses = []corev1.ContainerStatus{
					exitedStatus("job", 0, 0, "Completed"),
					exitedStatus("app", 137, 0, "OOMKilled"),
				}
			}),
			want: []any{"web", "0/2", "OOMKilled", "0", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "terminating",
			pod: testPod(func(p *corev1.Pod) {
				p.DeletionTimestamp = ptr.To(podsAgo(time.Minute))
			}),
			want: []any{"web", "1/1", "Terminating", "0", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "deleted after it completed stays Completed",
			pod: testPod(func(p *corev1.Pod) {
				p.DeletionTimestamp = ptr.To(podsAgo(time.Minute))
				p.Status.Phase = corev1.PodSucceeded
				p.Status.ContainerStatuses = []corev1.ContainerStatus{exitedStatus("app", 0, 0, "Completed")}
			}),
			want: []any{"web", "0/1", "Completed", "0", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "deleted from a lost node is Unknown",
			pod: testPod(func(p *corev1.Pod) {
				p.DeletionTimestamp = ptr.To(podsAgo(time.Minute))
				p.Status.Reason = "NodeLost"
			}),
			want: []any{"web", "1/1", "Unknown", "0", "90m", dualIPs, "node-a", none, none},
		},
		{
			name: "readiness gates, one met, one without a condition",
			pod: testPod(func(p *corev1.Pod) {
				p.Spec.ReadinessGates = []corev1.PodReadinessGate{
					{ConditionType: "example.com/lb-ready"},
					{ConditionType: "example.com/dns-ready"},
				}
				p.Status.Conditions = append(p.Status.Conditions,
					podCondition("example.com/lb-ready", corev1.ConditionTrue))
			}),
			want: []any{"web", "1/1", "Running", "0", "90m", dualIPs, "node-a", none, "1/2"},
		},
		{
			name: "readiness gate not met",
			pod: testPod(func(p *corev1.Pod) {
				p.Spec.ReadinessGates = []corev1.PodReadinessGate{{ConditionType: "example.com/lb-ready"}}
				p.Status.Conditions = append(p.Status.Conditions,
					podCondition("example.com/lb-ready", corev1.ConditionFalse))
			}),
			want: []any{"web", "1/1", "Running", "0", "90m", dualIPs, "node-a", none, "0/1"},
		},
		{
			name: "nominated node while running elsewhere is shown",
			pod: testPod(func(p *corev1.Pod) {
				p.Status.NominatedNodeName = "node-c"
			}),
			want: []any{"web", "1/1", "Running", "0", "90m", dualIPs, "node-a", "node-c", none},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			table := Tables{Now: podsNow}.Pods([]corev1.Pod{tt.pod})
			if len(table.Rows) != 1 {
				t.Fatalf("rows = %d, want 1", len(table.Rows))
			}
			if got := table.Rows[0].Cells; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("cells =\n  %q\nwant\n  %q", got, tt.want)
			}
		})
	}
}

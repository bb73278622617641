package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	got := summarize([]sample{
		{wall: ms(300), rssKiB: 30, lines: 7},
		{wall: ms(100), rssKiB: 50, lines: 7},
		{wall: ms(200), rssKiB: 10, lines: 9},
	})
	want := stats{Median: ms(200), Min: ms(100), Max: ms(300), RSSKiB: 30, Lines: 9, Runs: 3}
	if got != want {
		t.Errorf("odd count: got %+v, want %+v", got, want)
	}
	got = summarize([]sample{{wall: ms(400), rssKiB: 40}, {wall: ms(100), rssKiB: 10}, {wall: ms(300), rssKiB: 20}, {wall: ms(200), rssKiB: 30}})
	if got.Median != ms(250) || got.RSSKiB != 25 || got.Min != ms(100) || got.Max != ms(400) {
		t.Errorf("even count: got %+v, want median 250ms and RSS 25 KiB (means of the middle two)", got)
	}
	if got := summarize(nil); got != (stats{}) {
		t.Errorf("no samples: got %+v", got)
	}
}

func TestWriteTable(t *testing.T) {
	kubectl := stats{Median: 2 * time.Second, Min: time.Second, Max: 3 * time.Second, RSSKiB: 200 * 1024, Lines: 11}
	plugin := stats{Median: 500 * time.Millisecond, Min: 400 * time.Millisecond, Max: 600 * time.Millisecond, RSSKiB: 50 * 1024, Lines: 11}
	var b bytes.Buffer
	writeTable(&b, []row{{Label: "kubectl", Stats: kubectl}, {Label: "plugin", Stats: plugin, Refs: []ref{{"kubectl", kubectl}, {"floor", plugin}}}})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("want a header, a separator and 2 rows, got:\n%s", b.String())
	}
	for i, want := range []string{
		"| kubectl | 2.00s | 1.00s | 3.00s | 200 MiB | 11 |  |  |",
		"| plugin | 0.50s | 0.40s | 0.60s | 50 MiB | 11 | 0.25x kubectl, 1.00x floor | 0.25x kubectl, 1.00x floor |",
	} {
		if lines[2+i] != want {
			t.Errorf("row %d:\n got %s\nwant %s", i, lines[2+i], want)
		}
	}
	if cells := strings.Count(lines[0], "|"); cells != strings.Count(lines[1], "|") || cells != strings.Count(lines[2], "|") {
		t.Errorf("header, separator and rows have different column counts:\n%s", b.String())
	}
}

func TestGoalVerdicts(t *testing.T) {
	s := func(ms int, rssMiB int64) stats {
		return stats{Median: time.Duration(ms) * time.Millisecond, RSSKiB: rssMiB * 1024}
	}
	f := figures{
		KubectlPods: s(3000, 250), PluginPods: s(1200, 100), FloorPods: s(1000, 60),
		KubectlSlices: s(400, 75), PluginEndpoints: s(500, 40), Check: s(2000, 90),
		Summary: s(1300, 80), FloorCheck: s(1000, 50),
	}
	got := goalVerdicts(f, nil)
	want := []bool{
		true,  // 0.40x kubectl's time
		true,  // 0.40x kubectl's RSS
		true,  // 1.20x the floor
		false, // endpoints 1.25x kubectl
		true,  // check 0.67x kubectl get pods
		false, // check 2.0x the check floor
		false, // summary 1.3x the check floor
	}
	if len(got) != len(want) {
		t.Fatalf("got %d verdicts without a sweep, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		if got[i].OK != want[i] {
			t.Errorf("verdict %d: %s, want OK=%v", i, got[i], want[i])
		}
	}
	if !strings.Contains(got[3].String(), "MISSED: get endpoints time 1.25x") {
		t.Errorf("a missed goal should say so with its ratio: %s", got[3])
	}

	f.Check = s(1150, 90) // 1.15x the check floor
	if v := goalVerdicts(f, nil)[5]; !v.OK {
		t.Errorf("check at 1.15x the floor: %s, want it met", v)
	}

	f.PluginPods = s(1600, 130) // 0.53x kubectl's time, 0.52x its RSS, 1.6x the floor
	for i, v := range goalVerdicts(f, nil)[:3] {
		if v.OK {
			t.Errorf("verdict %d: %s, want it missed", i, v)
		}
	}
}

func TestRSSGrowth(t *testing.T) {
	point := func(pods int, rssMiB int64) sweepPoint {
		return sweepPoint{Pods: pods, Check: stats{RSSKiB: rssMiB * 1024}}
	}
	for _, tc := range []struct {
		name  string
		sweep []sweepPoint
		ok    bool
	}{
		// 40 MiB fixed + 5 MiB per 1,000 pods: linear, although 30k/10k is only 2.1x.
		{"linear with a fixed cost", []sweepPoint{point(1000, 45), point(10000, 90), point(30000, 190)}, false},
		{"streamed: flat", []sweepPoint{point(1000, 60), point(10000, 62), point(30000, 64)}, true},
		{"flat with noise below the smallest size", []sweepPoint{point(1000, 64), point(10000, 60), point(30000, 63)}, true},
		{"sub-linear", []sweepPoint{point(1000, 45), point(10000, 90), point(30000, 150)}, true},
		{"unsorted input", []sweepPoint{point(30000, 190), point(1000, 45), point(10000, 90)}, false},
		{"two sizes, proportional", []sweepPoint{point(10000, 100), point(30000, 300)}, false},
		{"two sizes, less than proportional", []sweepPoint{point(10000, 100), point(30000, 200)}, true},
	} {
		v, ok := rssGrowth("check", tc.sweep, func(p sweepPoint) stats { return p.Check })
		if !ok {
			t.Fatalf("%s: no verdict", tc.name)
		}
		if v.OK != tc.ok {
			t.Errorf("%s: %s, want OK=%v", tc.name, v, tc.ok)
		}
	}
	if _, ok := rssGrowth("check", []sweepPoint{point(10000, 90)}, func(p sweepPoint) stats { return p.Check }); ok {
		t.Error("one size cannot show growth, want no verdict")
	}
}

func TestParseSizes(t *testing.T) {
	got, err := parseSizes(" 1000, 10000,,30000 ")
	if err != nil || len(got) != 3 || got[0] != 1000 || got[1] != 10000 || got[2] != 30000 {
		t.Errorf("got %v, %v", got, err)
	}
	if got, err := parseSizes(""); err != nil || len(got) != 0 {
		t.Errorf("empty sweep: got %v, %v", got, err)
	}
	for _, bad := range []string{"10k", "-5", "0"} {
		if _, err := parseSizes(bad); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

func TestClusterArgs(t *testing.T) {
	for _, tt := range []struct {
		nodes, pods int
		want        string
	}{
		{100, 10000, ""}, // 110 pods a node fit a /24, 100 nodes the /16 and /56
		{100, 30000, "--node-cidr-mask-size-ipv4=23"},
		{200, 60000, "--node-cidr-mask-size-ipv4=23 --cluster-cidr=10.244.0.0/15,fd00:10:244::/56"},
		{300, 3000, "--cluster-cidr=10.244.0.0/15,fd00:10:244::/55"},    // 300 nodes: more than a /56 of /64s
		{5000, 150000, "--cluster-cidr=10.224.0.0/11,fd00:10:244::/51"}, // the scalability thresholds
	} {
		args, err := clusterArgs(tt.nodes, tt.pods)
		if err != nil || strings.Join(args, " ") != tt.want {
			t.Errorf("%d nodes, %d pods: got %v, %v; want %q", tt.nodes, tt.pods, args, err, tt.want)
		}
	}
	if _, err := clusterArgs(70000, 70000); err == nil {
		t.Error("70,000 nodes: want an error (a cluster range of more than 16 bits of node ranges)")
	}
}

// The figures of the first 5,000-node, 150,000-pod run, before check and
// summary held compact EndpointSlices: get pods meets issue 18's goals,
// check and summary their time goal but not their memory goal.
func TestScaleVerdicts(t *testing.T) {
	s := func(ms, rssMiB int64) stats {
		return stats{Median: time.Duration(ms) * time.Millisecond, RSSKiB: rssMiB * 1024}
	}
	f := figures{PluginPods: s(31450, 84), FloorPods: s(25610, 42), Check: s(28320, 358), Summary: s(28270, 347), FloorCheck: s(27190, 75)}
	var got []bool
	for _, v := range scaleVerdicts(f) {
		got = append(got, v.OK)
	}
	if want := []bool{true, true, true, false, true, false}; !slices.Equal(got, want) {
		t.Errorf("verdicts %v, want %v: %v", got, want, scaleVerdicts(f))
	}
	f.PluginPods = s(34000, 150) // 1.33x the floor, and at the limit
	for _, v := range scaleVerdicts(f)[:2] {
		if v.OK {
			t.Errorf("%s: want it missed", v)
		}
	}
}

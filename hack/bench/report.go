package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// sample is one run of one command: its wall time and its peak RSS.
type sample struct {
	wall   time.Duration
	rssKiB int64
	lines  int64 // lines it printed to stdout
}

// stats sums up the runs of one command.
type stats struct {
	Median, Min, Max time.Duration
	RSSKiB           int64 // median peak RSS
	Lines            int64 // lines printed by the last run
	Runs             int
}

// summarize returns the median, min and max wall time and the median peak
// RSS of the samples; a median of an even count is the mean of the middle two.
func summarize(samples []sample) stats {
	if len(samples) == 0 {
		return stats{}
	}
	walls := make([]time.Duration, len(samples))
	rss := make([]int64, len(samples))
	for i, s := range samples {
		walls[i], rss[i] = s.wall, s.rssKiB
	}
	slices.Sort(walls)
	slices.Sort(rss)
	return stats{
		Median: medianOf(walls), Min: walls[0], Max: walls[len(walls)-1],
		RSSKiB: medianOf(rss), Lines: samples[len(samples)-1].lines, Runs: len(samples),
	}
}

func medianOf[T int64 | time.Duration](sorted []T) T {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// row is one line of the results table, with the rows its ratios are
// taken against.
type row struct {
	Label string
	Stats stats
	Refs  []ref
}

// ref is a reference figure, under the short name the ratio column shows.
type ref struct {
	Name  string
	Stats stats
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }
func mib(kib int64) string           { return fmt.Sprintf("%.0f MiB", float64(kib)/1024) }

// ratio is a/b, or 0 when b is zero.
func ratio[T int64 | time.Duration](a, b T) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// writeTable prints the rows as a markdown table; ratios are of the
// median time and of the median peak RSS.
func writeTable(w io.Writer, rows []row) {
	fmt.Fprintln(w, "| command | median | min | max | peak RSS (median) | lines out | time ratio | RSS ratio |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---|---|")
	for _, r := range rows {
		var timeRatios, rssRatios []string
		for _, ref := range r.Refs {
			timeRatios = append(timeRatios, fmt.Sprintf("%.2fx %s", ratio(r.Stats.Median, ref.Stats.Median), ref.Name))
			rssRatios = append(rssRatios, fmt.Sprintf("%.2fx %s", ratio(r.Stats.RSSKiB, ref.Stats.RSSKiB), ref.Name))
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %d | %s | %s |\n", r.Label,
			seconds(r.Stats.Median), seconds(r.Stats.Min), seconds(r.Stats.Max), mib(r.Stats.RSSKiB), r.Stats.Lines,
			strings.Join(timeRatios, ", "), strings.Join(rssRatios, ", "))
	}
}

// sweepPoint is the figures of one cluster size.
type sweepPoint struct {
	Pods                                    int
	KubectlPods, PluginPods, Check, Summary stats
}

func writeSweep(w io.Writer, points []sweepPoint) {
	fmt.Fprintln(w, "| pods | `kubectl get pods -A -o wide` | `dualstack get pods -A -o wide` | `dualstack check` | `dualstack summary -A` |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|")
	cell := func(s stats) string { return seconds(s.Median) + ", " + mib(s.RSSKiB) }
	for _, p := range points {
		fmt.Fprintf(w, "| %d | %s | %s | %s | %s |\n", p.Pods, cell(p.KubectlPods), cell(p.PluginPods), cell(p.Check), cell(p.Summary))
	}
}

// verdict is one goal of the issue and whether the measurement meets it.
type verdict struct {
	Goal, Measured string
	OK             bool
}

func (v verdict) String() string {
	mark := "MISSED"
	if v.OK {
		mark = "OK"
	}
	return fmt.Sprintf("%s: %s (goal %s)", mark, v.Measured, v.Goal)
}

// figures are the medians the goals are about, at the main size.
type figures struct {
	KubectlPods, PluginPods, FloorPods stats
	KubectlSlices, PluginEndpoints     stats
	Check                              stats
	Summary, FloorCheck                stats
}

// goalVerdicts checks the goals of issues 9, 16 and 17 against the figures
// and, when the sweep has at least two sizes, the growth of check's and
// summary's peak RSS.
func goalVerdicts(f figures, sweep []sweepPoint) []verdict {
	out := []verdict{
		atMost("get pods time", ratio(f.PluginPods.Median, f.KubectlPods.Median), 0.5, "kubectl's"),
		atMost("get pods peak RSS", ratio(f.PluginPods.RSSKiB, f.KubectlPods.RSSKiB), 0.5, "kubectl's"),
		atMost("get pods time", ratio(f.PluginPods.Median, f.FloorPods.Median), 1.5, "the protobuf LIST floor"),
		atMost("get endpoints time", ratio(f.PluginEndpoints.Median, f.KubectlSlices.Median), 1, "kubectl get endpointslices"),
		atMost("check time", ratio(f.Check.Median, f.KubectlPods.Median), 1, "kubectl get pods -A -o wide"),
		atMost("check time", ratio(f.Check.Median, f.FloorCheck.Median), 1.2, "the time to list its objects once (the check floor)"),
		atMost("summary -A time", ratio(f.Summary.Median, f.FloorCheck.Median), 1.2, "the time to list its objects once (the check floor)"),
	}
	if v, ok := rssGrowth("check", sweep, func(p sweepPoint) stats { return p.Check }); ok {
		out = append(out, v)
	}
	if v, ok := rssGrowth("summary -A", sweep, func(p sweepPoint) stats { return p.Summary }); ok {
		out = append(out, v)
	}
	return out
}

// atMost is the goal that a ratio (got) is at most max times unit.
func atMost(name string, got, max float64, unit string) verdict {
	return verdict{
		Goal:     fmt.Sprintf("<= %.1fx %s", max, unit),
		Measured: fmt.Sprintf("%s %.2fx %s", name, got, unit),
		OK:       got <= max,
	}
}

// scaleVerdicts checks issue 18's goals at the scalability thresholds
// (5,000 nodes, 150,000 pods): close to the floor, and a fixed peak RSS.
func scaleVerdicts(f figures) []verdict {
	within := func(name string, s, floor stats, max float64, maxMiB int64, unit string) []verdict {
		return []verdict{atMost(name+" time", ratio(s.Median, floor.Median), max, unit), {
			Goal:     fmt.Sprintf("below %d MiB", maxMiB),
			Measured: fmt.Sprintf("%s peak RSS %s", name, mib(s.RSSKiB)),
			OK:       s.RSSKiB < maxMiB*1024,
		}}
	}
	return slices.Concat(
		within("get pods", f.PluginPods, f.FloorPods, 1.3, 150, "the protobuf LIST floor"),
		within("check", f.Check, f.FloorCheck, 1.3, 250, "the check floor"),
		within("summary -A", f.Summary, f.FloorCheck, 1.3, 250, "the check floor"),
	)
}

// rssGrowth judges whether a command's peak RSS (of) grows less than
// linearly with the pods, from the second-largest to the largest size. Linear growth is
// the straight line through the two smaller sizes (its intercept is the
// process's fixed cost); with only two sizes, proportional growth. A peak
// within 10% of the smaller size's is flat whatever the line says, so that
// noise on a flat curve is not read as growth.
func rssGrowth(name string, sweep []sweepPoint, of func(sweepPoint) stats) (verdict, bool) {
	if len(sweep) < 2 {
		return verdict{}, false
	}
	pts := slices.Clone(sweep)
	slices.SortFunc(pts, func(a, b sweepPoint) int { return a.Pods - b.Pods })
	hi, mid := pts[len(pts)-1], pts[len(pts)-2]
	hiRSS, midRSS := of(hi).RSSKiB, of(mid).RSSKiB
	got := float64(hiRSS)
	var linear float64
	if len(pts) >= 3 {
		lo := pts[0]
		slope := float64(midRSS-of(lo).RSSKiB) / float64(mid.Pods-lo.Pods)
		linear = float64(midRSS) + slope*float64(hi.Pods-mid.Pods)
	} else {
		linear = float64(midRSS) * float64(hi.Pods) / float64(mid.Pods)
	}
	flat := got <= 1.1*float64(midRSS)
	return verdict{
		Goal: fmt.Sprintf("less than linear growth: below %s at %d pods, the line through the smaller sizes", mib(int64(linear)), hi.Pods),
		Measured: fmt.Sprintf("%s peak RSS %s at %d pods -> %s at %d pods (%.2fx for %.1fx the pods)",
			name, mib(midRSS), mid.Pods, mib(hiRSS), hi.Pods, ratio(hiRSS, midRSS), float64(hi.Pods)/float64(mid.Pods)),
		OK: flat || got < linear,
	}, true
}

// parseSizes reads the sweep's comma-separated pod counts ("" is none).
func parseSizes(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("sweep size %q is not a positive number", f)
		}
		out = append(out, n)
	}
	return out, nil
}

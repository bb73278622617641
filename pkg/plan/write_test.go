package plan

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/termtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func goldenPlan(t *testing.T) *Plan {
	t.Helper()
	p, err := Build(singleIPv4(), Options{ServiceCIDR: "fd00:10:96::/112", PodCIDR: "fd00:10:244::/56", Admission: AdmissionState{Known: true, Served: true}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The text output, reviewed as a golden file.
func TestWriteTextGolden(t *testing.T) {
	var out bytes.Buffer
	if err := Write(&out, goldenPlan(t), "text", false); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "single-ipv4.txt")
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(want) {
		t.Errorf("text output differs from %s (go test ./pkg/plan -update to accept):\n%s", golden, out.String())
	}
}

// JSON and YAML carry the same plan, and read back equal.
func TestWriteJSONAndYAML(t *testing.T) {
	p := goldenPlan(t)
	for _, format := range []string{"json", "yaml"} {
		var out bytes.Buffer
		if err := Write(&out, p, format, false); err != nil {
			t.Fatal(err)
		}
		var back Plan
		var err error
		if format == "json" {
			err = json.Unmarshal(out.Bytes(), &back)
		} else {
			err = yaml.Unmarshal(out.Bytes(), &back)
		}
		if err != nil || len(back.Steps) != len(p.Steps) || back.Steps[0].Flags.Set["service-cluster-ip-range"] != p.Steps[0].Flags.Set["service-cluster-ip-range"] {
			t.Errorf("%s does not read back: %v\n%s", format, err, out.String())
		}
	}
}

// Colour only when asked, and names from the cluster escaped: control
// characters, and the bidirectional controls of Trojan Source.
func TestWriteTextEscapesAndColours(t *testing.T) {
	p := goldenPlan(t)
	p.Steps[0].Target = "kube-apiserver (evil\x1b[31m\u202e\u2066)"
	var plain, coloured bytes.Buffer
	if err := Write(&plain, p, "text", false); err != nil {
		t.Fatal(err)
	}
	if err := Write(&coloured, p, "text", true); err != nil {
		t.Fatal(err)
	}
	if bad := termtest.RawControls(plain.String(), "\n"); len(bad) > 0 || !strings.Contains(plain.String(), `evil^[[31m\u202e\u2066`) {
		t.Errorf("plain output has raw %v or lost the name:\n%q", bad, plain.String())
	}
	if !strings.Contains(coloured.String(), "\x1b[1m") {
		t.Errorf("coloured output has no bold headings")
	}
}

func TestEmit(t *testing.T) {
	dir := t.TempDir()
	written, err := Emit(dir, goldenPlan(t), []Artefact{{Path: "files/kubeadm.yaml", Content: []byte("x\n")}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"files/kubeadm.yaml", "plan.json", "services/shop_web.json", "services/shop_prefer.json", "admission-policy.yaml", "services/patch.sh"}
	if strings.Join(written, " ") != strings.Join(want, " ") {
		t.Errorf("written %v, want %v", written, want)
	}
	patch, _ := os.ReadFile(filepath.Join(dir, "services", "shop_prefer.json"))
	if string(patch) != `{"spec":{"ipFamilies":["IPv4","IPv6"]}}`+"\n" {
		t.Errorf("shop_prefer.json = %s", patch)
	}
	script, _ := os.ReadFile(filepath.Join(dir, "services", "patch.sh"))
	if !strings.Contains(string(script), `kubectl -n 'shop' patch service 'web' --type=merge --patch-file "$here/shop_web.json"`) {
		t.Errorf("patch.sh:\n%s", script)
	}
	if info, err := os.Stat(filepath.Join(dir, "services", "patch.sh")); err != nil || info.Mode().Perm()&0o100 == 0 {
		t.Errorf("patch.sh is not executable: %v", err)
	}
}

package difftest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/proctorlabs/proctor/iampolicy"
)

// oracleResult is one line the simulator writes.
type oracleResult struct {
	ID        int      `json:"id"`
	Result    string   `json:"result"`
	Error     string   `json:"error"`
	Ignored   []string `json:"ignored"`
	ElapsedNs int64    `json:"elapsedNs"`
	Count     int      `json:"count"`
}

var oracleDecision = map[string]iampolicy.Decision{
	"Allowed":          iampolicy.Allowed,
	"ExplicitlyDenied": iampolicy.ExplicitDeny,
	"ImplicitlyDenied": iampolicy.ImplicitDeny,
}

func TestDifferential(t *testing.T) {
	modules := os.Getenv("IAMPOLICY_ORACLE")
	if modules == "" {
		t.Skip("IAMPOLICY_ORACLE is not set; run scripts/iam-differential.sh")
	}
	n := 12000
	if v := os.Getenv("IAMPOLICY_CASES"); v != "" {
		fmt.Sscan(v, &n)
	}
	seed := uint64(1)
	if v := os.Getenv("IAMPOLICY_SEED"); v != "" {
		fmt.Sscan(v, &seed)
	}
	cases := Generate(seed, n)
	dir := t.TempDir()
	casesFile, outFile := filepath.Join(dir, "cases.jsonl"), filepath.Join(dir, "out.jsonl")
	if err := writeCases(casesFile, cases); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", "oracle.mjs", casesFile, outFile)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("run the simulator: %v", err)
	}
	results, timing, err := readResults(outFile)
	if err != nil {
		t.Fatal(err)
	}

	inputs := make([]Prepared, len(cases))
	for i, c := range cases {
		p, err := Prepare(c)
		if err != nil {
			t.Fatalf("case %d: %v", c.ID, err)
		}
		inputs[i] = p
	}
	start := time.Now()
	decisions := make([]iampolicy.Result, len(inputs))
	const rounds = 5
	for range rounds {
		for i := range inputs {
			decisions[i] = iampolicy.Evaluate(inputs[i].Input, inputs[i].Request)
		}
	}
	ours := time.Since(start) / rounds

	var agree, compared, errored int
	byDecision := map[string]int{}
	var disagreements []string
	explained := map[string]int{}
	for i, c := range cases {
		r := results[c.ID]
		if r.Error != "" {
			errored++
			if errored <= 5 {
				t.Logf("simulator rejected case %d: %s", c.ID, r.Error)
			}
			continue
		}
		compared++
		byDecision[r.Result]++
		if len(r.Ignored) > 0 {
			t.Errorf("case %d: the simulator ignored context keys %v", c.ID, r.Ignored)
		}
		want := oracleDecision[r.Result]
		got := decisions[i].Decision
		if got == want {
			agree++
			continue
		}
		if why := Explain(c, got, want); why != "" {
			explained[why]++
			continue
		}
		disagreements = append(disagreements, fmt.Sprintf("case %d: iampolicy %v "+
			"(deciding %v, missing %v), iam-simulate %v\n%s", c.ID, got,
			decisions[i].Deciding, decisions[i].Missing, want, describe(c)))
	}
	rate := 100 * float64(agree) / float64(compared)
	fmt.Printf("differential: %d cases, %d compared (%d rejected by the simulator), "+
		"%d agree: %.3f%%\n", len(cases), compared, errored, agree, rate)
	fmt.Printf("simulator decisions: %v\n", byDecision)
	var whys []string
	for why, n := range explained {
		whys = append(whys, fmt.Sprintf("  %5d  %s", n, why))
	}
	sort.Strings(whys)
	if len(whys) > 0 {
		fmt.Printf("explained disagreements (each decided by AWS documentation, see "+
			"known_test.go):\n%s\n", strings.Join(whys, "\n"))
	}
	fmt.Printf("agreement counting the explained differences: %.3f%%\n",
		100*float64(agree+sumValues(explained))/float64(compared))
	theirs := time.Duration(timing.ElapsedNs)
	fmt.Printf("speed: iampolicy %.0f decisions/s, iam-simulate %.0f decisions/s "+
		"(%.0fx)\n", float64(len(cases))/ours.Seconds(),
		float64(timing.Count)/theirs.Seconds(), theirs.Seconds()/ours.Seconds())

	limit := 20
	if v := os.Getenv("IAMPOLICY_SHOW"); v != "" {
		fmt.Sscan(v, &limit)
	}
	for i, d := range disagreements {
		if i < limit {
			t.Errorf("unexplained disagreement %s", d)
		}
	}
	if compared < 10000 {
		t.Errorf("only %d cases compared, want at least 10000", compared)
	}
	if total := agree + sumValues(explained); float64(total) < 0.999*float64(compared) {
		t.Errorf("agreement %d of %d is under 99.9%%", total, compared)
	}
}

func sumValues(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func writeCases(path string, cases []Case) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, c := range cases {
		if err := enc.Encode(c); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func readResults(path string) (map[int]oracleResult, oracleResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, oracleResult{}, err
	}
	defer f.Close()
	out := map[int]oracleResult{}
	var timing oracleResult
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var r oracleResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, timing, fmt.Errorf("read simulator output: %w", err)
		}
		if r.Count > 0 {
			timing = r
			continue
		}
		out[r.ID] = r
	}
	return out, timing, sc.Err()
}

func describe(c Case) string {
	b, _ := json.MarshalIndent(c, "  ", "  ")
	return "  " + string(b)
}

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/proctorlabs/proctor/iampolicy"
)

func init() { registerCommand(newPolicyCmd) }

// newPolicyCmd builds "proctor policy", which evaluates IAM policies locally, without a
// server: for instructors writing labs and for debugging a grade.
func newPolicyCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Evaluate IAM policies locally",
		Long: `Evaluate IAM policies locally. FILE is one JSON document:

  {"request": {"principal": ARN, "action": "s3:GetObject", "resource": ARN,
               "context": {KEY: VALUE or [VALUES]}},
   "identityPolicies": [DOC, ...], "resourcePolicy": DOC, "permissionsBoundary": DOC,
   "serviceControlPolicies": [DOC, ...], "sessionPolicy": DOC,
   "resourceAccount": ACCOUNT}

Every key but "request" is optional. DOC is a policy document. An empty or missing
principal is an anonymous caller; a principal that is not an ARN, such as
"events.amazonaws.com", is a service principal. "resourceAccount" defaults to the account
in the resource ARN, else the principal's own account.`,
	}
	cmd.AddCommand(newPolicySimulateCmd(a), newPolicyActionsCmd(a))
	return cmd
}

func newPolicySimulateCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use: "simulate FILE",
		Long: "Decide the file's request (FILE \"-\" reads stdin) and name the statements " +
			"that decided it: the Deny statements of an explicit deny, the Allow statements " +
			"an allow needed, or the policies that lacked an Allow.",
		Short: "Decide the file's request and name the statements that decided it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sim, err := loadSimulation(cmd.InOrStdin(), args[0])
			if err != nil {
				return err
			}
			res := iampolicy.Evaluate(sim.input, sim.request)
			if a.output == "json" {
				return writeJSON(a, simulateJSON(sim, res))
			}
			return printSimulation(a, sim, res)
		},
	}
}

func newPolicyActionsCmd(a *app) *cobra.Command {
	var resource string
	cmd := &cobra.Command{
		Use:   "actions FILE --resource ARN",
		Short: "List the actions the file's principal may perform on a resource",
		Long: "List, sorted, the catalog actions the request's principal may perform on the " +
			"resource, with the request's context; the request's action is ignored.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if resource == "" {
				return errors.New("policy actions: --resource is required")
			}
			if resource != "*" && !strings.HasPrefix(resource, "arn:") {
				return fmt.Errorf("policy actions: --resource %q must be an ARN or \"*\"",
					resource)
			}
			sim, err := loadSimulation(cmd.InOrStdin(), args[0])
			if err != nil {
				return err
			}
			sim.request.Resource = resource
			if sim.accountFromResource {
				sim.input.ResourceAccount = resourceAccount(resource, sim.request.Principal)
			}
			allowed := iampolicy.DefaultCatalog().AllowedActions(sim.input, sim.request)
			if a.output == "json" {
				out := actionsOutput{Resource: resource, Actions: []actionOutput{}}
				for _, act := range allowed {
					out.Actions = append(out.Actions, actionOutput{Action: act.Action,
						Deciding: refsJSON(act.Deciding)})
				}
				return writeJSON(a, out)
			}
			if len(allowed) == 0 {
				fmt.Fprintf(a.out, "no catalog action is allowed on %s\n", resource)
				return nil
			}
			tw := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ACTION\tALLOWED BY")
			for _, act := range allowed {
				fmt.Fprintf(tw, "%s\t%s\n", act.Action, joinRefs(act.Deciding))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&resource, "resource", "", "the resource ARN (required)")
	return cmd
}

// simulation is a parsed simulation file.
type simulation struct {
	input   iampolicy.Input
	request iampolicy.Request
	// docs holds each policy's document by the name StatementRef uses, so that deciding
	// statements can be shown as written.
	docs map[string]json.RawMessage
	// accountFromResource: the file did not name the resource account.
	accountFromResource bool
}

// simulationFile is the shape of FILE.
type simulationFile struct {
	Request                *requestFile      `json:"request"`
	IdentityPolicies       []json.RawMessage `json:"identityPolicies"`
	ResourcePolicy         json.RawMessage   `json:"resourcePolicy"`
	PermissionsBoundary    json.RawMessage   `json:"permissionsBoundary"`
	ServiceControlPolicies []json.RawMessage `json:"serviceControlPolicies"`
	SessionPolicy          json.RawMessage   `json:"sessionPolicy"`
	ResourceAccount        string            `json:"resourceAccount"`
}

type requestFile struct {
	Principal string                     `json:"principal"`
	Action    string                     `json:"action"`
	Resource  string                     `json:"resource"`
	Context   map[string]json.RawMessage `json:"context"`
}

// loadSimulation reads and checks FILE ("-" reads stdin). Every error names the file and,
// for a policy, the line and column in the file.
func loadSimulation(stdin io.Reader, path string) (*simulation, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(io.LimitReader(stdin, maxSimulationFile+1))
		path = "stdin"
	} else {
		data, err = readLimited(path)
	}
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	if len(data) > maxSimulationFile {
		return nil, fmt.Errorf("policy: %s is larger than %d bytes", path, maxSimulationFile)
	}
	var f simulationFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("policy: %s: %w", path, describeJSONError(data, err))
	}
	if f.Request == nil {
		return nil, fmt.Errorf("policy: %s: missing \"request\"", path)
	}
	sim := &simulation{docs: map[string]json.RawMessage{}}
	req, err := buildRequest(f.Request)
	if err != nil {
		return nil, fmt.Errorf("policy: %s: %w", path, err)
	}
	sim.request = req

	parse := func(name string, doc json.RawMessage) (*iampolicy.Policy, error) {
		if len(doc) == 0 || string(doc) == "null" {
			return nil, nil
		}
		pol, err := iampolicy.Parse(doc)
		if err != nil {
			return nil, fmt.Errorf("policy: %s: %s: %w", path, name, inFile(data, doc, err))
		}
		sim.docs[name] = doc
		return pol, nil
	}
	for i, doc := range f.IdentityPolicies {
		pol, err := parse(fmt.Sprintf("identity[%d]", i), doc)
		if err != nil {
			return nil, err
		}
		sim.input.Identity = append(sim.input.Identity, pol)
	}
	for i, doc := range f.ServiceControlPolicies {
		pol, err := parse(fmt.Sprintf("scp[%d]", i), doc)
		if err != nil {
			return nil, err
		}
		sim.input.SCPs = append(sim.input.SCPs, pol)
	}
	if sim.input.Resource, err = parse("resource", f.ResourcePolicy); err != nil {
		return nil, err
	}
	if sim.input.PermissionsBoundary, err = parse("permissionsBoundary",
		f.PermissionsBoundary); err != nil {
		return nil, err
	}
	if sim.input.Session, err = parse("session", f.SessionPolicy); err != nil {
		return nil, err
	}
	sim.input.ResourceAccount = f.ResourceAccount
	if f.ResourceAccount == "" {
		sim.accountFromResource = true
		sim.input.ResourceAccount = resourceAccount(req.Resource, req.Principal)
	}
	return sim, nil
}

// maxSimulationFile bounds FILE: far above any real set of policies (a bucket policy may
// hold 20 KB), low enough that a wrong file does not exhaust memory.
const maxSimulationFile = 8 << 20

// readLimited reads at most maxSimulationFile+1 bytes of a file.
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxSimulationFile+1))
}

// buildRequest checks the request part of FILE.
func buildRequest(r *requestFile) (iampolicy.Request, error) {
	req := iampolicy.Request{Action: r.Action, Resource: r.Resource,
		Principal: principalOf(r.Principal), Context: map[string][]string{}}
	if r.Principal != "" && strings.HasPrefix(r.Principal, "arn:") &&
		req.Principal.Account == "" {
		return req, fmt.Errorf("request.principal %q is not a valid principal ARN", r.Principal)
	}
	if r.Resource == "" {
		req.Resource = "*"
	} else if r.Resource != "*" && !strings.HasPrefix(r.Resource, "arn:") {
		return req, fmt.Errorf("request.resource %q must be an ARN or \"*\"", r.Resource)
	}
	for k, raw := range r.Context {
		var one string
		if err := json.Unmarshal(raw, &one); err == nil {
			req.Context[k] = []string{one}
			continue
		}
		var many []string
		if err := json.Unmarshal(raw, &many); err == nil {
			req.Context[k] = many
			continue
		}
		var scalar any
		if err := json.Unmarshal(raw, &scalar); err == nil {
			switch scalar.(type) {
			case bool, float64:
				req.Context[k] = []string{strings.TrimSpace(string(raw))}
				continue
			}
		}
		return req, fmt.Errorf("request.context.%s must be a string or an array of strings", k)
	}
	return req, nil
}

// principalOf builds a principal: "" is anonymous, an ARN names an IAM or STS principal
// (its account taken from the ARN), anything else is a service principal.
func principalOf(s string) iampolicy.Principal {
	switch {
	case s == "":
		return iampolicy.Principal{}
	case strings.HasPrefix(s, "arn:"):
		parts := strings.SplitN(s, ":", 6)
		if len(parts) != 6 || len(parts[4]) != 12 {
			return iampolicy.Principal{ARN: s}
		}
		return iampolicy.Principal{ARN: s, Account: parts[4]}
	default:
		return iampolicy.Principal{Service: s}
	}
}

// resourceAccount is the account in the resource ARN, or the principal's own account for
// resources whose ARN has none (such as S3 buckets).
func resourceAccount(resource string, p iampolicy.Principal) string {
	parts := strings.SplitN(resource, ":", 6)
	if len(parts) == 6 && parts[4] != "" {
		return parts[4]
	}
	return p.Account
}

// inFile moves a policy's parse error from the document's own lines and columns to the
// file's, so that the position points into FILE.
func inFile(file, doc []byte, err error) error {
	var pe *iampolicy.ParseError
	at := bytes.Index(file, doc)
	if !errors.As(err, &pe) || at < 0 {
		return err
	}
	line, col := 1, 1
	for _, c := range string(file[:at]) {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	moved := *pe
	if moved.Line == 1 {
		moved.Column += col - 1
	}
	moved.Line += line - 1
	return &moved
}

// describeJSONError adds the line and column to encoding/json's errors.
func describeJSONError(data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var off int64
	switch {
	case errors.As(err, &se):
		off = se.Offset - 1 // the offset counts the offending byte
	case errors.As(err, &te):
		off = te.Offset
	default:
		return err
	}
	line, col := 1, 1
	for _, c := range string(data[:max(0, min(int(off), len(data)))]) {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

// refOutput is a deciding statement in --output json.
type refOutput struct {
	Policy    string          `json:"policy"`
	Index     int             `json:"index"`
	Sid       string          `json:"sid,omitempty"`
	Statement json.RawMessage `json:"statement,omitempty"`
}

type simulateOutput struct {
	Decision string      `json:"decision"`
	Deciding []refOutput `json:"deciding"`
	Missing  []string    `json:"missing,omitempty"`
}

type actionOutput struct {
	Action   string      `json:"action"`
	Deciding []refOutput `json:"deciding"`
}

type actionsOutput struct {
	Resource string         `json:"resource"`
	Actions  []actionOutput `json:"actions"`
}

func simulateJSON(sim *simulation, res iampolicy.Result) simulateOutput {
	out := simulateOutput{Decision: res.Decision.String(), Deciding: []refOutput{},
		Missing: res.Missing}
	for _, r := range res.Deciding {
		out.Deciding = append(out.Deciding, refOutput{Policy: r.Policy, Index: r.Index,
			Sid: r.Sid, Statement: statementText(sim, r)})
	}
	return out
}

func refsJSON(refs []iampolicy.StatementRef) []refOutput {
	out := make([]refOutput, 0, len(refs))
	for _, r := range refs {
		out = append(out, refOutput{Policy: r.Policy, Index: r.Index, Sid: r.Sid})
	}
	return out
}

// statementText returns the deciding statement as written in FILE, compacted.
func statementText(sim *simulation, r iampolicy.StatementRef) json.RawMessage {
	doc, ok := sim.docs[r.Policy]
	if !ok {
		return nil
	}
	var d struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if json.Unmarshal(doc, &d) != nil {
		return nil
	}
	var list []json.RawMessage
	if json.Unmarshal(d.Statement, &list) != nil {
		list = []json.RawMessage{d.Statement}
	}
	if r.Index >= len(list) {
		return nil
	}
	var buf bytes.Buffer
	if json.Compact(&buf, list[r.Index]) != nil {
		return nil
	}
	return buf.Bytes()
}

func printSimulation(a *app, sim *simulation, res iampolicy.Result) error {
	fmt.Fprintln(a.out, res.Decision)
	switch {
	case res.Decision == iampolicy.ExplicitDeny:
		fmt.Fprintln(a.out, "denied by:")
	case res.Decision == iampolicy.Allowed && len(res.Deciding) > 0:
		fmt.Fprintln(a.out, "allowed by:")
	case res.Decision == iampolicy.Allowed:
		fmt.Fprintln(a.out, "allowed: the account root user needs no policy")
	}
	for _, r := range res.Deciding {
		fmt.Fprintf(a.out, "  %s\n", r)
		if text := statementText(sim, r); text != nil {
			fmt.Fprintf(a.out, "    %s\n", text)
		}
	}
	if len(res.Missing) > 0 {
		missing := append([]string(nil), res.Missing...)
		sort.Strings(missing)
		fmt.Fprintf(a.out, "no statement allows the request in: %s\n",
			strings.Join(missing, ", "))
	}
	return nil
}

func joinRefs(refs []iampolicy.StatementRef) string {
	parts := make([]string, len(refs))
	for i, r := range refs {
		parts[i] = r.String()
	}
	return strings.Join(parts, ", ")
}

func writeJSON(a *app, v any) error {
	enc := json.NewEncoder(a.out)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

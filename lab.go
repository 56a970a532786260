package proctor

import (
	"context"
	"time"
)

// Pillar is one of the six areas of AWS account security that labs are grouped by.
type Pillar string

// The pillars.
const (
	PillarIAM       Pillar = "iam"
	PillarNetwork   Pillar = "network"
	PillarS3        Pillar = "s3"
	PillarKMS       Pillar = "kms"
	PillarDetection Pillar = "detection"
	PillarAudit     Pillar = "audit"
)

// Pillars lists every pillar in the order they are taught.
var Pillars = []Pillar{
	PillarIAM, PillarNetwork, PillarS3, PillarKMS, PillarDetection, PillarAudit,
}

// Valid reports whether p is one of the pillars.
func (p Pillar) Valid() bool {
	for _, q := range Pillars {
		if p == q {
			return true
		}
	}
	return false
}

// Lab is a hands-on exercise: a starting state a learner must fix in a sandbox, and the
// checks that grade the fix.
type Lab struct {
	ID           string // lower-case words joined by '-', e.g. "s3-data-protection"
	Title        string
	Pillar       Pillar
	Level        string        // "beginner", "intermediate" or "advanced"
	Duration     time.Duration // the time a learner should plan for
	Summary      string        // one paragraph
	Instructions string        // Markdown; placeholders such as {{.AccountID}} are filled per sandbox
	Services     []string      // AWS services the lab needs, by endpoint prefix: "s3", "kms", ...
	PassPercent  int           // the share of the points needed to pass, 1..100
	Setup        []Step        // run on a new sandbox to create the starting state
	Solution     []Step        // a reference solution; every check passes after it
	Checks       []Check
}

// MaxPoints returns the points of all the lab's checks together.
func (l *Lab) MaxPoints() int {
	n := 0
	for _, c := range l.Checks {
		n += c.Points
	}
	return n
}

// Check returns the lab's check with the given id, or nil.
func (l *Lab) Check(id string) *Check {
	for i := range l.Checks {
		if l.Checks[i].ID == id {
			return &l.Checks[i]
		}
	}
	return nil
}

// Step is one AWS API call of a lab's setup or solution, named by the service's SDK client
// and operation, with its input as the API's own member names.
type Step struct {
	Service string         // "s3", "s3control", "kms", "sts", ...
	Action  string         // the operation name, e.g. "PutBucketPolicy"
	Input   map[string]any // operation input; string values may hold {{.AccountID}} placeholders
	// Save names output paths whose values later steps use as placeholders, e.g.
	// {"KeyId": "KeyMetadata.KeyId"}.
	Save map[string]string
}

// Check is one graded item of a lab.
type Check struct {
	ID        string
	Title     string
	Validator string         // a name in the validator registry, e.g. "s3.bucket_tls_only"
	Params    map[string]any // the validator's parameters; string values may hold placeholders
	Points    int
	Partial   bool     // whether the validator's fraction earns partial credit
	Hint      string   // shown on failure on request
	HintCost  int      // points deducted when the learner asks for the hint
	Controls  []string // CIS and Security Hub control ids, shown beside the check
}

// LabCatalog is the set of labs a server offers.
type LabCatalog interface {
	// Lab returns the lab with the given id, or an ENotFound error.
	Lab(id string) (*Lab, error)
	// Labs returns every lab, sorted by id.
	Labs() []*Lab
}

// StepRunner runs lab steps against a sandbox's AWS endpoint.
type StepRunner interface {
	// RunSteps runs the steps in order with the given credentials and stops at the first
	// failure, which it returns with the index of the step.
	RunSteps(ctx context.Context, target Target, steps []Step) error
}

package server

import (
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/proctorlabs/proctor"
	pb "github.com/proctorlabs/proctor/gen/proctor/v1"
)

// The domain's enumerations by their protobuf values. A value missing from a table (one
// the API does not know yet) becomes the _UNSPECIFIED value.
var (
	pillars = map[proctor.Pillar]pb.Pillar{
		proctor.PillarIAM:       pb.Pillar_PILLAR_IAM,
		proctor.PillarNetwork:   pb.Pillar_PILLAR_NETWORK,
		proctor.PillarS3:        pb.Pillar_PILLAR_S3,
		proctor.PillarKMS:       pb.Pillar_PILLAR_KMS,
		proctor.PillarDetection: pb.Pillar_PILLAR_DETECTION,
		proctor.PillarAudit:     pb.Pillar_PILLAR_AUDIT,
	}
	levels = map[string]pb.Level{
		"beginner":     pb.Level_LEVEL_BEGINNER,
		"intermediate": pb.Level_LEVEL_INTERMEDIATE,
		"advanced":     pb.Level_LEVEL_ADVANCED,
	}
	sandboxStates = map[proctor.SandboxState]pb.Sandbox_State{
		proctor.SandboxProvisioning: pb.Sandbox_STATE_PROVISIONING,
		proctor.SandboxReady:        pb.Sandbox_STATE_READY,
		proctor.SandboxFailed:       pb.Sandbox_STATE_FAILED,
		proctor.SandboxExpired:      pb.Sandbox_STATE_EXPIRED,
		proctor.SandboxDeleted:      pb.Sandbox_STATE_DELETED,
		proctor.SandboxCleaning:     pb.Sandbox_STATE_CLEANING,
		proctor.SandboxQuarantined:  pb.Sandbox_STATE_QUARANTINED,
	}
	attemptStates = map[proctor.AttemptState]pb.Attempt_State{
		proctor.AttemptGrading: pb.Attempt_STATE_GRADING,
		proctor.AttemptGraded:  pb.Attempt_STATE_GRADED,
		proctor.AttemptFailed:  pb.Attempt_STATE_FAILED,
	}
	verdicts = map[proctor.Verdict]pb.CheckResult_Verdict{
		proctor.VerdictPass:          pb.CheckResult_VERDICT_PASS,
		proctor.VerdictFail:          pb.CheckResult_VERDICT_FAIL,
		proctor.VerdictNotApplicable: pb.CheckResult_VERDICT_NOT_APPLICABLE,
		proctor.VerdictError:         pb.CheckResult_VERDICT_ERROR,
	}
)

// labName returns the resource name of the lab with the given id.
func labName(id string) string { return "labs/" + id }

// labProto returns the lab as a learner may see it: without its hints, setup or solution.
func labProto(l *proctor.Lab) *pb.Lab {
	out := &pb.Lab{
		Name:         labName(l.ID),
		Id:           l.ID,
		Title:        l.Title,
		Pillar:       pillars[l.Pillar],
		Level:        levels[l.Level],
		Duration:     durationProto(l.Duration),
		Summary:      l.Summary,
		Instructions: l.Instructions,
		Services:     append([]string(nil), l.Services...),
		PassPercent:  int32(l.PassPercent),
		MaxPoints:    int32(l.MaxPoints()),
	}
	for _, c := range l.Checks {
		out.Checks = append(out.Checks, &pb.Check{
			Id:       c.ID,
			Title:    c.Title,
			Points:   int32(c.Points),
			Partial:  c.Partial,
			HintCost: int32(c.HintCost),
			Controls: append([]string(nil), c.Controls...),
		})
	}
	return out
}

// sandboxProto returns the sandbox as the caller may see it: the learner's credentials
// only when the caller owns it, and the grader's never. caPEM returns the contents of the
// endpoint's CA bundle.
func sandboxProto(s *proctor.Sandbox, caller proctor.Caller,
	caPEM func(path string) string) *pb.Sandbox {
	out := &pb.Sandbox{
		Name:       s.Name,
		Lab:        labName(s.LabID),
		Owner:      s.Owner,
		Backend:    s.Backend,
		State:      sandboxStates[s.State],
		Message:    s.Message,
		AccountId:  s.AccountID,
		Region:     s.Region,
		CreateTime: timeProto(s.CreateTime),
		ExpireTime: timeProto(s.ExpireTime),
	}
	if s.Endpoint != (proctor.Endpoint{}) {
		out.Endpoint = &pb.Endpoint{
			Http:     s.Endpoint.HTTP,
			Https:    s.Endpoint.HTTPS,
			CaBundle: s.Endpoint.CABundle,
			Proxy:    s.Endpoint.Proxy,
		}
		if s.Endpoint.CABundle != "" {
			out.Endpoint.CaPem = caPEM(s.Endpoint.CABundle)
		}
	}
	if caller.Subject == s.Owner && s.Learner != (proctor.Credentials{}) {
		out.Credentials = &pb.Credentials{
			AccessKeyId:     s.Learner.AccessKeyID,
			SecretAccessKey: s.Learner.SecretAccessKey,
			SessionToken:    s.Learner.SessionToken,
		}
	}
	return out
}

// attemptProto returns the attempt with its results.
func attemptProto(a *proctor.Attempt) *pb.Attempt {
	out := &pb.Attempt{
		Name:         a.Name,
		Lab:          labName(a.LabID),
		Owner:        a.Owner,
		State:        attemptStates[a.State],
		Message:      a.Message,
		Score:        a.Score,
		MaxScore:     int32(a.MaxScore),
		Passed:       a.Passed,
		CreateTime:   timeProto(a.CreateTime),
		CompleteTime: timeProto(a.CompleteTime),
	}
	for i := range a.Results {
		out.Results = append(out.Results, resultProto(&a.Results[i]))
	}
	return out
}

// resultProto returns one check's result.
func resultProto(r *proctor.Result) *pb.CheckResult {
	out := &pb.CheckResult{
		CheckId:   r.CheckID,
		Title:     r.Title,
		Verdict:   verdicts[r.Verdict],
		Message:   r.Message,
		Hint:      r.Hint,
		Controls:  append([]string(nil), r.Controls...),
		Points:    r.Points,
		MaxPoints: int32(r.MaxPoints),
		Duration:  durationProto(r.Duration),
	}
	for _, e := range r.Evidence {
		out.Evidence = append(out.Evidence, &pb.Evidence{
			Resource: e.Resource, Observed: e.Observed, Expected: e.Expected})
	}
	return out
}

// timeProto returns t as a timestamp, or nil for the zero time.
func timeProto(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// durationProto returns d as a duration, or nil for zero.
func durationProto(d time.Duration) *durationpb.Duration {
	if d == 0 {
		return nil
	}
	return durationpb.New(d)
}

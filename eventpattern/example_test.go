package eventpattern_test

import (
	"errors"
	"fmt"

	"github.com/proctorlabs/proctor/eventpattern"
)

// A rule that routes high-severity GuardDuty findings: compile it once, then match findings.
func Example() {
	rule, err := eventpattern.Compile([]byte(`{
		"source": ["aws.guardduty"],
		"detail-type": ["GuardDuty Finding"],
		"detail": {"severity": [{"numeric": [">=", 7]}]}
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, severity := range []string{"7.5", "4.0"} {
		finding := `{"source": "aws.guardduty", "detail-type": "GuardDuty Finding",
			"detail": {"severity": ` + severity + `}}`
		matched, err := rule.Match([]byte(finding))
		fmt.Println(severity, matched, err)
	}
	// Output:
	// 7.5 true <nil>
	// 4.0 false <nil>
}

// An invalid pattern names the field and the reason.
func ExampleCompile_invalid() {
	_, err := eventpattern.Compile([]byte(`{"detail": {"severity": [{"numeric": [">", "7"]}]}}`))
	var perr *eventpattern.Error
	if errors.As(err, &perr) {
		fmt.Println(perr.Path)
		fmt.Println(perr.AWSMessage())
	}
	// Output:
	// detail.severity
	// Event pattern is not valid. Reason: Value of > must be numeric
}

// Test answers as TestEventPattern does, envelope check included.
func ExampleTest() {
	event := `{"id": "1", "account": "123456789012", "source": "aws.s3",
		"time": "2026-12-03T00:00:00Z", "region": "eu-west-1", "detail-type": "Object Created",
		"detail": {"object": {"key": "uploads/photo.PNG"}}}`
	matched, err := eventpattern.Test(
		[]byte(`{"detail": {"object": {"key": [{"suffix": {"equals-ignore-case": ".png"}}]}}}`),
		[]byte(event))
	fmt.Println(matched, err)

	_, err = eventpattern.Test([]byte(`{"source": ["aws.s3"]}`), []byte(`{"source": "aws.s3"}`))
	fmt.Println(errors.Is(err, eventpattern.ErrInvalidEvent))
	// Output:
	// true <nil>
	// true
}

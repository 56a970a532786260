package iampolicy_test

import (
	"fmt"

	"github.com/proctorlabs/proctor/iampolicy"
)

func ExampleEvaluate() {
	bucketPolicy := iampolicy.MustParse(`{
	  "Version": "2012-10-17",
	  "Statement": [{
	    "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
	    "Resource": ["arn:aws:s3:::lab-bucket", "arn:aws:s3:::lab-bucket/*"],
	    "Condition": {"Bool": {"aws:SecureTransport": "false"}}
	  }]
	}`)
	role := iampolicy.MustParse(`{"Version": "2012-10-17", "Statement": {"Sid": "Read",
	  "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::lab-bucket/*"}}`)
	in := iampolicy.Input{Identity: []*iampolicy.Policy{role}, Resource: bucketPolicy,
		ResourceAccount: "111122223333"}
	for _, tls := range []string{"true", "false"} {
		r := iampolicy.Evaluate(in, iampolicy.Request{
			Principal: iampolicy.Principal{
				ARN:     "arn:aws:sts::111122223333:assumed-role/app/session",
				Account: "111122223333"},
			Action:   "s3:GetObject",
			Resource: "arn:aws:s3:::lab-bucket/report.csv",
			Context:  map[string][]string{"aws:SecureTransport": {tls}},
		})
		fmt.Println(r.Decision, r.Deciding)
	}
	// Output:
	// ALLOWED [identity[0]/0 (Read)]
	// EXPLICIT_DENY [resource/0 (DenyInsecureTransport)]
}

func ExampleCatalog_Compare() {
	role := iampolicy.MustParse(`{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
	  "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::app-data*"}}`)
	required := []iampolicy.Grant{
		{Action: "s3:GetObject", Resource: "arn:aws:s3:::app-data/*"},
		{Action: "s3:PutObject", Resource: "arn:aws:s3:::app-data/*"},
	}
	r := iampolicy.DefaultCatalog().Compare(iampolicy.Input{Identity: []*iampolicy.Policy{role}},
		iampolicy.Request{Principal: iampolicy.Principal{
			ARN: "arn:aws:iam::111122223333:role/app", Account: "111122223333"}}, required)
	fmt.Println(r.Comparison, r.ExtraActions, r.MissingActions)
	fmt.Println(r.Extra[0].Action, r.Extra[0].Resource)
	// Output:
	// BROADER [s3:GetObject s3:PutObject] []
	// s3:GetObject arn:aws:s3:::app-dataproctor-probe/proctor-probe
}

package labs

import (
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/proctorlabs/proctor"
)

func TestRegionDefaults(t *testing.T) {
	step := proctor.Step{Service: "s3", Action: "CreateBucket"}
	tests := []struct {
		region string
		given  *s3types.CreateBucketConfiguration
		want   s3types.BucketLocationConstraint
	}{
		{"us-east-1", nil, ""},
		{"eu-west-1", nil, "eu-west-1"},
		{"eu-west-1", &s3types.CreateBucketConfiguration{LocationConstraint: "eu-central-1"},
			"eu-central-1"},
	}
	for _, tt := range tests {
		in := &s3.CreateBucketInput{CreateBucketConfiguration: tt.given}
		regionDefaults(step, reflect.ValueOf(in), tt.region)
		var got s3types.BucketLocationConstraint
		if in.CreateBucketConfiguration != nil {
			got = in.CreateBucketConfiguration.LocationConstraint
		}
		if got != tt.want {
			t.Errorf("region %s, given %v: LocationConstraint = %q, want %q", tt.region,
				tt.given, got, tt.want)
		}
	}
}

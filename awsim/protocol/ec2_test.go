package protocol_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor/awsim/models"
	"github.com/proctorlabs/proctor/awsim/protocol"
)

var _ protocol.Codec = (*protocol.EC2)(nil)

// ec2Model has the naming of EC2's model: locationNames in lowerCamel or singular form and
// list members named "item".
func ec2Model() *models.Service {
	loc := func(name, shape, location string) models.Member {
		return models.Member{Name: name, Ref: models.Ref{Shape: shape, LocationName: location}}
	}
	return &models.Service{
		Name: "ec2",
		Metadata: models.Metadata{Protocol: "ec2", APIVersion: "2016-11-15",
			XMLNamespace: "http://ec2.amazonaws.com/doc/2016-11-15/"},
		Operations: map[string]*models.Operation{"DescribeSecurityGroups": {
			Name:   "DescribeSecurityGroups",
			Input:  &models.Ref{Shape: "DescribeSecurityGroupsRequest"},
			Output: &models.Ref{Shape: "DescribeSecurityGroupsResult"}}},
		Shapes: map[string]*models.Shape{
			"String":  {Type: "string"},
			"Integer": {Type: "integer"},
			"Boolean": {Type: "boolean"},
			"ValueStringList": {Type: "list", Member: &models.Ref{Shape: "String",
				LocationName: "item"}},
			"Filter": {Type: "structure", Members: []models.Member{
				{Name: "Name", Ref: models.Ref{Shape: "String"}},
				loc("Values", "ValueStringList", "Value")}},
			"FilterList": {Type: "list", Member: &models.Ref{Shape: "Filter",
				LocationName: "Filter"}},
			"IpRange": {Type: "structure", Members: []models.Member{
				loc("CidrIp", "String", "cidrIp")}},
			"IpRangeList": {Type: "list", Member: &models.Ref{Shape: "IpRange",
				LocationName: "item"}},
			"IpPermission": {Type: "structure", Members: []models.Member{
				loc("FromPort", "Integer", "fromPort"),
				loc("IpRanges", "IpRangeList", "ipRanges")}},
			"IpPermissionList": {Type: "list", Member: &models.Ref{Shape: "IpPermission",
				LocationName: "item"}},
			"SecurityGroup": {Type: "structure", Members: []models.Member{
				loc("GroupId", "String", "groupId"),
				loc("IpPermissions", "IpPermissionList", "ipPermissions")}},
			"SecurityGroupList": {Type: "list", Member: &models.Ref{Shape: "SecurityGroup",
				LocationName: "item"}},
			"DescribeSecurityGroupsRequest": {Type: "structure", Members: []models.Member{
				loc("Filters", "FilterList", "Filter"),
				loc("GroupIds", "ValueStringList", "GroupId"),
				loc("DryRun", "Boolean", "dryRun"),
				loc("IpPermissions", "IpPermissionList", "ipPermissions")}},
			"DescribeSecurityGroupsResult": {Type: "structure", Members: []models.Member{
				loc("SecurityGroups", "SecurityGroupList", "securityGroupInfo")}},
		},
	}
}

func TestEC2Decode(t *testing.T) {
	c := protocol.NewEC2(ec2Model())
	body := "Action=DescribeSecurityGroups&Version=2016-11-15&Filter.1.Name=tag%3AName" +
		"&Filter.1.Value.1=a&GroupId.1=sg-1&GroupId.2=sg-2&DryRun=true" +
		"&IpPermissions.1.FromPort=22&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%2F0"
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	op, err := c.Route(r, "/", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	in, err := c.Decode(op, r, "/", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := protocol.Params{
		"Filters":  []any{protocol.Params{"Name": "tag:Name", "Values": []any{"a"}}},
		"GroupIds": []any{"sg-1", "sg-2"}, "DryRun": true,
		"IpPermissions": []any{protocol.Params{"FromPort": int64(22),
			"IpRanges": []any{protocol.Params{"CidrIp": "0.0.0.0/0"}}}},
	}
	if d := cmp.Diff(want, in); d != "" {
		t.Errorf("Decode (-want +got):\n%s", d)
	}
	bad := "Action=DescribeSecurityGroups&DryRun=perhaps"
	r = httptest.NewRequest("POST", "/", strings.NewReader(bad))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_, err = c.Decode(op, r, "/", []byte(bad))
	if pe, ok := err.(*protocol.Error); !ok || pe.Code != "InvalidParameterValue" {
		t.Errorf("Decode(bad boolean) = %v, want InvalidParameterValue", err)
	}
}

func TestEC2Write(t *testing.T) {
	svc := ec2Model()
	c := protocol.NewEC2(svc)
	w := httptest.NewRecorder()
	c.WriteOutput(w, nil, svc.Operations["DescribeSecurityGroups"], protocol.Params{
		"SecurityGroups": []any{protocol.Params{"GroupId": "sg-1",
			"IpPermissions": []any{protocol.Params{"FromPort": int64(22),
				"IpRanges": []any{protocol.Params{"CidrIp": "0.0.0.0/0"}}}}}}}, "R")
	want := `<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` +
		`<requestId>R</requestId><securityGroupInfo><item><groupId>sg-1</groupId>` +
		`<ipPermissions><item><fromPort>22</fromPort><ipRanges><item><cidrIp>0.0.0.0/0` +
		`</cidrIp></item></ipRanges></item></ipPermissions></item></securityGroupInfo>` +
		`</DescribeSecurityGroupsResponse>`
	if w.Body.String() != want {
		t.Errorf("WriteOutput =\n%s\nwant\n%s", w.Body, want)
	}
	w = httptest.NewRecorder()
	c.WriteError(w, nil, &protocol.Error{Code: "InvalidGroup.NotFound", Message: "m",
		Status: 400}, "R")
	want = `<Response><Errors><Error><Code>InvalidGroup.NotFound</Code><Message>m</Message>` +
		`</Error></Errors><RequestID>R</RequestID></Response>`
	if w.Code != 400 || w.Body.String() != want {
		t.Errorf("WriteError = %d\n%s\nwant\n%s", w.Code, w.Body, want)
	}
}

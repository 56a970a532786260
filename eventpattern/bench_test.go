package eventpattern_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/proctorlabs/proctor/eventpattern"
)

// guardDutyPattern has 20 fields, in the style of a detection rule over GuardDuty findings.
const guardDutyPattern = `{
  "source": ["aws.guardduty"],
  "detail-type": ["GuardDuty Finding"],
  "account": ["123456789012", "210987654321"],
  "region": [{"prefix": "us-"}, {"prefix": "eu-"}],
  "detail": {
    "schemaVersion": ["2.0"],
    "severity": [{"numeric": [">=", 7]}],
    "type": [{"prefix": "UnauthorizedAccess:"}, {"prefix": "Recon:"}, {"wildcard": "*:EC2/*"}],
    "partition": ["aws"],
    "title": [{"anything-but": {"prefix": "TEST"}}],
    "resource": {
      "resourceType": ["Instance"],
      "instanceDetails": {
        "instanceType": [{"anything-but": ["t2.nano"]}],
        "instanceState": [{"equals-ignore-case": "RUNNING"}],
        "networkInterfaces": {
          "privateIpAddress": [{"cidr": "10.0.0.0/8"}],
          "subnetId": [{"prefix": "subnet-"}]
        },
        "tags": {"key": ["Environment"], "value": ["prod", "production"]}
      }
    },
    "service": {
      "archived": [false],
      "count": [{"numeric": [">", 0]}],
      "action": {"actionType": ["NETWORK_CONNECTION", "PORT_PROBE"]},
      "additionalInfo": {"sample": [{"exists": false}]}
    }
  }
}`

// guardDutyEvent returns a GuardDuty finding shaped like the ones EventBridge delivers, with
// the given severity and finding number.
func guardDutyEvent(severity float64, n int) []byte {
	return []byte(fmt.Sprintf(`{
  "version": "0",
  "id": "c8c4daa7-a20c-2f03-0070-b7393dd542a%d",
  "detail-type": "GuardDuty Finding",
  "source": "aws.guardduty",
  "account": "123456789012",
  "time": "2026-12-03T18:09:34Z",
  "region": "us-east-1",
  "resources": [],
  "detail": {
    "schemaVersion": "2.0",
    "accountId": "123456789012",
    "region": "us-east-1",
    "partition": "aws",
    "id": "16afba5c5c43e07c9e3e5e2e544e95df%d",
    "arn": "arn:aws:guardduty:us-east-1:123456789012:detector/123456/finding/16afba5c",
    "type": "UnauthorizedAccess:EC2/SSHBruteForce",
    "resource": {
      "resourceType": "Instance",
      "instanceDetails": {
        "instanceId": "i-99999999",
        "instanceType": "m3.xlarge",
        "outpostArn": "arn:aws:outposts:us-west-2:123456789000:outpost/op-0fbc006e9abbc73c3",
        "launchTime": "2016-08-02T02:05:06Z",
        "platform": null,
        "productCodes": [{"productCodeId": "GeneratedFindingProductCodeId",
          "productCodeType": "GeneratedFindingProductCodeType"}],
        "iamInstanceProfile": {"arn": "arn:aws:iam::123456789012:example/instance/profile",
          "id": "GeneratedFindingInstanceProfileId"},
        "networkInterfaces": [{
          "ipv6Addresses": [],
          "networkInterfaceId": "eni-bfcffe88",
          "privateDnsName": "GeneratedFindingPrivateDnsName",
          "privateIpAddress": "10.0.0.1",
          "privateIpAddresses": [{"privateDnsName": "GeneratedFindingPrivateName",
            "privateIpAddress": "10.0.0.1"}],
          "subnetId": "subnet-12345",
          "vpcId": "vpc-12345",
          "securityGroups": [{"groupName": "GeneratedFindingSecurityGroupName",
            "groupId": "GeneratedFindingSecurityId"}],
          "publicDnsName": "GeneratedFindingPublicDNSName",
          "publicIp": "198.51.100.0"
        }],
        "tags": [{"key": "Name", "value": "web"}, {"key": "Environment", "value": "prod"}],
        "instanceState": "running",
        "availabilityZone": "GeneratedFindingInstanceAvailabilityZone",
        "imageId": "ami-99999999",
        "imageDescription": "GeneratedFindingInstaceImageDescription"
      }
    },
    "service": {
      "serviceName": "guardduty",
      "detectorId": "2cb1f6b8b9d00f6e0a4a79a0c68cd25c",
      "action": {
        "actionType": "NETWORK_CONNECTION",
        "networkConnectionAction": {
          "connectionDirection": "INBOUND",
          "remoteIpDetails": {
            "ipAddressV4": "198.51.100.0",
            "organization": {"asn": "-1", "asnOrg": "GeneratedFindingASNOrg",
              "isp": "GeneratedFindingISP", "org": "GeneratedFindingORG"},
            "country": {"countryName": "GeneratedFindingCountryName"},
            "city": {"cityName": "GeneratedFindingCityName"},
            "geoLocation": {"lat": 0, "lon": 0}
          },
          "remotePortDetails": {"port": 32794, "portName": "Unknown"},
          "localPortDetails": {"port": 22, "portName": "SSH"},
          "protocol": "TCP",
          "blocked": false
        }
      },
      "resourceRole": "TARGET",
      "additionalInfo": {"unusualProtocol": "UDP",
        "threatListName": "GeneratedFindingCustomerListName"},
      "eventFirstSeen": "2026-12-03T17:55:49.000Z",
      "eventLastSeen": "2026-12-03T18:09:27.000Z",
      "archived": false,
      "count": %d
    },
    "severity": %g,
    "createdAt": "2026-12-03T17:55:49.000Z",
    "updatedAt": "2026-12-03T18:09:27.000Z",
    "title": "%d SSH brute force attacks against i-99999999.",
    "description": "198.51.100.0 is performing SSH brute force attacks against i-99999999."
  }
}`, n%10, n, n+1, severity, n))
}

func guardDutyEvents(b *testing.B) [][]byte {
	events := make([][]byte, 0, 16)
	for i := 0; i < 16; i++ {
		events = append(events, guardDutyEvent(float64(i%10)+0.5, i))
	}
	return events
}

func TestGuardDutyBenchmarkInputs(t *testing.T) {
	p, err := eventpattern.Compile([]byte(guardDutyPattern))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		severity float64
		want     bool
	}{{7.5, true}, {7, true}, {6.9, false}, {4, false}, {8.9, true}} {
		got, err := p.Match(guardDutyEvent(tc.severity, 3))
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("Match(severity %g) = %v, want %v", tc.severity, got, tc.want)
		}
	}
}

// BenchmarkMatchGuardDuty measures matching the 20-field pattern against GuardDuty findings
// given as JSON, parsing included.
func BenchmarkMatchGuardDuty(b *testing.B) {
	p, err := eventpattern.Compile([]byte(guardDutyPattern))
	if err != nil {
		b.Fatal(err)
	}
	events := guardDutyEvents(b)
	b.SetBytes(int64(len(events[0])))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.Match(events[i%len(events)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "matches/s")
}

// BenchmarkMatchValueGuardDuty measures matching already-decoded findings.
func BenchmarkMatchValueGuardDuty(b *testing.B) {
	p, err := eventpattern.Compile([]byte(guardDutyPattern))
	if err != nil {
		b.Fatal(err)
	}
	var decoded []any
	for _, ev := range guardDutyEvents(b) {
		var v any
		if err := json.Unmarshal(ev, &v); err != nil {
			b.Fatal(err)
		}
		decoded = append(decoded, v)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.MatchValue(decoded[i%len(decoded)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "matches/s")
}

// BenchmarkCompileGuardDuty measures compiling the 20-field pattern.
func BenchmarkCompileGuardDuty(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := eventpattern.Compile([]byte(guardDutyPattern)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWildcardWorstCase matches wildcards that a backtracking matcher would take
// exponential time on; the cost here grows linearly with the value's length.
func BenchmarkWildcardWorstCase(b *testing.B) {
	for _, n := range []int{1 << 10, 1 << 14, 1 << 18} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			p, err := eventpattern.Compile([]byte(`{"v": [{"wildcard": "*a*a*a*a*b"}]}`))
			if err != nil {
				b.Fatal(err)
			}
			event := []byte(`{"v": "` + strings.Repeat("a", n) + `"}`)
			b.SetBytes(int64(len(event)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if ok, _ := p.Match(event); ok {
					b.Fatal("matched")
				}
			}
		})
	}
}

// BenchmarkPatternSize matches patterns of growing size against one event: the cost grows
// with the number of fields, not faster.
func BenchmarkPatternSize(b *testing.B) {
	for _, fields := range []int{10, 50, 200} {
		b.Run(fmt.Sprint(fields), func(b *testing.B) {
			var pat, ev strings.Builder
			pat.WriteString(`{"detail": {`)
			ev.WriteString(`{"detail": {`)
			for i := 0; i < fields; i++ {
				if i > 0 {
					pat.WriteString(",")
					ev.WriteString(",")
				}
				fmt.Fprintf(&pat, `"f%d": [%d]`, i, i)
				fmt.Fprintf(&ev, `"f%d": %d`, i, i)
			}
			pat.WriteString("}}")
			ev.WriteString("}}")
			p, err := eventpattern.Compile([]byte(pat.String()))
			if err != nil {
				b.Fatal(err)
			}
			event := []byte(ev.String())
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if ok, _ := p.Match(event); !ok {
					b.Fatal("no match")
				}
			}
		})
	}
}

package awsim

import "github.com/proctorlabs/proctor/awsim/protocol"

func stsHandlers() map[string]handlerFunc {
	return map[string]handlerFunc{"GetCallerIdentity": getCallerIdentity}
}

// getCallerIdentity needs no permission, as in AWS.
func getCallerIdentity(c *call) (protocol.Params, error) {
	return protocol.Params{
		"Account": c.key.Account,
		"Arn":     callerARN(c.key),
		"UserId":  userIDOf(c.key),
	}, nil
}

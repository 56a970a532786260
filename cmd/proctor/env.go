package main

import (
	"fmt"
	"io"
	"strings"
)

// sandboxEnv is what `proctor sandbox env` needs of a sandbox.
type sandboxEnv struct {
	Region          string
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Endpoint        string // the HTTPS endpoint, else the HTTP one; empty for real AWS
	CABundle        string
	Proxy           string
}

// writeSandboxEnv writes POSIX shell lines that point the aws CLI and the SDKs at the
// sandbox. Newer clients read AWS_ENDPOINT_URL; Debian's aws 2.9 does not, so a shell
// function adds --endpoint-url, and for s3control, which puts the account id in front of the
// host name, routes the request through the endpoint's own proxy.
func writeSandboxEnv(w io.Writer, e sandboxEnv) error {
	var b strings.Builder
	b.WriteString("# Proctor sandbox: eval \"$(proctor sandbox env NAME)\"\n")
	b.WriteString("unset AWS_PROFILE AWS_DEFAULT_PROFILE\n")
	export(&b, "AWS_ACCESS_KEY_ID", e.AccessKeyID)
	export(&b, "AWS_SECRET_ACCESS_KEY", e.SecretAccessKey)
	if e.SessionToken != "" {
		export(&b, "AWS_SESSION_TOKEN", e.SessionToken)
	} else {
		b.WriteString("unset AWS_SESSION_TOKEN\n")
	}
	export(&b, "AWS_REGION", e.Region)
	export(&b, "AWS_DEFAULT_REGION", e.Region)
	if e.Endpoint == "" {
		b.WriteString("unset AWS_ENDPOINT_URL AWS_CA_BUNDLE\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	export(&b, "AWS_ENDPOINT_URL", e.Endpoint)
	if e.CABundle != "" {
		export(&b, "AWS_CA_BUNDLE", e.CABundle)
	} else {
		b.WriteString("unset AWS_CA_BUNDLE\n")
	}
	ep := shellQuote(e.Endpoint)
	b.WriteString("aws() {\n")
	if e.Proxy != "" {
		p := shellQuote(e.Proxy)
		b.WriteString("  if [ \"${1-}\" = s3control ]; then\n")
		fmt.Fprintf(&b, "    HTTPS_PROXY=%s https_proxy=%s NO_PROXY= no_proxy= \\\n", p, p)
		fmt.Fprintf(&b, "      command aws --endpoint-url %s \"$@\"\n", ep)
		b.WriteString("  else\n")
		fmt.Fprintf(&b, "    command aws --endpoint-url %s \"$@\"\n", ep)
		b.WriteString("  fi\n")
	} else {
		fmt.Fprintf(&b, "  command aws --endpoint-url %s \"$@\"\n", ep)
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func export(b *strings.Builder, name, value string) {
	fmt.Fprintf(b, "export %s=%s\n", name, shellQuote(value))
}

// shellQuote quotes s for a POSIX shell: single quotes, with each ' written as '\”.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/burnwatch/burnwatch/web"
)

// runGate asks a running burnwatch's deploy gate whether a service, team or
// SLO may deploy now, prints the decision and its reasons, and exits 0 to
// allow or 1 to deny (or when the gate cannot be asked: a pipeline must
// not deploy blind).
func runGate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("gate", flag.ContinueOnError)
	fl.SetOutput(stderr)
	base := fl.String("url", "", "burnwatch dashboard URL, e.g. http://burnwatch:8080 (with its path prefix, if any)")
	service := fl.String("service", "", "the service that deploys")
	team := fl.String("team", "", "the team that deploys (every SLO of the team)")
	sloID := fl.String("slo", "", "one SLO, service/name")
	var headers stringList
	fl.Var(&headers, "header", "extra HTTP header 'Name: value' (repeatable), e.g. 'Authorization: Bearer …'")
	bearerFile := fl.String("bearer-token-file", "", "file holding a bearer token for the dashboard")
	timeout := fl.Duration("timeout", 10*time.Second, "timeout of the request")
	output := fl.String("output", "text", "output format: text or json (the gate's answer as it came)")
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: burnwatch gate --url URL (--service NAME | --team NAME | --slo SERVICE/NAME) [--header H]...\n\n"+
			"Asks burnwatch's deploy gate (GET /api/v1/gate) whether a deploy may go ahead\n"+
			"now, from the SLOs' gate policies. Exits 0 when it is allowed, 1 when it is\n"+
			"denied or the gate cannot be asked, 2 on a usage error.\n\n")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return exitUsage
	}
	switch {
	case *base == "":
		fmt.Fprintln(stderr, "burnwatch gate: --url is required")
		return exitUsage
	case *service == "" && *team == "" && *sloID == "":
		fmt.Fprintln(stderr, "burnwatch gate: name what deploys with --service, --team or --slo")
		return exitUsage
	case *output != "text" && *output != "json":
		fmt.Fprintf(stderr, "burnwatch gate: --output %q is neither text nor json\n", *output)
		return exitUsage
	case fl.NArg() > 0:
		fmt.Fprintf(stderr, "burnwatch gate: unexpected arguments %q\n", fl.Args())
		return exitUsage
	}
	hdrs, err := parseHeaders(headers)
	if err != nil {
		fmt.Fprintf(stderr, "burnwatch gate: %v\n", err)
		return exitUsage
	}
	if *bearerFile != "" {
		token, err := os.ReadFile(*bearerFile)
		if err != nil {
			fmt.Fprintf(stderr, "burnwatch gate: read bearer token: %v\n", err)
			return exitUsage
		}
		hdrs["Authorization"] = "Bearer " + strings.TrimSpace(string(token))
	}
	q := url.Values{}
	for k, v := range map[string]string{"service": *service, "team": *team, "slo": *sloID} {
		if v != "" {
			q.Set(k, v)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	ans, raw, err := askGate(ctx, strings.TrimSuffix(*base, "/")+"/api/v1/gate?"+q.Encode(), hdrs)
	if err != nil {
		fmt.Fprintf(stderr, "burnwatch gate: %v; denying\n", err)
		return exitFailed
	}
	if *output == "json" {
		_, _ = stdout.Write(raw)
	} else {
		fmt.Fprintf(stdout, "%s (evaluated at %s)\n", strings.ToUpper(ans.Decision), ans.EvaluatedAt.Format(time.RFC3339))
		for _, r := range ans.Reasons {
			fmt.Fprintf(stdout, "  %s\n", r)
		}
	}
	if !ans.Allow {
		return exitFailed
	}
	return exitOK
}

// askGate fetches and decodes the gate's answer.
func askGate(ctx context.Context, u string, headers map[string]string) (web.GateAnswer, []byte, error) {
	var ans web.GateAnswer
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return ans, nil, fmt.Errorf("gate request %s: %w", u, err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return ans, nil, fmt.Errorf("ask the gate: %w", err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return ans, nil, fmt.Errorf("read the gate's answer: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(raw, &e)
		if e.Error == "" {
			e.Error = strings.TrimSpace(string(raw))
		}
		return ans, nil, fmt.Errorf("the gate answered %s: %s", res.Status, e.Error)
	}
	if err := json.Unmarshal(raw, &ans); err != nil {
		return ans, nil, fmt.Errorf("decode the gate's answer: %w", err)
	}
	if ans.Decision != "allow" && ans.Decision != "deny" {
		return ans, nil, fmt.Errorf("the gate's answer has no decision: %s", raw)
	}
	return ans, raw, nil
}

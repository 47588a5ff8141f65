package provider_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/provider"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/tfrun"
)

const testToken = "test-token-0123456789-SECRET"

// providerFactories serves the provider in process to real Terraform, with
// an empty environment: no test depends on the developer's.
var providerFactories = factoriesWithEnv(nil)

// factoriesWithEnv serves a provider that reads only the given environment
// variables, so that tests of the environment run in parallel.
func factoriesWithEnv(env map[string]string) map[string]func() (tfprotov6.ProviderServer, error) {
	lookup := func(name string) (string, bool) { v, ok := env[name]; return v, ok }
	return map[string]func() (tfprotov6.ProviderServer, error){
		"servicerequest": providerserver.NewProtocol6WithError(provider.NewWithEnv("test", lookup)()),
	}
}

// builtProvider is the provider binary the tests that run it under a
// Terraform CLI share: it is built once per test process.
var builtProvider struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

// providerBinary returns the path of the provider binary, building it on
// first use into a directory removed when the test process ends (TestMain).
func providerBinary(t *testing.T) string {
	t.Helper()
	builtProvider.once.Do(func() {
		//nolint:usetesting // shared by every test of the process; TestMain removes it
		if builtProvider.dir, builtProvider.err = os.MkdirTemp("", "servicerequest-provider-test-"); builtProvider.err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		builtProvider.bin, builtProvider.err = tfrun.BuildProvider(ctx, builtProvider.dir, "test")
	})
	if builtProvider.err != nil {
		t.Fatal(builtProvider.err)
	}
	return builtProvider.bin
}

// TestMain removes the shared provider binary after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if builtProvider.dir != "" {
		_ = os.RemoveAll(builtProvider.dir)
	}
	os.Exit(code)
}

// withEnv returns base plus the name/value pairs of kv.
func withEnv(base map[string]string, kv ...string) map[string]string {
	out := make(map[string]string, len(base)+len(kv)/2)
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// newFake starts the fake service on a free loopback port with a few
// tickets, accepting testToken.
func newFake(t *testing.T) (*fakeosm.Server, string) {
	t.Helper()
	f := fakeosm.New(testToken)
	for id, s := range map[string]int{
		"CS-TODO": 0, "CS-PROCESSING": 1, "CS-CONFIRM": 2, "CS-DONE": 3, "CS-CANCELED": 4,
		"CS-PAUSED": 5, "CS-INVALID": 12, "CS-DELETED": 13, "CS-FEEDBACK": 17, "CS-ODD": 9,
	} {
		f.SetStatus(id, s)
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL
}

// providerBlock configures the provider against the fake, plus extra lines.
// Retries wait the shortest delays allowed (100ms to 200ms) unless extra
// sets them, so that a test of a 5xx answer does not wait for long.
func providerBlock(endpoint string, extra ...string) string {
	lines := strings.Join(extra, "\n  ")
	if !strings.Contains(lines, "retry_min_delay") && !strings.Contains(lines, "retry_max_delay") {
		lines += "\n  retry_min_delay = \"100ms\"\n  retry_max_delay = \"200ms\""
	}
	return fmt.Sprintf("provider \"servicerequest\" {\n  endpoint = %q\n  token    = %q\n  %s\n}\n",
		endpoint, testToken, lines)
}

// readExample returns the HCL of a file under examples/.
func readExample(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// errRe compiles an ExpectError pattern in which every space also matches
// the line breaks Terraform wraps diagnostics with, and "." matches them too.
func errRe(pattern string) *regexp.Regexp {
	return regexp.MustCompile("(?s)" + strings.ReplaceAll(pattern, " ", `\s+`))
}

// getenvOrSkip returns an environment variable, skipping the test (a live
// acceptance test) when it is unset or TF_ACC is not set.
func getenvOrSkip(t *testing.T, name string) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("live acceptance test: set TF_ACC=1, HW_AUTH_TOKEN and SERVICEREQUEST_TEST_CASE_ID to run it")
	}
	v := os.Getenv(name)
	if v == "" {
		t.Skipf("live acceptance test: %s is not set", name)
	}
	return v
}

// httptestDeadURL returns a loopback URL where nothing listens.
func httptestDeadURL(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(nil)
	url := srv.URL
	srv.Close()
	return url
}

package provider_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
)

// waitConfig is one servicerequest_case_status "w" with the given body lines.
func waitConfig(url, id string, lines ...string) string {
	cfg := providerBlock(url) + fmt.Sprintf("data \"servicerequest_case_status\" \"w\" {\n  case_id = %q\n", id)
	for _, l := range lines {
		cfg += "  " + l + "\n"
	}
	return cfg + "}\n"
}

// expectPollsApart checks that the first n requests the fake saw for id
// came at least gap apart: the wait paused poll_interval between polls.
// It is a lower bound, which a timer guarantees, not a timing measurement.
func expectPollsApart(f *fakeosm.Server, id string, n int, gap time.Duration) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var times []time.Time
		for _, r := range f.Requests() {
			if r.CaseID == id {
				times = append(times, r.Time)
			}
		}
		if len(times) < n {
			return fmt.Errorf("the fake saw %d requests for %s, want at least %d", len(times), id, n)
		}
		for i := 1; i < n; i++ {
			if d := times[i].Sub(times[i-1]); d < gap {
				return fmt.Errorf("polls %d and %d of %s came %s apart, less than poll_interval %s", i, i+1, id, d, gap)
			}
		}
		return nil
	}
}

func TestCaseStatusDataSource_waitsUntilTheStatusArrives(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	const id = "CS-WAIT-OK"
	f.SetStatusSequence(id, 0, 1, 3)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config:            waitConfig(url, id, "wait_for_statuses = [3]", `poll_interval = "1s"`),
			ConfigStateChecks: expectStatus("data.servicerequest_case_status.w", 3, "Completed", true),
			Check: resource.ComposeTestCheckFunc(
				expectPollsApart(f, id, 3, time.Second),
				func(*terraform.State) error {
					if n := f.SequenceRemaining(id); n != 0 {
						return fmt.Errorf("%d statuses of the sequence were never read", n)
					}
					return nil
				},
			),
		}},
	})
}

func TestCaseStatusDataSource_waitTimesOut(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	const id = "CS-WAIT-STUCK"
	f.SetStatusSequence(id, 0, 1)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: waitConfig(url, id, "wait_for_statuses = [4, 3]", `poll_interval = "1s"`, `timeouts {`, `  read = "2s"`, `}`),
			ExpectError: errRe(`(?s)Timed out waiting for the service ticket status.*` +
				`Timed out after 2s and \d+ polls? waiting for case "CS-WAIT-STUCK" to reach 3 \(Completed\) or 4 \(Canceled\); ` +
				`the last status seen was 1 \(Processing\) \(poll_interval 1s, timeouts.read 2s\).*Raise timeouts.read`),
		}},
	})
	if n := f.RequestCount(id); n < 1 || n > 2 {
		t.Fatalf("the fake saw %d polls in 2s at 1s intervals, want at most 2", n)
	}
}

func TestCaseStatusDataSource_waitStopsOnAnUnexpectedTerminalStatus(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	const id = "CS-WAIT-CANCELED"
	f.SetStatusSequence(id, 1, 4)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			// An hour of timeout: only the early stop lets this test end.
			Config: waitConfig(url, id, "wait_for_statuses = [3]", `poll_interval = "1s"`, `timeouts {`, `  read = "1h"`, `}`),
			ExpectError: errRe(`(?s)Service ticket reached a terminal status.*` +
				`Case "CS-WAIT-CANCELED" reached 4 \(Canceled\) after \d+s and 2 polls while waiting for 3 \(Completed\); ` +
				`4 \(Canceled\) is a terminal status: a closed ticket does not move on its own, so waiting longer cannot help.*` +
				`add 4 to wait_for_statuses`),
		}},
	})
	if n := f.RequestCount(id); n != 2 {
		t.Fatalf("the fake saw %d polls, want 2: the wait must stop at the terminal status", n)
	}
}

func TestCaseStatusDataSource_waitRidesOutTransientErrors(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	const id = "CS-WAIT-FLAKY"
	f.SetResponses(id,
		fakeosm.Response{Body: `{"status":1}`},
		fakeosm.Response{HTTPStatus: 503, Body: `{"error_code":"OSM.0004","error_msg":"internal error"}`},
		fakeosm.Response{Body: `{"status":3}`},
	)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config:            waitConfig(url, id, "wait_for_statuses = [3]", `poll_interval = "1s"`),
			ConfigStateChecks: expectStatus("data.servicerequest_case_status.w", 3, "Completed", true),
		}},
	})
}

func TestCaseStatusDataSource_waitEndsOnAnErrorThatPollingCannotFix(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	const id = "CS-WAIT-AUTH"
	f.SetResponses(id,
		fakeosm.Response{Body: `{"status":1}`},
		fakeosm.Response{HTTPStatus: 401, Body: `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}`},
		fakeosm.Response{Body: `{"status":3}`},
	)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: waitConfig(url, id, "wait_for_statuses = [3]", `poll_interval = "1s"`),
			ExpectError: errRe(`(?s)Service Ticket API rejected the credentials.*HTTP 401.*APIGW.0301.*` +
				`This ended the wait for 3 \(Completed\) after \d+s and 2 polls \(poll_interval 1s, timeouts.read 20m\): ` +
				`the error is not transient`),
		}},
	})
	if n := f.RequestCount(id); n != 2 {
		t.Fatalf("the fake saw %d polls, want 2", n)
	}
}

func TestCaseStatusDataSource_waitForACaseThatDisappears(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	const id = "CS-WAIT-GONE"
	f.SetResponses(id,
		fakeosm.Response{Body: `{"status":0}`},
		fakeosm.Response{Body: `{"error_code":"OSM.01010015","error_msg":"This case does not exist"}`},
	)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config:      waitConfig(url, id, "wait_for_statuses = [3]", `poll_interval = "1s"`),
			ExpectError: errRe(`(?s)Service ticket not found.*with data.servicerequest_case_status.w.*OSM.01010015.*This ended the wait`),
		}},
	})
}

func TestCaseStatusDataSource_readTimeoutWithoutWaiting(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	const id = "CS-SLOW-ANSWER"
	f.SetResponses(id, fakeosm.Response{Body: `{"status":1}`, Delay: time.Hour})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: waitConfig(url, id, `timeouts {`, `  read = "1s"`, `}`),
			ExpectError: errRe(`(?s)Timed out reading the service ticket status.*` +
				`case "CS-SLOW-ANSWER" did not finish within timeouts.read \(1s\)`),
		}},
	})
}

func TestCaseStatusDataSource_waitForAStatusAlreadyThereReadsOnce(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			// The default poll_interval (30s) would show as a slow test if
			// the first answer did not end the wait.
			Config:            waitConfig(url, "CS-FEEDBACK", "wait_for_statuses = [2, 17]"),
			ConfigStateChecks: expectStatus("data.servicerequest_case_status.w", 17, "Pending feedback", false),
		}},
	})
	if f.RequestCount("CS-FEEDBACK") == 0 {
		t.Fatal("no request reached the fake")
	}
}

func TestCaseStatusDataSource_waitInvalidConfiguration(t *testing.T) {
	t.Parallel()
	f, url := newFake(t)
	for name, tc := range map[string]struct {
		lines []string
		want  string
	}{
		"status above 20":       {[]string{"wait_for_statuses = [3, 21]"}, `(?s)Invalid wait_for_statuses value.*In wait_for_statuses, a service ticket status must be a whole number from 0 to 20, got 21`},
		"negative status":       {[]string{"wait_for_statuses = [-1]"}, `(?s)Invalid wait_for_statuses value.*whole number from 0 to 20, got -1`},
		"fractional status":     {[]string{"wait_for_statuses = [2.5]"}, `(?s)Invalid wait_for_statuses value.*whole number from 0 to 20, got 2.5`},
		"empty set":             {[]string{"wait_for_statuses = []"}, `(?s)Empty wait_for_statuses.*could never end.*remove the attribute`},
		"interval under 1s":     {[]string{"wait_for_statuses = [3]", `poll_interval = "500ms"`}, `(?s)Invalid poll_interval value.*at least 1s`},
		"interval not duration": {[]string{"wait_for_statuses = [3]", `poll_interval = "soon"`}, `(?s)Invalid poll_interval value.*"soon", is not a duration`},
		"interval with no unit": {[]string{"wait_for_statuses = [3]", `poll_interval = "30"`}, `(?s)Invalid poll_interval value.*not a duration`},
		"zero timeout":          {[]string{"wait_for_statuses = [3]", "timeouts {", `  read = "0s"`, "}"}, `(?s)Invalid timeouts.read value.*positive duration`},
		"negative timeout":      {[]string{"wait_for_statuses = [3]", "timeouts {", `  read = "-5m"`, "}"}, `(?s)Invalid timeouts.read value.*positive duration`},
		"timeout not duration":  {[]string{"wait_for_statuses = [3]", "timeouts {", `  read = "forever"`, "}"}, `(?s)Invalid timeouts.read value.*"forever", is not a duration.*positive duration such as "45m" or "2h" \(units s, m, h\)`},
		"timeout without unit":  {[]string{"timeouts {", `  read = "30"`, "}"}, `(?s)Invalid timeouts.read value.*"30", is not a duration.*units s, m, h.*"30s" is 30 seconds, "30m" 30 minutes`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories,
				Steps: []resource.TestStep{{
					Config:      waitConfig(url, "CS-DONE", tc.lines...),
					ExpectError: errRe(tc.want),
				}},
			})
		})
	}
	if n := f.RequestCount(""); n != 0 {
		t.Fatalf("invalid configuration must stop before any request; the fake saw %d", n)
	}
}

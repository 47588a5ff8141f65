package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestProviderAuth_refusedFreshTokenEndsTheLogins: the service refuses
// every token IAM mints (a site and auth_url that do not pair, an account
// without permission). The provider renews the token once; once the fresh
// token is refused too, every other read fails with the same diagnostic
// and IAM is not asked again: 20 reads, 2 logins (before: one per read).
func TestProviderAuth_refusedFreshTokenEndsTheLogins(t *testing.T) {
	t.Parallel()
	f, url, _ := newAuthFake(t)
	f.ExpireNextMintedTokens(1000)
	var reads strings.Builder
	for i := 0; i < 20; i++ {
		reads.WriteString(readCase(fmt.Sprintf("r%02d", i), fmt.Sprintf("CS-%02d", i)))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("provider \"servicerequest\" {\n  endpoint = %q\n  auth_url = %q\n  user_name = %q\n  password = %q\n  domain_name = %q\n}\n",
				url, url+authURLSuffix, testUser, testPassword, testDomain) + reads.String(),
			ExpectError: errRe(`(?s)Service Ticket API rejected the credentials.*APIGW.0301.*password login was refused, and so was a freshly fetched one`),
		}},
	})
	if n := len(f.Logins()); n != 2 {
		t.Fatalf("%d IAM logins for 20 refused reads, want 2: the first token and one renewal", n)
	}
	if n := f.RequestCount(""); n < 20 {
		t.Fatalf("the fake saw %d reads, want every data source to have asked", n)
	}
}

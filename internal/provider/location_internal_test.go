package provider

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// locationCases is the resolution table of the provider page, row by row:
// the settings (attributes as HCL, environment) and where the provider
// then sends its requests.
var locationCases = []struct {
	name  string
	hcl   string
	env   map[string]string
	want  location
	error string
}{
	{name: "nothing set: China site, global IAM",
		want: location{Endpoint: "https://osm.cn-south-1.myhuaweicloud.com", Site: "china", XSite: "0", Cloud: "myhuaweicloud.com", AuthURL: "https://iam.myhuaweicloud.com/v3"}},
	{name: "site international",
		hcl:  `site = "international"`,
		want: location{Endpoint: "https://osm.ap-southeast-3.myhuaweicloud.com", Site: "international", XSite: "1", Cloud: "myhuaweicloud.com", AuthURL: "https://iam.myhuaweicloud.com/v3"}},
	{name: "site europe: no X-Site, European IAM",
		hcl:  `site = "europe"`,
		want: location{Endpoint: "https://osm.eu-west-101.myhuaweicloud.eu", Site: "europe", Cloud: "myhuaweicloud.eu", AuthURL: "https://iam.eu-west-101.myhuaweicloud.eu/v3"}},
	{name: "HW_CLOUD myhuaweicloud.eu chooses the European site",
		env:  map[string]string{EnvCloud: "myhuaweicloud.eu"},
		want: location{Endpoint: "https://osm.eu-west-101.myhuaweicloud.eu", Site: "europe", Cloud: "myhuaweicloud.eu", AuthURL: "https://iam.eu-west-101.myhuaweicloud.eu/v3"}},
	{name: "eu-west-101 region: European site, regional IAM",
		hcl:  `region = "eu-west-101"`,
		want: location{Endpoint: "https://osm.eu-west-101.myhuaweicloud.eu", Site: "europe", Cloud: "myhuaweicloud.eu", Region: "eu-west-101", AuthURL: "https://iam.eu-west-101.myhuaweicloud.eu/v3"}},
	{name: "eu-west-0 is not eu-west-1*: China site",
		env:  map[string]string{EnvRegion: "eu-west-0"},
		want: location{Endpoint: "https://osm.cn-south-1.myhuaweicloud.com", Site: "china", XSite: "0", Cloud: "myhuaweicloud.com", Region: "eu-west-0", AuthURL: "https://iam.eu-west-0.myhuaweicloud.com/v3"}},
	{name: "a region never picks the API host",
		hcl:  `region = "ap-southeast-1"`,
		want: location{Endpoint: "https://osm.cn-south-1.myhuaweicloud.com", Site: "china", XSite: "0", Cloud: "myhuaweicloud.com", Region: "ap-southeast-1", AuthURL: "https://iam.ap-southeast-1.myhuaweicloud.com/v3"}},
	{name: "site wins over cloud",
		hcl:  `site = "international"` + "\n" + `cloud = "myhuaweicloud.eu"`,
		want: location{Endpoint: "https://osm.ap-southeast-3.myhuaweicloud.com", Site: "international", XSite: "1", Cloud: "myhuaweicloud.eu", AuthURL: "https://iam.eu-west-101.myhuaweicloud.eu/v3"}},
	{name: "cloud attribute wins over an eu-west-1 region",
		hcl:  `cloud = "myhuaweicloud.com"` + "\n" + `region = "eu-west-101"`,
		want: location{Endpoint: "https://osm.cn-south-1.myhuaweicloud.com", Site: "china", XSite: "0", Cloud: "myhuaweicloud.com", Region: "eu-west-101", AuthURL: "https://iam.eu-west-101.myhuaweicloud.com/v3"}},
	{name: "HW_OSM_ENDPOINT: custom, no X-Site",
		env:  map[string]string{EnvEndpoint: "https://osm.example.com", EnvCloud: "myhuaweicloud.eu"},
		want: location{Endpoint: "https://osm.example.com", Cloud: "myhuaweicloud.eu", AuthURL: "https://iam.eu-west-101.myhuaweicloud.eu/v3"}},
	{name: "custom endpoint with x_site",
		hcl:  `endpoint = "https://proxy.example.com/osm"` + "\n" + `x_site = 1`,
		want: location{Endpoint: "https://proxy.example.com/osm", XSite: "1", Cloud: "myhuaweicloud.com", AuthURL: "https://iam.myhuaweicloud.com/v3"}},
	{name: "x_site overrides the site's",
		hcl:  `site = "china"` + "\n" + `x_site = 1`,
		want: location{Endpoint: "https://osm.cn-south-1.myhuaweicloud.com", Site: "china", XSite: "1", Cloud: "myhuaweicloud.com", AuthURL: "https://iam.myhuaweicloud.com/v3"}},
	{name: "auth_url attribute wins over region",
		hcl:  `auth_url = "https://iam.example.com/v3"` + "\n" + `region = "cn-north-4"`,
		want: location{Endpoint: "https://osm.cn-south-1.myhuaweicloud.com", Site: "china", XSite: "0", Cloud: "myhuaweicloud.com", Region: "cn-north-4", AuthURL: "https://iam.example.com/v3"}},
	{name: "HW_AUTH_URL wins over region",
		env:  map[string]string{EnvAuthURL: "https://iam.example.com/v3", EnvRegion: "cn-north-4"},
		want: location{Endpoint: "https://osm.cn-south-1.myhuaweicloud.com", Site: "china", XSite: "0", Cloud: "myhuaweicloud.com", Region: "cn-north-4", AuthURL: "https://iam.example.com/v3"}},
	{name: "another cloud needs an endpoint",
		env:   map[string]string{EnvCloud: "cloud.example.com"},
		error: `No Service Ticket API host on this cloud.*cloud.example.com.*Set endpoint`},
	{name: "another cloud with an endpoint: its regional IAM",
		hcl:  `endpoint = "https://osm.cloud.example.com"` + "\n" + `cloud = "cloud.example.com"` + "\n" + `region = "r-1"`,
		want: location{Endpoint: "https://osm.cloud.example.com", Cloud: "cloud.example.com", Region: "r-1", AuthURL: "https://iam.r-1.cloud.example.com/v3"}},
	{name: "invalid HW_REGION_NAME",
		env:   map[string]string{EnvRegion: "cn north/4"},
		error: `Invalid region value.*HW_REGION_NAME.*"cn north/4"`},
}

// TestLocation_table runs every row of the table through real Terraform:
// a plan that configures the provider (its one data source has count = 0,
// so no request leaves the machine), and compares where Configure resolved
// the service and IAM to be.
func TestLocation_table(t *testing.T) {
	t.Parallel()
	for _, tc := range locationCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var got []location
			env := map[string]string{EnvAuthToken: "test-token-0123456789"}
			for k, v := range tc.env {
				env[k] = v
			}
			p := &servicerequestProvider{version: "test", env: envOf(env), observe: func(l location) {
				mu.Lock()
				defer mu.Unlock()
				got = append(got, l)
			}}
			step := resource.TestStep{
				Config: "provider \"servicerequest\" {\n  " + strings.ReplaceAll(tc.hcl, "\n", "\n  ") + "\n}\n" +
					"data \"servicerequest_case_status\" \"none\" {\n  count   = 0\n  case_id = \"CS-1\"\n}\n",
				Check: func(*terraform.State) error {
					mu.Lock()
					defer mu.Unlock()
					if len(got) == 0 {
						return fmt.Errorf("the provider was not configured")
					}
					for _, l := range got {
						if l != tc.want {
							return fmt.Errorf("resolved\n  %+v\nwant\n  %+v", l, tc.want)
						}
					}
					return nil
				},
			}
			if tc.error != "" {
				step.ExpectError = errMatch(tc.error)
				step.Check = nil
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
					"servicerequest": providerserver.NewProtocol6WithError(p),
				},
				Steps: []resource.TestStep{step},
			})
		})
	}
}

// TestStsURL: the STS host of an IAM endpoint.
func TestStsURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://iam.cn-north-4.myhuaweicloud.com/v3": "https://sts.cn-north-4.myhuaweicloud.com",
		"https://iam.myhuaweicloud.eu/v3":             "https://sts.myhuaweicloud.eu",
		"http://127.0.0.1:4567/v3":                    "http://127.0.0.1:4567",
	} {
		if got := stsURL(in); got != want {
			t.Errorf("stsURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestApplySharedConfig_errorsQuoteNoKey: whatever is wrong with the
// profile, the diagnostics never quote a key from the file.
func TestApplySharedConfig_errorsQuoteNoKey(t *testing.T) {
	dir := t.TempDir()
	const ak, sk, sts = "AKNEVERQUOTED0000001", "sk-never-quoted-0123456789", "sts-never-quoted-0123456789"
	write := func(name, body string) string {
		p := dir + "/" + name
		if err := writeFile(p, body); err != nil {
			t.Fatal(err)
		}
		return p
	}
	files := map[string]string{
		"wrong type": write("a.json", `{"current":"p","profiles":[{"name":"p","accessKeyId":"`+ak+`","secretAccessKey":{"k":"`+sk+`"}}]}`),
		"truncated":  write("b.json", `{"current":"p","profiles":[{"name":"p","accessKeyId":"`+ak+`","secretAccessKey":"`+sk),
		"encrypted":  write("c.json", `{"current":"p","profiles":[{"name":"p","accessKeyId":"enc:`+ak+`=","secretAccessKey":"`+sk+`","securityToken":"`+sts+`"}]}`),
		"sso":        write("d.json", `{"current":"p","profiles":[{"name":"p","mode":"SSO","accessKeyId":"`+ak+`","secretAccessKey":"`+sk+`","ssoAuth":{}}]}`),
		"other":      write("e.json", `{"current":"q","profiles":[{"name":"p","accessKeyId":"`+ak+`","secretAccessKey":"`+sk+`"}]}`),
	}
	for name, file := range files {
		var diags diag.Diagnostics
		s := settings{"shared_config_file": {attr: "shared_config_file", value: file, source: "attribute"}}
		applySharedConfig(s, envOf(nil), &diags)
		if !diags.HasError() {
			t.Fatalf("%s: no error", name)
		}
		text := fmt.Sprint(diags)
		for _, secret := range []string{ak, sk, sts} {
			if strings.Contains(text, secret) {
				t.Fatalf("%s: the diagnostic quotes a key: %s", name, text)
			}
		}
		if !strings.Contains(text, file) {
			t.Fatalf("%s: the diagnostic does not name the file: %s", name, text)
		}
	}
}

func writeFile(p, body string) error { return os.WriteFile(p, []byte(body), 0o600) }

// errMatch is a (?s) pattern whose spaces also match Terraform's line wraps.
func errMatch(pattern string) *regexp.Regexp {
	return regexp.MustCompile("(?s)" + strings.ReplaceAll(pattern, " ", `\s+`))
}

// TestSharedConfig_shadowedProfileWarns: a profile chosen in the provider
// block whose keys the environment overrides earns a warning naming both;
// keys from the profile fill nothing then.
func TestSharedConfig_shadowedProfileWarns(t *testing.T) {
	file := t.TempDir() + "/config.json"
	if err := writeFile(file, `{"profiles":[{"name":"p","accessKeyId":"AKPROFILE0000000001","secretAccessKey":"sk-profile-0123456789","domainId":"dom-of-profile"}]}`); err != nil {
		t.Fatal(err)
	}
	s := settings{
		"profile":            {attr: "profile", value: "p", source: "attribute"},
		"shared_config_file": {attr: "shared_config_file", value: file, source: "attribute"},
		"access_key":         {attr: "access_key", value: "AKENV00000000000001", source: EnvAccessKey},
		"secret_key":         {attr: "secret_key", value: "sk-env", source: EnvSecretKey},
	}
	var diags diag.Diagnostics
	shadowed := applySharedConfig(s, envOf(nil), &diags)
	shadowedProfileWarning(s, shadowed, &diags)
	if diags.HasError() || diags.WarningsCount() != 1 {
		t.Fatalf("want one warning, got %v", diags)
	}
	text := fmt.Sprint(diags)
	for _, want := range []string{`profile "p"`, file, EnvAccessKey, "provider block, then environment, then shared config file"} {
		if !strings.Contains(text, want) {
			t.Fatalf("the warning lacks %q: %s", want, text)
		}
	}
	if s.str("access_key") != "AKENV00000000000001" || s.str("domain_id") != "" {
		t.Fatalf("the profile changed the environment's keys or added its domain id: %v", s)
	}
}

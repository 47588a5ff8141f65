package provider_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/fakeosm"
	"github.com/osm-tools/terraform-provider-servicerequest/internal/provider"
)

const (
	profileAK  = "AKPROFILE00000000001"
	profileSK  = "sk-PROFILE-secret-0123456789abcdef"
	profileSTS = "sts-PROFILE-security-token-0123456789"
	ssoAK      = "AKSSOTEMPORARY000001"
	ssoSK      = "sk-SSO-temporary-secret-0123456789"
	ssoSTS     = "sts-SSO-security-token-9876543210"

	agencyName   = "ticket-reader-agency" // the one in examples/provider/assume_role.tf
	agencyDomain = "example-ops-account"  // the one in examples/provider/assume_role.tf
	agencyDomID  = "0123456789abcdef0123456789abcdef"
)

// writeSharedConfig writes a KooCLI config.json with the given profiles
// into dir and returns its path.
func writeSharedConfig(t *testing.T, dir, current string, profiles ...map[string]any) string {
	t.Helper()
	b, err := json.MarshalIndent(map[string]any{"current": current, "profiles": profiles, "language": "en"}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "config.json")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// koocliProfiles are an access key profile with a temporary key, a
// permanent key profile, an SSO profile with temporary keys, an SSO
// profile without, an encrypted profile and one without keys.
func koocliProfiles() []map[string]any {
	return []map[string]any{
		{"name": "ticket-reader", "mode": "AKSK", "accessKeyId": profileAK, "secretAccessKey": profileSK, "securityToken": profileSTS,
			"region": "cn-north-4", "readTimeout": 10, "skipSecureVerify": false},
		{"name": "permanent", "mode": "AKSK", "accessKeyId": testAK, "secretAccessKey": testSK, "domainId": testDomainID},
		{"name": "sso-dev", "mode": "SSO", "region": "eu-west-101",
			"ssoAuth": map[string]any{"stsToken": map[string]any{"accessKeyId": ssoAK, "secretAccessKey": ssoSK, "securityToken": ssoSTS}}},
		{"name": "sso-only", "mode": "SSO", "ssoParam": map[string]any{"ssoUrl": "https://example.invalid/start"}},
		{"name": "encrypted", "mode": "AKSK", "accessKeyId": "v1:aGVsbG8gd29ybGQ=", "secretAccessKey": "v1:c2VjcmV0LXNlY3JldA=="},
		{"name": "empty", "mode": "AKSK"},
	}
}

// newProfileFake is newAuthFake plus the profiles' keys.
func newProfileFake(t *testing.T) (*fakeosm.Server, string, map[string]string) {
	t.Helper()
	f, url, env := newAuthFake(t)
	f.AddAccessKey(fakeosm.AccessKey{ID: profileAK, Secret: profileSK, SecurityToken: profileSTS})
	f.AddAccessKey(fakeosm.AccessKey{ID: ssoAK, Secret: ssoSK, SecurityToken: ssoSTS})
	return f, url, env
}

// TestSharedConfig_example runs examples/provider/auth_shared_config.tf:
// only profile is set, so the file is ~/.hcloud/config.json of the
// provider's HOME.
func TestSharedConfig_example(t *testing.T) {
	t.Parallel()
	f, _, env := newProfileFake(t)
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".hcloud"), 0o700); err != nil {
		t.Fatal(err)
	}
	writeSharedConfig(t, filepath.Join(home, ".hcloud"), "permanent", koocliProfiles()...)
	env["HOME"] = home
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(env),
		Steps: []resource.TestStep{{
			Config:            readExample(t, "provider/auth_shared_config.tf") + readCase("a", "CS-DONE"),
			ConfigStateChecks: expectStatus("data.servicerequest_case_status.a", 3, "Completed", true),
			Check: checkRequests(f, signedBy(profileAK, "host;x-language;x-sdk-date;x-security-token;x-time-zone",
				map[string]string{"X-Security-Token": profileSTS})),
		}},
	})
}

// TestSharedConfig_profileChoice: the file's current profile when only the
// file is named (with its domainId), HW_PROFILE, and an SSO profile's
// temporary keys.
func TestSharedConfig_profileChoice(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		block, profileEnv   string
		ak, signed          string
		sts, domain         string
		fileFromEnvironment bool
	}{
		"current profile when only the file is named": {ak: testAK, signed: "host;x-domain-id;x-language;x-sdk-date;x-time-zone", domain: testDomainID},
		"HW_PROFILE": {profileEnv: "sso-dev", ak: ssoAK, signed: "host;x-language;x-sdk-date;x-security-token;x-time-zone", sts: ssoSTS},
		"profile attribute wins over HW_PROFILE": {block: `profile = "ticket-reader"`, profileEnv: "sso-dev", ak: profileAK,
			signed: "host;x-language;x-sdk-date;x-security-token;x-time-zone", sts: profileSTS},
		"HW_SHARED_CONFIG_FILE": {fileFromEnvironment: true, profileEnv: "ticket-reader", ak: profileAK,
			signed: "host;x-language;x-sdk-date;x-security-token;x-time-zone", sts: profileSTS},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f, _, env := newProfileFake(t)
			file := writeSharedConfig(t, t.TempDir(), "permanent", koocliProfiles()...)
			block := fmt.Sprintf("shared_config_file = %q\n  %s", file, tc.block)
			if tc.fileFromEnvironment {
				env[provider.EnvSharedConfigFile], block = file, tc.block
			}
			if tc.profileEnv != "" {
				env[provider.EnvProfile] = tc.profileEnv
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factoriesWithEnv(env),
				Steps: []resource.TestStep{{
					Config:            "provider \"servicerequest\" {\n  " + block + "\n}\n" + readCase("a", "CS-DONE"),
					ConfigStateChecks: expectStatus("data.servicerequest_case_status.a", 3, "Completed", true),
					Check:             checkRequests(f, signedBy(tc.ak, tc.signed, map[string]string{"X-Security-Token": tc.sts, "X-Domain-Id": tc.domain})),
				}},
			})
		})
	}
}

// TestSharedConfig_precedence: block > environment > file. Keys in the
// provider block or the environment win over the profile's; a profile
// chosen in the block but overridden by the environment earns a warning.
func TestSharedConfig_precedence(t *testing.T) {
	t.Parallel()
	t.Run("environment keys win over the profile", func(t *testing.T) {
		t.Parallel()
		f, _, env := newProfileFake(t)
		file := writeSharedConfig(t, t.TempDir(), "", koocliProfiles()...)
		env[provider.EnvAccessKey], env[provider.EnvSecretKey], env[provider.EnvDomainID] = testAK, testSK, testDomainID
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: factoriesWithEnv(env),
			Steps: []resource.TestStep{{
				Config:            fmt.Sprintf("provider \"servicerequest\" {\n  shared_config_file = %q\n  profile = \"ticket-reader\"\n}\n", file) + readCase("a", "CS-DONE"),
				ConfigStateChecks: expectStatus("data.servicerequest_case_status.a", 3, "Completed", true),
				Check:             checkRequests(f, signedBy(testAK, "host;x-domain-id;x-language;x-sdk-date;x-time-zone", map[string]string{"X-Security-Token": ""})),
			}},
		})
	})
	t.Run("block keys win over the profile", func(t *testing.T) {
		t.Parallel()
		f, _, env := newProfileFake(t)
		file := writeSharedConfig(t, t.TempDir(), "ticket-reader", koocliProfiles()...)
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: factoriesWithEnv(env),
			Steps: []resource.TestStep{{
				Config: fmt.Sprintf("provider \"servicerequest\" {\n  shared_config_file = %q\n  access_key = %q\n  secret_key = %q\n  security_token = %q\n}\n",
					file, tempAK, tempSK, testSTS) + readCase("a", "CS-DONE"),
				ConfigStateChecks: expectStatus("data.servicerequest_case_status.a", 3, "Completed", true),
				Check:             checkRequests(f, signedBy(tempAK, "host;x-language;x-sdk-date;x-security-token;x-time-zone", map[string]string{"X-Security-Token": testSTS})),
			}},
		})
	})
	t.Run("a token wins over the profile's keys", func(t *testing.T) {
		t.Parallel()
		f, url, env := newProfileFake(t)
		file := writeSharedConfig(t, t.TempDir(), "ticket-reader", koocliProfiles()...)
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: factoriesWithEnv(env),
			Steps: []resource.TestStep{{
				Config:            providerBlock(url, fmt.Sprintf("shared_config_file = %q", file)) + readCase("a", "CS-DONE"),
				ConfigStateChecks: expectStatus("data.servicerequest_case_status.a", 3, "Completed", true),
				Check: checkRequests(f, func(r fakeosm.Request) error {
					if r.Header.Get("X-Auth-Token") != testToken || r.Header.Get("Authorization") != "" {
						return fmt.Errorf("want the token and no signature")
					}
					return nil
				}),
			}},
		})
	})
}

// TestSharedConfig_errors: each failure names the file and the profile,
// says what to do, and never quotes a key of the file.
func TestSharedConfig_errors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := writeSharedConfig(t, dir, "", koocliProfiles()...)
	noCurrent := file
	notJSON := filepath.Join(dir, "broken.json")
	if err := os.WriteFile(notJSON, []byte(`{"current": "x", "profiles": [`+"\n"+`{"name": "x", "secretAccessKey": "`+profileSK), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nope", "config.json")
	for name, tc := range map[string]struct {
		block string
		env   map[string]string
		want  string
	}{
		"missing file": {block: fmt.Sprintf("shared_config_file = %q\n  profile = \"ticket-reader\"", missing),
			want: `Shared config file not found.*` + regexpQuote(missing) + `.*does not exist.*profile "ticket-reader"`},
		"missing default file": {block: `profile = "ticket-reader"`, env: map[string]string{"HOME": dir},
			want: `Shared config file not found.*` + regexpQuote(filepath.Join(dir, ".hcloud", "config.json")) + `.*default path`},
		"missing profile": {block: fmt.Sprintf("shared_config_file = %q\n  profile = \"prod\"", file),
			want: `Shared config profile not found.*` + regexpQuote(file) + `.*no profile "prod".*"ticket-reader"`},
		"no current profile": {block: fmt.Sprintf("shared_config_file = %q", noCurrent),
			want: `No shared config profile chosen.*` + regexpQuote(file) + `.*has no "current" profile`},
		"SSO-only profile": {block: fmt.Sprintf("shared_config_file = %q\n  profile = \"sso-only\"", file),
			want: `SSO profile without temporary keys.*"sso-only".*` + regexpQuote(file) + `.*ssoAuth.stsToken`},
		"encrypted profile": {block: fmt.Sprintf("shared_config_file = %q\n  profile = \"encrypted\"", file),
			want: `Encrypted shared config profile.*"encrypted".*` + regexpQuote(file) + `.*cli-auth-encrypt=false`},
		"profile without keys": {block: fmt.Sprintf("shared_config_file = %q\n  profile = \"empty\"", file),
			want: `Shared config profile without access keys.*"empty".*` + regexpQuote(file) + `.*accessKeyId`},
		"not JSON": {block: fmt.Sprintf("shared_config_file = %q", notJSON),
			want: `Invalid shared config file.*` + regexpQuote(notJSON) + `.*invalid JSON at byte`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, url, env := newProfileFake(t)
			for k, v := range tc.env {
				env[k] = v
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factoriesWithEnv(env),
				Steps: []resource.TestStep{{
					Config:      fmt.Sprintf("provider \"servicerequest\" {\n  endpoint = %q\n  %s\n}\n", url, tc.block) + readCase("a", "CS-DONE"),
					ExpectError: errRe(tc.want),
				}},
			})
		})
	}
}

// regexpQuote quotes a path for errRe, whose spaces also match line
// breaks: a long path may be wrapped only where it has none, so it is
// matched as it is.
func regexpQuote(s string) string {
	return strings.NewReplacer(`\`, `\\`, `.`, `\.`, `(`, `\(`, `)`, `\)`, `+`, `\+`, `[`, `\[`, `]`, `\]`).Replace(s)
}

// TestAssumeRole_example runs examples/provider/assume_role.tf: the base
// access keys from the environment are exchanged through IAM's call for
// the agency's temporary keys, which sign every read.
func TestAssumeRole_example(t *testing.T) {
	t.Parallel()
	f, url, env := newAuthFake(t)
	f.AddAgency(fakeosm.Agency{Name: agencyName, DomainName: agencyDomain, DomainID: agencyDomID})
	env[provider.EnvAccessKey], env[provider.EnvSecretKey], env[provider.EnvDomainID] = testAK, testSK, testDomainID
	env[provider.EnvAuthURL] = url + authURLSuffix // the region's IAM would be iam.ap-southeast-1.myhuaweicloud.com
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(env),
		Steps: []resource.TestStep{{
			Config:            readExample(t, "provider/assume_role.tf") + readCase("a", "CS-DONE") + readCase("b", "CS-PROCESSING"),
			ConfigStateChecks: append(expectStatus("data.servicerequest_case_status.a", 3, "Completed", true), expectStatus("data.servicerequest_case_status.b", 1, "Processing", false)...),
			Check: func(s *terraform.State) error {
				for _, e := range f.AgencyExchanges() {
					if e.Path != fakeosm.AgencyIAMPath || e.HTTPStatus != 201 || e.AgencyName != agencyName || e.DomainName != agencyDomain || e.DurationSeconds != 3600 {
						return fmt.Errorf("exchange %+v", e)
					}
					if m := authorizationRe.FindStringSubmatch(e.Header.Get("Authorization")); m == nil || m[1] != testAK || e.Header.Get("X-Domain-Id") != testDomainID {
						return fmt.Errorf("the exchange is not signed with the base key: %q", e.Header.Get("Authorization"))
					}
				}
				return signedByIssuedKeys(f)(s)
			},
		}},
	})
}

// TestAssumeRole_sources: the STS call for a domain id, the HW_ASSUME_ROLE_*
// variables without a block, a profile's agencyName, and a password login
// as the base credentials.
func TestAssumeRole_sources(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		block string
		env   map[string]string
		path  string
		dur   int64
	}{
		"block with domain_id: STS": {
			block: fmt.Sprintf("access_key = %q\n  secret_key = %q\n  assume_role {\n    agency_name = %q\n    domain_id = %q\n    duration = 900\n  }", testAK, testSK, agencyName, agencyDomID),
			env:   map[string]string{provider.EnvAgencyDuration: "1800", provider.EnvAgencyDomainName: "ignored-with-a-block", provider.EnvDomainID: testDomainID},
			path:  fakeosm.AgencySTSPath, dur: 900,
		},
		"environment without a block": {
			env: map[string]string{provider.EnvAccessKey: testAK, provider.EnvSecretKey: testSK, provider.EnvDomainID: testDomainID,
				provider.EnvAgencyName: agencyName, provider.EnvAgencyDomainName: agencyDomain, provider.EnvAgencyDuration: "7200"},
			path: fakeosm.AgencyIAMPath, dur: 7200,
		},
		"password login as the base": {
			block: fmt.Sprintf("user_name = %q\n  password = %q\n  domain_name = %q\n  assume_role {\n    agency_name = %q\n    domain_name = %q\n  }",
				testUser, testPassword, testDomain, agencyName, agencyDomain),
			path: fakeosm.AgencyIAMPath, dur: 43200,
		},
		"profile's agencyName": {
			block: `profile = "via-agency"`,
			path:  fakeosm.AgencyIAMPath, dur: 43200,
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f, url, env := newAuthFake(t)
			f.AddAgency(fakeosm.Agency{Name: agencyName, DomainName: agencyDomain, DomainID: agencyDomID})
			file := writeSharedConfig(t, t.TempDir(), "", map[string]any{"name": "via-agency", "mode": "AKSK",
				"accessKeyId": testAK, "secretAccessKey": testSK, "domainId": testDomainID,
				"agencyName": agencyName, "agencyDomainName": agencyDomain})
			if strings.Contains(tc.block, "profile") {
				env[provider.EnvSharedConfigFile] = file
			}
			for k, v := range tc.env {
				env[k] = v
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factoriesWithEnv(env),
				Steps: []resource.TestStep{{
					Config:            fmt.Sprintf("provider \"servicerequest\" {\n  auth_url = %q\n  %s\n}\n", url+authURLSuffix, tc.block) + readCase("a", "CS-DONE") + readCase("b", "CS-TODO"),
					ConfigStateChecks: expectStatus("data.servicerequest_case_status.a", 3, "Completed", true),
					Check: func(s *terraform.State) error {
						for _, e := range f.AgencyExchanges() {
							if e.Path != tc.path || e.AgencyName != agencyName || e.DurationSeconds != tc.dur || e.AccessKey == "" {
								return fmt.Errorf("exchange %+v, want one on %s for %d s", e, tc.path, tc.dur)
							}
						}
						return signedByIssuedKeys(f)(s)
					},
				}},
			})
		})
	}
}

// TestAssumeRole_errors: a refused agency, an incomplete block, a block
// without agency_name.
func TestAssumeRole_errors(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		block string
		want  string
	}{
		"unknown agency": {block: fmt.Sprintf("assume_role {\n    agency_name = \"nope\"\n    domain_name = %q\n  }", agencyDomain),
			want: `IAM refused to assume the agency.*"nope".*HTTP 403.*not allowed to assume it.*OS-CREDENTIAL/securitytokens`},
		"no domain": {block: fmt.Sprintf("assume_role {\n    agency_name = %q\n  }", agencyName),
			want: `Missing assume_role domain.*domain_name.*domain_id`},
		"no agency_name": {block: fmt.Sprintf("assume_role {\n    domain_name = %q\n  }", agencyDomain),
			want: `Missing assume_role.agency_name`},
		"both domains": {block: fmt.Sprintf("assume_role {\n    agency_name = %q\n    domain_name = %q\n    domain_id = %q\n  }", agencyName, agencyDomain, agencyDomID),
			want: `Invalid Attribute Combination`},
		"duration out of range": {block: fmt.Sprintf("assume_role {\n    agency_name = %q\n    domain_name = %q\n    duration = 60\n  }", agencyName, agencyDomain),
			want: `duration.*between 900 and 43200`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f, url, env := newAuthFake(t)
			f.AddAgency(fakeosm.Agency{Name: agencyName, DomainName: agencyDomain, DomainID: agencyDomID})
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factoriesWithEnv(env),
				Steps: []resource.TestStep{{
					Config: fmt.Sprintf("provider \"servicerequest\" {\n  auth_url = %q\n  access_key = %q\n  secret_key = %q\n  domain_id = %q\n  %s\n}\n",
						url+authURLSuffix, testAK, testSK, testDomainID, tc.block) + readCase("a", "CS-DONE"),
					ExpectError: errRe(tc.want),
				}},
			})
			if n := f.RequestCount(""); n != 0 {
				t.Fatalf("the API was called %d times without usable credentials", n)
			}
		})
	}
}

// TestXSite_headerTheFakeSees: x_site is sent as X-Site on every request,
// signed with access keys; none is sent for a custom endpoint by default.
func TestXSite_headerTheFakeSees(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		extra, want string
		aksk        bool
	}{
		"custom endpoint: none": {},
		"x_site = 1":            {extra: "x_site = 1", want: "1"},
		"x_site = 0, signed":    {extra: fmt.Sprintf("x_site = 0\n  access_key = %q\n  secret_key = %q", tempAK, tempSK), want: "0", aksk: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f, url, env := newAuthFake(t)
			block := providerBlock(url, tc.extra)
			if tc.aksk {
				block = fmt.Sprintf("provider \"servicerequest\" {\n  endpoint = %q\n  security_token = %q\n  %s\n}\n", url, testSTS, tc.extra)
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factoriesWithEnv(env),
				Steps: []resource.TestStep{{
					Config:            block + readCase("a", "CS-DONE") + readCase("b", "CS-TODO"),
					ConfigStateChecks: expectStatus("data.servicerequest_case_status.a", 3, "Completed", true),
					Check: checkRequests(f, func(r fakeosm.Request) error {
						if r.Site != tc.want {
							return fmt.Errorf("X-Site %q, want %q", r.Site, tc.want)
						}
						if tc.aksk && !strings.Contains(r.Header.Get("Authorization"), "x-site") {
							return fmt.Errorf("X-Site is not signed: %q", r.Header.Get("Authorization"))
						}
						return nil
					}),
				}},
			})
		})
	}
	t.Run("invalid x_site", func(t *testing.T) {
		t.Parallel()
		_, url, env := newAuthFake(t)
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: factoriesWithEnv(env),
			Steps: []resource.TestStep{{
				Config:      providerBlock(url, "x_site = 2") + readCase("a", "CS-DONE"),
				ExpectError: errRe(`x_site.*value must be one of`),
			}},
		})
	})
}

// signedByIssuedKeys checks that the agency was assumed, and that every
// read was signed with temporary keys the fake issued for it, each set of
// keys shared by several reads (one exchange per provider configuration,
// not one per read).
func signedByIssuedKeys(f *fakeosm.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		issued := map[string]fakeosm.AccessKey{}
		for _, k := range f.IssuedKeys() {
			issued[k.ID] = k
		}
		if len(issued) == 0 {
			return fmt.Errorf("no agency keys were issued")
		}
		uses := map[string]int{}
		err := checkRequests(f, func(r fakeosm.Request) error {
			m := authorizationRe.FindStringSubmatch(r.Header.Get("Authorization"))
			if m == nil {
				return fmt.Errorf("not signed: %q", r.Header.Get("Authorization"))
			}
			k, ok := issued[m[1]]
			if !ok || m[2] != "host;x-language;x-sdk-date;x-security-token;x-time-zone" || r.Header.Get("X-Security-Token") != k.SecurityToken {
				return fmt.Errorf("not signed with an agency key the fake issued: %q", r.Header.Get("Authorization"))
			}
			uses[k.ID]++
			return nil
		})(nil)
		if err != nil {
			return err
		}
		if len(uses) >= f.RequestCount("") {
			return fmt.Errorf("%d requests used %d agency keys: one exchange per read, not per provider", f.RequestCount(""), len(uses))
		}
		return nil
	}
}

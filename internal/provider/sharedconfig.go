package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// The shared config file is KooCLI's (hcloud) config.json, read as the
// Huawei Cloud provider reads it: the profile named by profile (or
// HW_PROFILE, or the file's "current"), its access keys (those of
// ssoAuth.stsToken in an SSO profile), region, domainId, agencyName and
// agencyDomainName. Unlike that provider, whose profile overwrites the
// block and the environment, a profile here only fills in what the block
// and the environment leave unset: block > environment > file.

// profileSourcePrefix starts the source of every value from the file.
const profileSourcePrefix = "profile "

// defaultSharedConfigFile is KooCLI's file, below the home directory.
const defaultSharedConfigFile = "~/.hcloud/config.json"

// sharedConfig is the part of the file the provider reads; KooCLI's other
// keys are ignored.
type sharedConfig struct {
	Current  string          `json:"current"`
	Profiles []sharedProfile `json:"profiles"`
}

type sharedProfile struct {
	Name             string `json:"name"`
	Mode             string `json:"mode"`
	AccessKeyID      string `json:"accessKeyId"`
	SecretAccessKey  string `json:"secretAccessKey"`
	SecurityToken    string `json:"securityToken"`
	Region           string `json:"region"`
	DomainID         string `json:"domainId"`
	AgencyName       string `json:"agencyName"`
	AgencyDomainName string `json:"agencyDomainName"`
	SSOAuth          *struct {
		STSToken *struct {
			AccessKeyID     string `json:"accessKeyId"`
			SecretAccessKey string `json:"secretAccessKey"`
			SecurityToken   string `json:"securityToken"`
		} `json:"stsToken"`
	} `json:"ssoAuth"`
}

// plainAccessKey is what an unencrypted access key looks like.
var plainAccessKey = regexp.MustCompile(`^[A-Za-z0-9]{1,128}$`)

// applySharedConfig reads the shared config file when shared_config_file
// or profile is set, and fills in the settings the provider block and the
// environment leave unset. Errors name the file and the profile, never a
// key. It returns the source of a profile whose keys the block or the
// environment override, "" otherwise.
func applySharedConfig(s settings, env LookupEnv, diags *diag.Diagnostics) (shadowed string) {
	file, profile := s["shared_config_file"], s["profile"]
	if !file.set() && !profile.set() {
		return ""
	}
	fileAttr := "shared_config_file"
	name := file.value
	if !file.set() {
		name, fileAttr = defaultSharedConfigFile, "profile"
	}
	full, err := expandHome(name, env)
	if err != nil {
		diags.AddAttributeError(path.Root(fileAttr), "Cannot find the shared config file",
			fmt.Sprintf("The shared config file %s %s, but %s. Set shared_config_file to a full path.", name, fileWhere(file), err))
		return ""
	}
	raw, err := os.ReadFile(full)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		diags.AddAttributeError(path.Root(fileAttr), "Shared config file not found",
			fmt.Sprintf("The shared config file %s (%s) does not exist. %s Create it with KooCLI "+
				"(hcloud configure init), or set shared_config_file (%s) to the right path.", full, fileWhere(file), profileClause(profile), EnvSharedConfigFile))
		return ""
	case err != nil:
		diags.AddAttributeError(path.Root(fileAttr), "Cannot read the shared config file",
			fmt.Sprintf("Reading the shared config file %s failed: %s. Check its permissions.", full, pathErr(err)))
		return ""
	}
	var cfg sharedConfig
	if err := json.Unmarshal(raw, &cfg); err != nil {
		diags.AddAttributeError(path.Root(fileAttr), "Invalid shared config file",
			fmt.Sprintf("The shared config file %s is not the JSON KooCLI writes: %s.", full, jsonErr(err)))
		return ""
	}
	want := profile.value
	how := "named " + profile.where()
	if !profile.set() {
		want, how = cfg.Current, `the file's "current" profile`
	}
	if want == "" {
		diags.AddAttributeError(path.Root("profile"), "No shared config profile chosen",
			fmt.Sprintf("The shared config file %s has no \"current\" profile, and profile is not set. "+
				"Set profile (or %s) to one of: %s.", full, EnvProfile, profileNames(cfg)))
		return ""
	}
	var p *sharedProfile
	for i := range cfg.Profiles {
		if cfg.Profiles[i].Name == want {
			p = &cfg.Profiles[i]
			break
		}
	}
	if p == nil {
		diags.AddAttributeError(path.Root("profile"), "Shared config profile not found",
			fmt.Sprintf("The shared config file %s has no profile %q (%s). Its profiles: %s.", full, want, how, profileNames(cfg)))
		return ""
	}
	source := fmt.Sprintf("%s%q of the shared config file %s", profileSourcePrefix, want, full)
	fail := func(summary, why string) {
		diags.AddAttributeError(path.Root("profile"), summary,
			fmt.Sprintf("The profile %q (%s) of the shared config file %s %s", want, how, full, why))
	}
	ak, sk, token := p.AccessKeyID, p.SecretAccessKey, p.SecurityToken
	if strings.EqualFold(p.Mode, "SSO") {
		if p.SSOAuth == nil || p.SSOAuth.STSToken == nil || p.SSOAuth.STSToken.AccessKeyID == "" || p.SSOAuth.STSToken.SecretAccessKey == "" {
			fail("SSO profile without temporary keys",
				"is an SSO profile without temporary access keys (ssoAuth.stsToken): the provider cannot sign in with SSO itself. "+
					"Sign in with KooCLI first so that it stores them, or choose an access key profile.")
			return ""
		}
		ak, sk, token = p.SSOAuth.STSToken.AccessKeyID, p.SSOAuth.STSToken.SecretAccessKey, p.SSOAuth.STSToken.SecurityToken
	}
	switch {
	case ak == "" || sk == "":
		fail("Shared config profile without access keys",
			"has no accessKeyId and secretAccessKey. If KooCLI encrypts the keys, store them unencrypted "+
				"(hcloud configure set --cli-auth-encrypt=false) and configure the profile again; otherwise set its keys.")
		return ""
	case !plainAccessKey.MatchString(ak):
		fail("Encrypted shared config profile",
			"holds an accessKeyId that is not a plain access key: the keys look encrypted, which the provider cannot read. "+
				"Store them unencrypted (hcloud configure set --cli-auth-encrypt=false) and configure the profile again.")
		return ""
	}
	fill := func(attr, value string) {
		if value != "" && !s[attr].set() {
			s[attr] = resolved{attr: attr, value: value, source: source}
		}
	}
	// The keys are one group: never an access key of one source with the
	// secret key of another.
	if !s["access_key"].set() && !s["secret_key"].set() {
		s["security_token"] = resolved{attr: "security_token", value: token, source: source}
		fill("access_key", ak)
		fill("secret_key", sk)
		fill("domain_id", p.DomainID) // the account of these keys only
	} else {
		shadowed = source
	}
	fill("region", p.Region)
	if !s["assume_role.agency_name"].set() && p.AgencyName != "" {
		fill("assume_role.agency_name", p.AgencyName)
		if !s["assume_role.domain_id"].set() {
			fill("assume_role.domain_name", p.AgencyDomainName)
		}
	}
	return shadowed
}

// shadowedProfileWarning warns when a profile was chosen in the provider
// block but access keys from the environment win over its keys.
func shadowedProfileWarning(s settings, shadowed string, diags *diag.Diagnostics) {
	if shadowed == "" {
		return
	}
	ak := s["access_key"]
	if ak.source == "attribute" || s["profile"].source != "attribute" && s["shared_config_file"].source != "attribute" {
		return
	}
	diags.AddWarning("Access keys from the environment override the shared config profile",
		fmt.Sprintf("The provider block chooses %s, but access_key is set %s, which takes precedence "+
			"(provider block, then environment, then shared config file). Unset %s and %s to use the profile's keys.",
			shadowed, ak.where(), EnvAccessKey, EnvSecretKey))
}

func fileWhere(file resolved) string {
	if !file.set() {
		return "is the default path, used because profile is set"
	}
	return "is set " + file.where()
}

func profileClause(profile resolved) string {
	if !profile.set() {
		return ""
	}
	return fmt.Sprintf("The profile %q is set %s.", profile.value, profile.where())
}

func profileNames(cfg sharedConfig) string {
	var names []string
	for _, p := range cfg.Profiles {
		names = append(names, fmt.Sprintf("%q", p.Name))
	}
	if len(names) == 0 {
		return "none"
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// expandHome expands a leading "~/" with the home directory: HOME, else
// USERPROFILE (Windows), from the provider's environment.
func expandHome(name string, env LookupEnv) (string, error) {
	rest, ok := strings.CutPrefix(name, "~/")
	if !ok && name != "~" {
		return name, nil
	}
	for _, v := range []string{"HOME", "USERPROFILE"} {
		if home, ok := env(v); ok && home != "" {
			return filepath.Join(home, rest), nil
		}
	}
	return "", errors.New("neither HOME nor USERPROFILE is set to expand ~")
}

func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// jsonErr describes a decoding error without quoting the file's content.
func jsonErr(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s has the wrong type (a JSON %s)", te.Field, te.Value)
	}
	return "invalid JSON"
}

package provider

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// Clouds (domains) of the Huawei Cloud sites.
const (
	cloudCom = "myhuaweicloud.com"
	cloudEU  = "myhuaweicloud.eu"
	// euRegionPrefix marks the regions of the European site, as the Huawei
	// Cloud provider tells them: a plain prefix match.
	euRegionPrefix = "eu-west-1"
	// europeAuthURL is the IAM of the European site, for when no region
	// is known.
	europeAuthURL = "https://iam.eu-west-101.myhuaweicloud.eu/v3"
)

// siteHeaders are the X-Site values of the sites that have one.
var siteHeaders = map[string]string{"china": "0", "international": "1"}

// resolveLocation works out, in this order (documented in one table on
// the provider page):
//
//   - cloud: the attribute or HW_CLOUD; else myhuaweicloud.eu for an
//     eu-west-1* region or site = "europe"; else myhuaweicloud.com.
//   - the site, when neither site nor endpoint (nor HW_OSM_ENDPOINT) is
//     set: europe on myhuaweicloud.eu, china on myhuaweicloud.com; and the
//     endpoint is that site's host. The region never picks the host.
//   - x_site: the attribute; else 0 for china, 1 for international, none
//     for europe or a custom endpoint.
//   - auth_url: the attribute or HW_AUTH_URL; else https://iam.{region}.{cloud}/v3
//     when a region is known; else the European IAM on myhuaweicloud.eu;
//     else the global IAM.
//
// It returns the site whose host the endpoint is ("" for a custom one).
func resolveLocation(s settings, diags *diag.Diagnostics) (site string) {
	region := s["region"]
	cloud := s["cloud"]
	if !cloud.set() {
		switch {
		case strings.HasPrefix(region.value, euRegionPrefix):
			cloud = resolved{attr: "cloud", value: cloudEU, source: "default"}
		case s.str("site") == "europe":
			cloud = resolved{attr: "cloud", value: cloudEU, source: "default"}
		default:
			cloud = resolved{attr: "cloud", value: cloudCom, source: "default"}
		}
		s["cloud"] = cloud
	}

	site = s.str("site")
	if site == "" && s["endpoint"].source == "default" {
		switch cloud.value {
		case cloudEU:
			site = "europe"
		case cloudCom:
			site = "china"
		default:
			diags.AddAttributeError(path.Root("cloud"), "No Service Ticket API host on this cloud",
				fmt.Sprintf("cloud is %q (set %s), and the Service Ticket API documents hosts only on %s and %s. "+
					"Set endpoint (or %s) to the API's URL on this cloud, or site to a documented site.",
					cloud.value, cloud.where(), cloudCom, cloudEU, EnvEndpoint))
			return ""
		}
		s["endpoint"] = resolved{attr: "endpoint", value: siteEndpoints[site], source: "default"}
	}

	if !s["x_site"].set() {
		s["x_site"] = resolved{attr: "x_site", value: siteHeaders[site], source: "default"}
	}

	if !s["auth_url"].set() {
		u := osm.DefaultAuthURL
		switch {
		case region.set():
			u = "https://iam." + region.value + "." + cloud.value + "/v3"
		case cloud.value == cloudEU:
			u = europeAuthURL
		case cloud.value != cloudCom:
			u = "https://iam." + cloud.value + "/v3"
		}
		s["auth_url"] = resolved{attr: "auth_url", value: u, source: "default"}
	}
	return site
}

// stsURL is the STS endpoint of an IAM endpoint: its host with "iam."
// replaced by "sts."; a host that does not start with "iam." (a proxy, a
// private endpoint, a test server) is taken to serve both.
func stsURL(authURL string) string {
	u, err := url.Parse(authURL)
	if err != nil {
		return authURL
	}
	if rest, ok := strings.CutPrefix(u.Host, "iam."); ok {
		u.Host = "sts." + rest
	}
	u.Path, u.RawPath = "", ""
	return u.String()
}

package process

import (
	"os"
	"strings"
	"testing"
)

// clearTFLog unsets every TF_LOG* variable for the test, restoring them after.
func clearTFLog(t *testing.T) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "TF_LOG") {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
	t.Setenv("TF_LOG_PROVIDER_SERVICEREQUEST", "")
	os.Unsetenv("TF_LOG_PROVIDER_SERVICEREQUEST")
	t.Setenv("TF_LOG_SDK", "")
	os.Unsetenv("TF_LOG_SDK")
}

func TestQuietUnlessTerraformLogs_silencesWhenTerraformDoesNotLog(t *testing.T) {
	clearTFLog(t)
	QuietUnlessTerraformLogs()
	if os.Getenv("TF_LOG_PROVIDER_SERVICEREQUEST") != "off" || os.Getenv("TF_LOG_SDK") != "off" {
		t.Fatalf("logs not turned off: provider %q, sdk %q", os.Getenv("TF_LOG_PROVIDER_SERVICEREQUEST"), os.Getenv("TF_LOG_SDK"))
	}
}

func TestQuietUnlessTerraformLogs_keepsLogsWhenAsked(t *testing.T) {
	for _, v := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PATH"} {
		t.Run(v, func(t *testing.T) {
			clearTFLog(t)
			t.Setenv(v, "TRACE")
			QuietUnlessTerraformLogs()
			if _, set := os.LookupEnv("TF_LOG_SDK"); set {
				t.Fatalf("with %s set, the SDK's logging must stay as it is", v)
			}
			if _, set := os.LookupEnv("TF_LOG_PROVIDER_SERVICEREQUEST"); set {
				t.Fatalf("with %s set, the provider's logging must stay as it is", v)
			}
		})
	}
}

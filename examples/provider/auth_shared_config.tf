# Shared config file: the access keys of a KooCLI (hcloud) profile, as
# `hcloud configure init` writes them to ~/.hcloud/config.json. Store the
# keys unencrypted first: hcloud configure set --cli-auth-encrypt=false.
# The profile's keys are used only when neither this block nor HW_ACCESS_KEY
# / HW_SECRET_KEY sets an access key (block > environment > file).
provider "servicerequest" {
  # Falls back to HW_PROFILE, then the file's "current" profile.
  profile = "ticket-reader"

  # Optional: defaults to ~/.hcloud/config.json when a profile is named.
  # Falls back to HW_SHARED_CONFIG_FILE.
  # shared_config_file = "~/.hcloud/config.json"
}

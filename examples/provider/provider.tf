# The token is read from HW_AUTH_TOKEN when it is not set here; keep it out
# of the configuration.
provider "servicerequest" {
  language  = "en-us"
  time_zone = "GMT+8"
}

# The provider is published as osm-tools/servicerequest: without this block
# Terraform looks for hashicorp/servicerequest and `terraform init` fails.
terraform {
  required_providers {
    servicerequest = {
      source  = "osm-tools/servicerequest"
      version = "~> 0.1"
    }
  }
}

# The token is read from HW_AUTH_TOKEN when it is not set here; keep it out
# of the configuration.
provider "servicerequest" {
  language  = "en-us"
  time_zone = "GMT+8"
}

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    servicerequest = {
      source  = "osm-tools/servicerequest"
      version = "~> 0.1"
    }
  }
}

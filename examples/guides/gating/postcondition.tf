# Every resource that uses this ticket's status is held back while the
# ticket is still open: the postcondition fails the read itself.
data "servicerequest_case_status" "maintenance_window" {
  case_id = "CS20261130000011"

  lifecycle {
    postcondition {
      condition     = self.closed
      error_message = "Maintenance ticket ${self.case_id} is still ${self.status_name}; plan again once it is closed."
    }
    postcondition {
      condition     = self.status == 3
      error_message = "Maintenance ticket ${self.case_id} ended as ${self.status_name}, not Completed; the window was not granted."
    }
  }
}

output "maintenance_window" {
  value = data.servicerequest_case_status.maintenance_window.status_name
}

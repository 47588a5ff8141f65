# Gate a release on every ticket of the change: one data source reads them
# all, several at once, however many there are.
data "servicerequest_case_statuses" "release" {
  case_ids = [
    "CS20261130000001",
    "CS20261130000002",
    "CS20261130000003",
  ]

  lifecycle {
    postcondition {
      condition     = self.all_closed
      error_message = "Release blocked by open tickets: ${join(", ", [for id, t in self.statuses : "${id} (${t.status_name})" if !t.closed])}."
    }
  }
}

output "release_tickets_by_status" {
  value = { for name, n in data.servicerequest_case_statuses.release.counts : name => n if n > 0 }
}

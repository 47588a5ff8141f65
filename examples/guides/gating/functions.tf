# Status numbers that arrive as plain numbers (from another workspace's
# outputs, a pipeline variable or an exported report) get the same labels
# and closed rule as the data source, without another API call.
# Provider functions need Terraform 1.8 or later.
variable "release_tickets" {
  description = "Status number of each ticket the release depends on, by case ID."
  type        = map(number)
  default = {
    "CS20261130000014" = 3
    "CS20261130000015" = 17
  }
}

locals {
  open_tickets = {
    for id, status in var.release_tickets :
    id => provider::servicerequest::status_name(status)
    if !provider::servicerequest::is_closed(status)
  }
}

output "release_ticket_labels" {
  value = { for id, status in var.release_tickets : id => provider::servicerequest::status_name(status) }
}

check "release_tickets_closed" {
  assert {
    condition     = length(local.open_tickets) == 0
    error_message = "Release tickets still open: ${join(", ", [for id, name in local.open_tickets : "${id} (${name})"])}."
  }
}

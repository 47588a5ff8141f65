# The demo reads three tickets, one of them in full, from a fake Service Ticket API (make demo
# starts it and points HW_OSM_ENDPOINT and HW_AUTH_TOKEN at it).
provider "servicerequest" {
  language = "en-us"
}

locals {
  tickets = {
    network_change    = "CS-DEMO-1001"
    database_upgrade  = "CS-DEMO-1002"
    vendor_escalation = "CS-DEMO-1003"
  }
}

data "servicerequest_case_status" "ticket" {
  for_each = local.tickets

  case_id = each.value
}

# The gate: the plan stops here until the network change ticket is
# Completed. make demo plans once while it is Processing (the gate holds),
# then again after the fake marks it Completed.
data "servicerequest_case_status" "cutover_gate" {
  case_id = local.tickets.network_change

  lifecycle {
    postcondition {
      condition     = self.status_name == "Completed"
      error_message = "Ticket ${self.case_id} is ${self.status_name}; the cut-over waits until it is Completed."
    }
  }
}

# A check warns without failing the plan.
check "vendor_ticket_closed" {
  assert {
    condition     = data.servicerequest_case_status.ticket["vendor_escalation"].closed
    error_message = "Vendor ticket ${local.tickets.vendor_escalation} is still ${data.servicerequest_case_status.ticket["vendor_escalation"].status_name}."
  }
}

# One ticket read in full: its severity goes into the gate message.
data "servicerequest_case" "database_upgrade" {
  case_id = local.tickets.database_upgrade
}

check "database_upgrade_done" {
  assert {
    condition     = data.servicerequest_case.database_upgrade.closed
    error_message = "Database upgrade ticket ${data.servicerequest_case.database_upgrade.case_id} (${data.servicerequest_case.database_upgrade.severity_name}, opened ${data.servicerequest_case.database_upgrade.created_at}) is still ${data.servicerequest_case.database_upgrade.status_name}."
  }
}

output "tickets" {
  description = "Status of every demo ticket."
  value = {
    for name, t in data.servicerequest_case_status.ticket :
    name => "${t.case_id}: ${t.status} (${t.status_name})${t.closed ? ", closed" : ""}"
  }
}

output "cutover_allowed" {
  value = data.servicerequest_case_status.cutover_gate.closed
}

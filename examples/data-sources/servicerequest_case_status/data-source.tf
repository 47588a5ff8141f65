data "servicerequest_case_status" "upgrade" {
  case_id = "CS20261130000001"
}

output "upgrade_ticket" {
  value = "${data.servicerequest_case_status.upgrade.case_id} is ${data.servicerequest_case_status.upgrade.status_name}"
}

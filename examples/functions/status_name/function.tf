# The label of a status number, as the data source's status_name gives it.
output "status_label" {
  value = provider::servicerequest::status_name(17) # "Pending feedback"
}

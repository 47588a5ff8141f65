# Whether a status number is terminal, as the data source's closed gives it.
output "ticket_closed" {
  value = provider::servicerequest::is_closed(4) # true: Canceled
}

package osm

import "fmt"

// MinStatus and MaxStatus bound the status values the service documents.
const (
	MinStatus = 0
	MaxStatus = 20
)

// Status is a service ticket status as the service returns it.
type Status int

// Well-known statuses. The reference page lists 0-4, 12 and 17; the Chinese
// edition of the same page adds 5 (Paused) and 13 (Deleted).
const (
	StatusToBeProcessed   Status = 0
	StatusProcessing      Status = 1
	StatusToBeConfirmed   Status = 2
	StatusCompleted       Status = 3
	StatusCanceled        Status = 4
	StatusPaused          Status = 5
	StatusInvalid         Status = 12
	StatusDeleted         Status = 13
	StatusPendingFeedback Status = 17
)

// UnknownStatusName is the label of a legal status value with no documented meaning.
const UnknownStatusName = "Unknown"

var statusNames = map[Status]string{
	StatusToBeProcessed:   "To be processed",
	StatusProcessing:      "Processing",
	StatusToBeConfirmed:   "To be confirmed",
	StatusCompleted:       "Completed",
	StatusCanceled:        "Canceled",
	StatusPaused:          "Paused",
	StatusInvalid:         "Invalid",
	StatusDeleted:         "Deleted",
	StatusPendingFeedback: "Pending feedback",
}

// Valid reports whether s lies in the documented range 0..20.
func (s Status) Valid() bool { return s >= MinStatus && s <= MaxStatus }

// Name is the English label of s: the documented name, or "Unknown" for any
// other value in range. It is "Unknown" for out-of-range values too; callers
// that must refuse those check Valid first.
func (s Status) Name() string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return UnknownStatusName
}

// Closed reports whether s is terminal: the ticket will not move again on its
// own (Completed, Canceled, Invalid, Deleted).
func (s Status) Closed() bool {
	switch s {
	case StatusCompleted, StatusCanceled, StatusInvalid, StatusDeleted:
		return true
	}
	return false
}

// String renders s as `3 (Completed)`.
func (s Status) String() string { return fmt.Sprintf("%d (%s)", int(s), s.Name()) }

// KnownStatuses lists the documented statuses in ascending order.
func KnownStatuses() []Status {
	return []Status{
		StatusToBeProcessed, StatusProcessing, StatusToBeConfirmed, StatusCompleted,
		StatusCanceled, StatusPaused, StatusInvalid, StatusDeleted, StatusPendingFeedback,
	}
}

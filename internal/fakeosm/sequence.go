package fakeosm

// Status sequences: a ticket that moves through statuses over successive
// requests, so tests can watch a wait progress without a clock.

// SetStatusSequence makes the ticket caseID answer its requests with the
// given statuses in order, one per authorized request that reaches the
// ticket table; after the last one the ticket keeps that status, as SetStatus
// would set it. Canned responses (SetResponses) take precedence and do not
// advance the sequence. No statuses clears a pending sequence and leaves the
// ticket as it is.
func (s *Server) SetStatusSequence(caseID string, statuses ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sequences == nil {
		s.sequences = map[string][]int{}
	}
	if len(statuses) == 0 {
		delete(s.sequences, caseID)
		return
	}
	s.sequences[caseID] = append([]int(nil), statuses...)
}

// SequenceRemaining returns how many statuses of caseID's sequence have not
// been served yet.
func (s *Server) SequenceRemaining(caseID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sequences[caseID])
}

// stepSequence moves caseID to the next status of its sequence for a GET
// that will be answered from the ticket table. s.mu must be held.
func (s *Server) stepSequence(caseID string, matched, authorized bool) {
	q := s.sequences[caseID]
	if !matched || !authorized || len(q) == 0 || len(s.responses[caseID]) > 0 {
		return
	}
	s.tickets[caseID] = q[0]
	if len(q) == 1 {
		delete(s.sequences, caseID)
	} else {
		s.sequences[caseID] = q[1:]
	}
}

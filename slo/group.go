package slo

// GroupMember says which grouped SLO an expanded SLO comes from.
type GroupMember struct {
	// ID is the grouped SLO's id, "service/name".
	ID string
	// Values are the group labels' values, in the order of GroupBy.
	Values map[string]string
}

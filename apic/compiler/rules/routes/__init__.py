"""Route rules (RT): conflicts between routes and the parameters they bind."""

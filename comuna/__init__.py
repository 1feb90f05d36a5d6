"""Comuna: software for communal self-government."""

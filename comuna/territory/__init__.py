"""Bodies (council, commune, communal city), statutes, organs, mandates and the census."""

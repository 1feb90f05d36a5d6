class CycleError(Exception):
    """A refused step of the communal cycle, said in the user's language: the message is what
    the page or the API shows (what was refused, and why)."""

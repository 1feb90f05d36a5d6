class MandateError(Exception):
    """A refused step of the mandates capability, said in the user's language: the message is
    what the page or the API shows (what was refused, and why)."""

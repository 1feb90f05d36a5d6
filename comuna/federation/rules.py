"""Federation permissions (being built)."""


def register() -> None:
    pass

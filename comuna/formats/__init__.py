"""Number and date formats where Comuna's readers write differently from Django's defaults."""

"""Participatory budgeting: elections (``instance``), outcomes, rules, Pabulib files."""

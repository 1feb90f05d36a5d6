"""Django-free counting engine: profiles, rules, tie-breaking, Pabulib I/O."""

"""The PB rules, one module per family of rules; their table is ``comuna.choice.pb.RULES``."""

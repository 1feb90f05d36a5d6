"""Django-free counting engine, in two families of rules with one table shape.

- ``pb``: participatory budgeting: the election (``pb.instance``), what a rule returns
  (``pb.outcome``), the rules (``pb.rules``), the Pabulib file format (``pb.pabulib``); the
  table ``pb.RULES`` and the entry point ``pb.run``.
- ``elections``: single-choice, ranked and approval elections: profiles, PrefLib files, the
  rules; the table ``elections.RULES`` and the entry point ``elections.count``.
- ``messages``: what rules say, as data (a message id and JSON parameters); ``sentences``: one
  renderer per message id, English by default, any language through ``messages.Words``.
- ``registry``: the shape of a rule table; ``ties``: the names of the tie-breaking orders, the
  same for both families; ``cli``: the ``comuna pb`` command.
"""

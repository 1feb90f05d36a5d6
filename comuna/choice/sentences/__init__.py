"""The renderers: one function per message id, turning a ``Msg`` into a sentence.

``SENTENCES`` maps every message id the engine emits to its renderer (``pb`` for the
participatory-budgeting rules, ``elections`` for the election rules). A renderer takes the
message's parameters and a ``Words`` (``comuna.choice.messages``): its English strings are the
message ids of the gettext catalogue, so the web layer renders the same sentences in the
reader's language by passing Django's gettext, the options' labels and locale numbers.
"""

from __future__ import annotations

from comuna.choice.messages import ENGLISH, Msg, Words

from .common import Sentence
from .elections import SENTENCES as ELECTION_SENTENCES
from .pb import SENTENCES as PB_SENTENCES

SENTENCES: dict[str, Sentence] = {**PB_SENTENCES, **ELECTION_SENTENCES}


def render(msg: Msg, words: Words | None = None) -> str:
    """``msg`` as a sentence in ``words`` (English by default); KeyError for an unknown id."""
    return SENTENCES[msg.id](msg.params, words or ENGLISH)

"""Bad input must raise a ``ValueError`` whose message is a full sentence a learner can act on."""

from __future__ import annotations

import pytest


def message_of(call) -> str:
    """The ``ValueError`` message ``call()`` raises, checked to be a full sentence."""
    with pytest.raises(ValueError) as caught:
        call()
    message = str(caught.value)
    assert message.endswith("."), f"not a full sentence: {message!r}"
    return message


def assert_mentions(message: str, *words: str) -> None:
    """Every word (case-insensitively) is in the message."""
    missing = [w for w in words if w.lower() not in message.lower()]
    assert not missing, f"{message!r} does not mention {missing}"

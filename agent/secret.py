"""A token that cannot be printed by accident, and the registry the log filter redacts.

`Secret` hides its value from `repr`, `str`, f-strings and tracebacks; only `reveal()` gives
it, and only the transport calls that, to build an `Authorization` header.
"""

from __future__ import annotations

_KNOWN: set[str] = set()


class Secret:
    """A credential value with a masked representation."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not value:
            raise ValueError("a secret cannot be empty")
        self._value = value
        _KNOWN.add(value)

    def reveal(self) -> str:
        return self._value

    def masked(self) -> str:
        prefix = self._value.split("_")[0] if "_" in self._value else ""
        return f"{prefix}_****" if prefix else "****"

    def __repr__(self) -> str:
        return f"Secret({self.masked()!r})"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> str:
        raise TypeError("a Secret cannot be pickled")


def redact(text: str) -> str:
    """`text` with every secret this process has seen replaced by a mask."""
    for value in _KNOWN:
        if value in text:
            text = text.replace(value, "****")
    return text

"""Problems found in the inputs: data, not exceptions, until the build decides to stop."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem with one place in the inputs: `file:line: column: message (value)`."""

    file: str
    line: int | None = None
    column: str | None = None
    message: str = ""
    value: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = self.message if self.value is None else f"{self.message} ({self.value!r})"
        return f"{where}: {self.column}: {what}" if self.column else f"{where}: {what}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class InputError(Exception):
    """Structural problems: the build stops before writing anything."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


class UsageError(Exception):
    """The command was asked for something that cannot be: exit 2."""

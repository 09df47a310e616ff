"""The one error type of the instrument format."""

from __future__ import annotations


class InstrumentFormatError(ValueError):
    """An instrument file (or object) is invalid; ``problems`` lists every problem found.

    Each problem reads ``"<where>: <what is wrong>"``, e.g.
    ``"sections[1].items[3].dimension (item 'com_quality', line 42): unknown dimension 'trustiness'"``.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        heading = "1 problem" if count == 1 else f"{count} problems"
        super().__init__(f"invalid instrument file, {heading}:\n" + "\n".join(self.problems))

"""Named errors of the pipelines, each carrying every problem it found."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem of an upload: file row (header = 1), column, value, reason."""

    row: int | None
    column: str | None
    value: str | None
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "file"
        column = f", column {self.column!r}" if self.column else ""
        value = f", value {self.value!r}" if self.value is not None else ""
        return f"{where}{column}{value}: {self.reason}"


class ValidationError(Exception):
    """An upload was refused; `problems` lists every problem found, in file order."""

    def __init__(self, problems: list[Problem], total: int | None = None):
        self.problems = sorted(problems, key=lambda p: (p.row or 0, p.column or "", p.reason))
        self.total = total if total is not None else len(problems)
        super().__init__(f"{self.total} problem(s); first: {self.problems[0] if problems else '-'}")

    def report(self, limit: int | None = 200) -> str:
        """The report shown to the analyst: one line per problem."""
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [f"Refused: {self.total} problem(s), nothing was loaded."]
        lines += [f"  {p}" for p in shown]
        if self.total > len(shown):
            lines.append(f"  … and {self.total - len(shown)} more")
        return "\n".join(lines)


class QuestionnaireError(Exception):
    """A questionnaire TOML is invalid or may not replace the stored one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))

    def report(self) -> str:
        return "Questionnaire refused:\n" + "\n".join(f"  {p}" for p in self.problems)


class TopicError(QuestionnaireError):
    """A topic file is invalid (nothing was saved)."""

    def report(self) -> str:
        return "Topic file refused (nothing saved):\n" + "\n".join(f"  {p}" for p in self.problems)


class BatchError(Exception):
    """A batch operation (rollback) cannot be done."""


def read_toml(text: str, error=QuestionnaireError) -> dict:
    """The TOML text as a dict; `error` (a QuestionnaireError) when it is not TOML or nests
    deeper than Python's parser can follow (a hostile file of 5,000 brackets)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error([f"not valid TOML: {exc}"]) from exc
    except RecursionError:
        raise error(["not a questionnaire or topic file: its values are nested too deeply"]) from None

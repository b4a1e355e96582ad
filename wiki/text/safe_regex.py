"""User-written regular expressions (abuse rules) that cannot stall a save. Pure.

Patterns are compiled by RE2 (PyPI ``google-re2``), whose matching time is linear in the text
for every pattern: there is no backtracking, so ``(a+)+$`` against ``"a" * 50 + "b"`` answers
at once instead of after 2**50 steps. The price is RE2's syntax, which is Python's minus
backreferences (``\\1``, ``(?P=name)``) and lookaround (``(?=``, ``(?!``, ``(?<=``,
``(?<!``); such patterns are refused with a message that says why. Other differences: ``\\w``,
``\\d``, ``\\s`` and ``\\b`` are ASCII-only (use ``\\pL`` or ``[[:alpha:]]`` for other letters),
``\\Z`` is spelled ``\\z``, and counted repetition is capped at 1000.

Linear time per rule is not a budget for many rules over a long text, so
:func:`evaluate_all` checks the clock between rules: once ``budget_ms`` is spent, the rules not
yet evaluated count as not matched and are reported as cut off, for the caller to log.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import re2  # type: ignore[import-untyped]

from wiki.errors import N_, BadInput

__all__ = [
    "MAX_PATTERN_LENGTH",
    "BadPattern",
    "Rule",
    "compile_rule",
    "evaluate_all",
]

#: Longer patterns are refused (a rule is a filter, not a program).
MAX_PATTERN_LENGTH = 2000
#: Memory RE2 may use for one compiled pattern; bigger programs fail to compile.
MAX_MEMORY = 8 << 20

K = TypeVar("K", bound=Hashable)

_BACKREFERENCE = re.compile(r"\\[1-9]|\\g<|\(\?P=|\\k<")
_LOOKAROUND = re.compile(r"\(\?<?[=!]")


class BadPattern(BadInput):
    """A rule's pattern was refused; ``message`` says why, in words an admin can act on."""


@dataclass(frozen=True, slots=True)
class Rule:
    """A compiled pattern; :meth:`search` runs in time linear in the text."""

    pattern: str
    ignore_case: bool = False
    _compiled: Any = field(default=None, repr=False, compare=False)

    def search(self, text: str) -> bool:
        """Whether the pattern occurs anywhere in ``text``."""
        return self._compiled.search(text) is not None


def _options(ignore_case: bool) -> Any:
    options = re2.Options()
    options.log_errors = False  # RE2 would print every refused pattern on stderr
    options.max_mem = MAX_MEMORY
    options.case_sensitive = not ignore_case
    options.never_capture = True  # rules only ask "does it match?"; captures cost time
    return options


def _token(found: re.Match[str]) -> str:
    return found.group(0)


def compile_rule(pattern: str, *, ignore_case: bool = False) -> Rule:
    """Compile a user-written pattern, or raise :class:`BadPattern` saying why not."""
    if not pattern:
        raise BadPattern(N_("The pattern is empty."))
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise BadPattern(
            N_("The pattern is too long ({length} characters; at most {limit})."),
            length=len(pattern),
            limit=MAX_PATTERN_LENGTH,
        )
    try:
        compiled = re2.compile(pattern, _options(ignore_case))
    except re2.error as exc:
        backreference = _BACKREFERENCE.search(pattern)
        if backreference:
            raise BadPattern(
                N_(
                    "Backreferences such as {token} are not supported: rules use a "
                    "regular-expression engine that always runs in linear time."
                ),
                token=_token(backreference),
            ) from None
        lookaround = _LOOKAROUND.search(pattern)
        if lookaround:
            raise BadPattern(
                N_(
                    "Lookahead and lookbehind such as {token} are not supported: rules use a "
                    "regular-expression engine that always runs in linear time."
                ),
                token=_token(lookaround),
            ) from None
        detail = exc.args[0] if exc.args else ""
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise BadPattern(
            N_("The pattern is not a valid regular expression: {detail}."), detail=str(detail)
        ) from None
    return Rule(pattern, ignore_case, compiled)


def evaluate_all(
    rules: Mapping[K, Rule],
    text: str,
    budget_ms: float,
    *,
    clock: Callable[[], float] = time.perf_counter,
) -> tuple[list[K], list[K]]:
    """(ids of matching rules, ids cut off by the budget), both in ``rules`` order.

    Each rule is started only while less than ``budget_ms`` has passed; the rest count as not
    matched. ``clock`` (seconds) is there for tests.
    """
    start = clock()
    limit = budget_ms / 1000.0
    matched: list[K] = []
    cut_off: list[K] = []
    for key, rule in rules.items():
        if cut_off or clock() - start >= limit:
            cut_off.append(key)
        elif rule.search(text):
            matched.append(key)
    return matched, cut_off

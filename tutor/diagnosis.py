"""What is likely wrong with a learner's code, from the last run or submission and a few
static checks; deterministic, so the built-in answerer can say it and the LLM is told it.
Hidden tests stay hidden: only that one failed is said, never its code or message."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_FUNCTION_NAMES = re.compile(
    r"\bfunction\s+([A-Za-z_$][\w$]*)\s*\(|\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s*)?(?:function\b|\([^)]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>)"
)
_ASSIGN_IN_CONDITION = re.compile(r"\b(?:if|while)\s*\([^=!<>()]*[^=!<>]=[^=][^)]*\)")
_PAIRS = {")": "(", "]": "[", "}": "{"}


@dataclass
class Attempt:
    """The learner's code and what happened to it last (a run or a submission)."""

    code: str
    starter: str = ""
    status: str = ""  # ok | error | timeout | memory_limit | output_limit (the sandbox's)
    error_name: str = ""
    error_message: str = ""
    error_line: int | None = None
    stdout: str = ""
    failed_tests: list[dict] = field(default_factory=list)  # {description, message, hidden}
    passed: bool | None = None


def function_names(code: str) -> list[str]:
    return [a or b for a, b in _FUNCTION_NAMES.findall(code or "")]


def _strip_strings_and_comments(code: str) -> str:
    return re.sub(
        r"//[^\n]*|/\*[\s\S]*?\*/|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`", "", code
    )


def unbalanced_bracket(code: str) -> str | None:
    stack: list[tuple[str, int]] = []
    for line_no, line in enumerate(_strip_strings_and_comments(code).splitlines(), start=1):
        for char in line:
            if char in "([{":
                stack.append((char, line_no))
            elif char in _PAIRS:
                if not stack or stack[-1][0] != _PAIRS[char]:
                    return f"a `{char}` on line {line_no} closes nothing that is open"
                stack.pop()
    if stack:
        char, line_no = stack[-1]
        return f"the `{char}` opened on line {line_no} is never closed"
    return None


def _returns_nothing(code: str) -> bool:
    return "console.log" in code and not re.search(r"\breturn\b|=>\s*[^{\s]", code)


def diagnose(attempt: Attempt) -> list[str]:
    """Findings, most likely first (each one sentence, Markdown)."""
    findings: list[str] = []
    code = attempt.code or ""
    if attempt.status == "timeout":
        findings.append(
            "Your program ran past the time limit: look for a loop whose condition never becomes false, "
            "or a function that calls itself without a stopping case."
        )
    elif attempt.status == "memory_limit":
        findings.append(
            "Your program ran out of memory: something keeps growing (an array filled in a loop "
            "that never ends, or recursion without a stopping case)."
        )
    elif attempt.status == "output_limit":
        findings.append(
            "Your program printed too much: is a `console.log` inside a loop that runs too often?"
        )
    if attempt.error_name or attempt.error_message:
        where = f" on line {attempt.error_line}" if attempt.error_line else ""
        name, message = attempt.error_name or "Error", attempt.error_message
        if name == "SyntaxError":
            findings.append(
                f"JavaScript cannot read your code{where}: {message}. "
                "Check brackets, quotes and commas there."
            )
        elif name == "ReferenceError":
            findings.append(
                f"{message}{where}: the name is used but never declared where it is used "
                "(a typo, or declared inside another block)."
            )
        elif name == "TypeError":
            findings.append(
                f"{message}{where}: a value is not what the code expects "
                "(is it undefined, or not a function?)."
            )
        else:
            findings.append(f"{name}{where}: {message}.")
    broken = unbalanced_bracket(code)
    if broken and not any("cannot read your code" in f for f in findings):
        findings.append(f"Check your brackets: {broken}.")
    expected = [n for n in function_names(attempt.starter) if n not in function_names(code)]
    if expected:
        names = ", ".join(f"`{n}`" for n in expected)
        findings.append(f"The challenge expects a function named {names}; your code does not define it.")
    if _ASSIGN_IN_CONDITION.search(_strip_strings_and_comments(code)):
        findings.append("A condition uses `=`, which assigns; to compare, use `===`.")
    if _returns_nothing(code):
        findings.append(
            "Your code prints with `console.log` but never returns a value: the tests check what the "
            "function returns."
        )
    for test in attempt.failed_tests[:1]:
        if test.get("hidden"):
            findings.append(
                "A hidden test fails: think about the cases the visible tests do not show "
                "(an empty input, a single item, negative numbers)."
            )
        else:
            message = f": {test.get('message')}" if test.get("message") else ""
            findings.append(f"The test “{test.get('description', '')}” fails{message}.")
    return findings


def attempt_from(*, code: str, starter: str, run: dict | None, submission) -> tuple[Attempt, str]:
    """The Attempt of a code update and its report for the LLM, from the run the client
    reports and the submission read from the server (hidden tests: pass/fail only)."""
    attempt = Attempt(code=code, starter=starter)
    report: list[str] = []
    if run:
        error = run.get("error") or {}
        attempt.status = run.get("status") or ""
        attempt.error_name = error.get("name") or ""
        attempt.error_message = error.get("message") or ""
        attempt.error_line = error.get("line")
        attempt.stdout = run.get("stdout") or ""
        report.append(f"run status: {attempt.status}")
        if attempt.error_name or attempt.error_message:
            report.append(f"error: {attempt.error_name}: {attempt.error_message} (line {attempt.error_line})")
        if attempt.stdout:
            report.append("output:\n" + attempt.stdout)
    if submission is not None:
        attempt.passed = submission.passed
        attempt.status = attempt.status or submission.status
        for result in submission.results:
            if result.get("passed"):
                continue
            if result.get("hidden"):
                attempt.failed_tests.append({"hidden": True})
            else:
                attempt.failed_tests.append(
                    {"description": result.get("description", ""), "message": result.get("message", "")}
                )
        report.append(f"submission: {submission.passed_count} of {submission.total_count} tests passed")
        report += [
            f"failed: {t['description']}: {t['message']}" for t in attempt.failed_tests if not t.get("hidden")
        ]
    return attempt, "\n".join(report)

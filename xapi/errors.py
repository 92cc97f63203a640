"""Errors raised by the statement store; the HTTP layer maps them to responses."""

from __future__ import annotations


class XapiError(Exception):
    """Base of the errors the xAPI layer turns into an HTTP answer."""


class StatementValidationError(XapiError):
    """A statement breaks a rule of xAPI 1.0.3 (HTTP 400).

    ``path`` is a JSON path into the submitted document (``context.contextActivities.other[1].id``;
    ``[3].verb.id`` in a batch), ``rule`` a stable machine-readable name, ``message`` a French sentence.
    """

    def __init__(self, path: str, rule: str, message: str):
        self.path = path
        self.rule = rule
        self.message = message
        super().__init__(f"{path or '$'}: {rule}: {message}")

    def at_index(self, index: int) -> StatementValidationError:
        """The same error, located inside a batch at ``index``."""
        path = f"[{index}].{self.path}" if self.path else f"[{index}]"
        return StatementValidationError(path, self.rule, self.message)

    def as_dict(self) -> dict:
        return {"path": self.path, "rule": self.rule, "message": self.message}


class StatementConflict(XapiError):
    """A statement id is already stored with other content (HTTP 409)."""

    def __init__(self, statement_id: str, message: str):
        self.statement_id = statement_id
        self.message = message
        super().__init__(f"{statement_id}: {message}")


class StatementForbidden(StatementValidationError):
    """A well-formed statement these credentials may not store (HTTP 403): voiding another writer's
    statement without being trusted for it. Located like a validation error."""

    def at_index(self, index: int) -> StatementForbidden:
        path = f"[{index}].{self.path}" if self.path else f"[{index}]"
        return StatementForbidden(path, self.rule, self.message)

"""Validation of xAPI 1.0.3 statements, one module per spec object.

Plain functions that take a value and its JSON path and raise
``xapi.errors.StatementValidationError(path, rule, message)`` on the first broken rule.
"""

from .statements import validate_statement

__all__ = ["validate_statement"]

"""The core's error hierarchy: every error carries what a person needs to act on it."""

from __future__ import annotations


class KioskError(Exception):
    """Base of every error the station core raises on purpose.

    ``resident_message`` is a short plain sentence safe to show a resident (no detail, no jargon);
    ``str(error)`` is the technician's detailed message.
    """

    resident_message = "Something went wrong. Please ask a member of staff."

    def __init__(self, message: str, *, resident_message: str | None = None) -> None:
        super().__init__(message)
        if resident_message is not None:
            self.resident_message = resident_message


class ConfigError(KioskError):
    """A configuration file or value is wrong; the message names the file, the key and what was expected."""

    resident_message = "This station is not set up correctly. Please ask a member of staff."

    def __init__(self, message: str, *, path: str | None = None, key: str | None = None) -> None:
        where = ":".join(p for p in (path, key) if p)
        super().__init__(f"{where}: {message}" if where else message)
        self.path = path
        self.key = key


class InputError(KioskError):
    """Measurement or session input is invalid; ``field`` names the offending field (a dotted path)."""

    resident_message = "That value could not be used. Please try again or ask a member of staff."

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field


class NormPackError(KioskError):
    """A norm pack is malformed; the message names the file and row."""

    def __init__(self, message: str, *, path: str | None = None, row: int | None = None) -> None:
        where = path or ""
        if row is not None:
            where += f", row {row}"
        super().__init__(f"{where}: {message}" if where else message)
        self.path = path
        self.row = row


class StorageError(KioskError):
    """The database cannot be used safely; the station stops taking sessions rather than lose data."""

    resident_message = "This station cannot save results right now. Please ask a member of staff."


class AuthError(KioskError):
    """A staff sign-in failed or is locked out."""

    resident_message = "That PIN was not accepted."

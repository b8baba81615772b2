"""The errors interopcheck raises on purpose: why a run could not start (exit code 2).

Every message is a single line that names the file, line or URL at fault and what to do; the
CLI prints it as it is, never a traceback. Catch ``SetupError`` for all of them, or one kind:

    InteropcheckError
     └── SetupError              the run could not be set up (exit 2)
          ├── UsageError         options that do not go together, or a value out of range
          │    └── ConfigError   interopcheck.toml / [tool.interopcheck] / INTEROPCHECK_*
          ├── InputError         a payload path that is missing, unreadable or matches nothing
          ├── SchemaError        a schema file missing, unreadable, not a JSON Schema; $id clashes
          │    └── ApiDocumentError   an OpenAPI document that cannot be used as written
          ├── ProfileError       a profile that cannot be loaded, or lacks what the command needs
          ├── GenerationError    no case can be generated for a schema or a profile's rules
          ├── CredentialError    the secret is not where --auth says
          ├── TargetError        the system under test cannot be reached
          ├── ReportError        a saved report that cannot be read
          ├── SigningError       a key that cannot be made, read or used
          └── OutputError        a report or a case that cannot be written

Imports nothing of ours.
"""

from __future__ import annotations


class InteropcheckError(Exception):
    """The base of every error interopcheck raises on purpose (a bug is anything else)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class SetupError(InteropcheckError):
    """The run could not be set up: bad option, missing file, bad schema or profile."""


class UsageError(SetupError):
    """Options that do not go together, or a value the command cannot use."""


class ConfigError(UsageError):
    """The configuration file or an ``INTEROPCHECK_*`` variable is wrong (at file:line:col)."""


class InputError(SetupError):
    """A payload path is missing, unreadable, or names no payload file."""


class SchemaError(SetupError):
    """A schema cannot be read, is not a JSON Schema, or clashes with another's ``$id``."""


class ApiDocumentError(SchemaError):
    """An OpenAPI document cannot be used as it is written (located in the document)."""


class ProfileError(SetupError):
    """A profile cannot be loaded, or lacks what the command needs (an api, an actor...)."""


class GenerationError(SetupError):
    """No case can be generated: the schema or the profile's rules leave no room."""


class CredentialError(SetupError):
    """The secret is not where ``--auth`` says, or is unusable there."""


class TargetError(SetupError):
    """The system under test cannot be reached at all."""


class ReportError(SetupError):
    """A saved report cannot be read, or is not an interopcheck report."""


class SigningError(SetupError):
    """A signing key cannot be made, read or used."""


class OutputError(SetupError):
    """A report or a generated case cannot be written where asked."""


class Assumed(UserWarning):
    """What interopcheck assumed where its input did not say (a meta-schema that is not in
    the local set, which is never fetched): said once as a note, and the run goes on."""

"""The enumerations of the schema (roles, boards, statuses, kinds…) as plain ``StrEnum``s.

They live apart from the ORM models so that the conversation core and the scheduler can name
them without importing SQLAlchemy; ``storage.models`` builds its CHECK constraints from them and
re-exports them.
"""

from __future__ import annotations

from enum import StrEnum


class BoardCode(StrEnum):
    DEPARTMENT = "department"
    COMMUNE = "commune"


class Role(StrEnum):
    OFFICER = "officer"
    LEADER = "leader"
    APPRAISER = "appraiser"
    ADMIN = "admin"


class AccessAction(StrEnum):
    """``access_events.action``: what happened to a role."""

    GRANT = "grant"
    REVOKE = "revoke"


class Language(StrEnum):
    VI = "vi"
    EN = "en"


class ItemSection(StrEnum):
    FIELD = "field"
    BONUS = "bonus"
    PENALTY = "penalty"


class AnswerSource(StrEnum):
    CHAT = "chat"
    IMPORT = "import"
    ADMIN = "admin"


class HistorySource(StrEnum):
    """``answer_history.source``: the answer sources plus appraisal and survey changes."""

    CHAT = "chat"
    IMPORT = "import"
    ADMIN = "admin"
    APPRAISAL = "appraisal"
    SURVEY = "survey"


class SignatureStatus(StrEnum):
    """Validated in code (no CHECK constraint) so new statuses need no migration."""

    SIGNED_INTACT = "signed_intact"
    SIGNED_MODIFIED = "signed_modified"
    UNSIGNED = "unsigned"
    UNREADABLE = "unreadable"
    PHOTO = "photo"


class SubmissionStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REOPENED = "reopened"
    APPRAISED = "appraised"
    PUBLISHED = "published"


class AppraisalStatus(StrEnum):
    ACCEPTED = "accepted"
    ADJUSTED = "adjusted"
    MORE_EVIDENCE = "more_evidence"
    PENDING = "pending"


class MilestoneKind(StrEnum):
    SELF_ASSESSMENT = "self_assessment"
    SURVEY = "survey"
    APPRAISAL = "appraisal"
    PUBLICATION = "publication"
    OTHER = "other"


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    RANGE = "range"


class Audience(StrEnum):
    ALL = "all"
    DEPARTMENT = "department"
    COMMUNE = "commune"
    ADMINS = "admins"


class OutboxKind(StrEnum):
    MESSAGE = "message"
    DOCUMENT = "document"
    PHOTO = "photo"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNREACHABLE = "unreachable"

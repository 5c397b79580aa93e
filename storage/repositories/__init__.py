"""Repositories: one per aggregate; they flush but never commit (see storage.uow)."""

from storage.repositories.access import AccessEventRow, AccessRepository, GrantRow
from storage.repositories.answers import AnswerRepository
from storage.repositories.appraisals import AppraisalRepository
from storage.repositories.base import Repository, StorageError, VersionConflict
from storage.repositories.broadcasts import BroadcastRepository
from storage.repositories.catalogs import CatalogRepository, ItemSpec
from storage.repositories.conversations import ConversationRepository
from storage.repositories.evidence import EvidenceRepository
from storage.repositories.invites import InviteRepository, generate_code, hash_code
from storage.repositories.milestones import MilestoneRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.people import PersonRepository
from storage.repositories.periods import PeriodRepository
from storage.repositories.plan_text import PlanTextRepository
from storage.repositories.publications import PublicationRepository
from storage.repositories.results import ResultRepository
from storage.repositories.rows_plan import AskedRow, SectionRow
from storage.repositories.submissions import SubmissionRepository
from storage.repositories.survey import SurveyRepository
from storage.repositories.units import UnitRepository
from storage.repositories.updates import ProcessedUpdateRepository
from storage.repositories.years import YearRepository

__all__ = [
    "AccessEventRow",
    "AccessRepository",
    "AnswerRepository",
    "AppraisalRepository",
    "AskedRow",
    "BroadcastRepository",
    "CatalogRepository",
    "ConversationRepository",
    "EvidenceRepository",
    "GrantRow",
    "InviteRepository",
    "ItemSpec",
    "MilestoneRepository",
    "OutboxRepository",
    "PeriodRepository",
    "PersonRepository",
    "PlanTextRepository",
    "ProcessedUpdateRepository",
    "PublicationRepository",
    "Repository",
    "ResultRepository",
    "SectionRow",
    "StorageError",
    "SubmissionRepository",
    "SurveyRepository",
    "UnitRepository",
    "VersionConflict",
    "YearRepository",
    "generate_code",
    "hash_code",
]

"""Plan (kế hoạch) import: turn a province's or district's yearly PAR-index plan into milestones.

Pure Python, no database: the storage layer and the conversations import these types and
functions; nothing here knows about Telegram or SQLAlchemy. A .docx or .pdf plan's text comes
from a :class:`~conversations.formats.DocumentReader` (``documents.plan_files``).
"""

from conversations.plan.dates import DateSpan, parse_date_phrase
from conversations.plan.extract import extract_milestones, extract_plan, infer_period
from conversations.plan.model import Milestone, MilestoneError, Plan
from conversations.plan.questions import QuestionAnswer, answer_question, days_left, is_question
from conversations.plan.yaml_format import PlanFormatError, dump_plan, load_plan

__all__ = [
    "DateSpan",
    "Milestone",
    "MilestoneError",
    "Plan",
    "PlanFormatError",
    "QuestionAnswer",
    "answer_question",
    "days_left",
    "dump_plan",
    "extract_milestones",
    "extract_plan",
    "infer_period",
    "is_question",
    "load_plan",
    "parse_date_phrase",
]

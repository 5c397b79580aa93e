"""Why a file could not be drafted: an untranslated msgid with parameters, like the catalog's
own problems, so the chat and the command line each say it in their person's language."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from scoring.i18n import N_


class DraftError(ValueError):
    """The file is not something a catalog can be drafted from; nothing was written."""

    def __init__(self, message: str, hint: str, **params: object) -> None:
        self.message = message
        self.hint = hint
        self.params: Mapping[str, object] = params
        super().__init__(message % params if params else message)

    def render(self, translate: Callable[[str], str]) -> tuple[str, str]:
        """(what was wrong, what to do), each in the caller's language."""
        return translate(self.message) % dict(self.params), translate(self.hint)


UNSUPPORTED = N_("%(name)s is not a Word (.docx), Excel (.xlsx) or PDF file.")
SEND_APPENDIX = N_(
    "Send the appendix with the criteria table (Phụ lục Bộ chỉ số) as .docx, .xlsx or a PDF "
    "with text."
)

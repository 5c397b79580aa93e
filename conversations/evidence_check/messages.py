"""User-facing msgids (English source strings; ``pybabel extract -k N_`` finds them).

Each says what was wrong and what to send instead. Parameters use ``%(name)s``.
"""

from __future__ import annotations

from scoring.i18n import N_

# Refusals -----------------------------------------------------------------------------------

EMPTY = N_("The file is empty (0 bytes). Please send the document again.")
TOO_LARGE = N_(
    "This file is %(size)s MB; Telegram lets bots receive at most %(limit)s MB. Please make it "
    "smaller: compress the PDF, split it into parts, or scan again at 150–200 dpi in black and "
    "white, then send it again. Nothing was saved."
)
NOT_PDF_DOCX = N_(
    "This is a Word document. Please export it to PDF (File → Save as → PDF), sign it, and send "
    "the PDF."
)
NOT_PDF_XLSX = N_(
    "This is an Excel spreadsheet. Please export it to PDF (File → Save as → PDF), sign it, and "
    "send the PDF."
)
NOT_PDF_PPTX = N_(
    "This is a PowerPoint presentation. Please export it to PDF (File → Save as → PDF), sign "
    "it, and send the PDF."
)
NOT_PDF_ODF = N_(
    "This is an OpenDocument file (LibreOffice). Please export it to PDF (File → Export as "
    "PDF), sign it, and send the PDF."
)
NOT_PDF_OLE = N_(
    "This is an old-format Office file (.doc, .xls or .ppt). Please open it, save it as PDF "
    "(File → Save as → PDF), sign it, and send the PDF."
)
NOT_PDF_ZIP = N_(
    "This is a ZIP archive. Please do not pack documents into an archive: send each document "
    "as its own PDF file."
)
NOT_PDF_ARCHIVE = N_(
    "This is a compressed archive (RAR, 7z or gzip). Please send each document as its own PDF "
    "file instead."
)
NOT_PDF_TIFF = N_(
    "This is a TIFF image from a scanner. Please set the scanner to save as PDF (or print the "
    "scan to PDF) and send the PDF."
)
NOT_PDF_EXECUTABLE = N_(
    "This file is a program, not a document, so it was refused for safety. Please send the "
    "evidence as a PDF file."
)
ENCRYPTED = N_(
    "This PDF is protected by a password, so it cannot be checked or opened by the appraisers. "
    "Please remove the password (or export an unprotected copy) and send that PDF."
)
BROKEN = N_(
    "This PDF is damaged or incomplete and cannot be opened. Please export or scan the "
    "document again and send the new PDF."
)
TOO_MANY_PAGES = N_(
    "This PDF has %(pages)s pages; at most %(limit)s are accepted. Please send only the pages "
    "that prove this criterion, or split the file into parts."
)
PDF_BOMB = N_(
    "This PDF contains data that expands to an unreasonable size, so it was refused for "
    "safety. Please export or scan the document again and send the new PDF."
)
HEIC_UNSUPPORTED = N_(
    "This is an HEIC photo (the iPhone camera format), which the bot cannot read yet. Please "
    "send it as JPEG (on iPhone: Settings → Camera → Formats → Most Compatible), or scan the "
    "document to PDF."
)
PHOTO_TOO_LARGE = N_(
    "This photo is too large (%(megapixels)s megapixels; at most %(limit)s are accepted). "
    "Please send a smaller photo or scan the document to PDF."
)
PHOTO_UNREADABLE = N_(
    "This image is damaged or could not be read. Please take the photo again, or scan the "
    "document to PDF."
)
RISKY_PDF = N_(
    "This PDF contains %(risks)s, so it was refused for safety. Please print it to a new PDF "
    "(File → Print → Save as PDF) and send that file."
)
UNKNOWN_TYPE = N_(
    "This type of file is not accepted. Please send the document as a PDF (digitally signed if "
    "possible) or as a photo (JPEG or PNG) of the signed paper document."
)

# Accepted files -----------------------------------------------------------------------------

ACCEPTED_SIGNED_INTACT = N_(
    "PDF received (%(pages)s page(s)), digitally signed by %(signers)s. The signature is intact."
)
ACCEPTED_SIGNED_MODIFIED = N_(
    "PDF received (%(pages)s page(s)), digitally signed by %(signers)s, but the signature does "
    "not match the document: it was changed after signing or the signature is damaged. Please "
    "send the original signed file if you have it."
)
ACCEPTED_UNSIGNED = N_("PDF received (%(pages)s page(s)), without a digital signature.")
ACCEPTED_PHOTO = N_("Photo received and converted to a one-page PDF.")

# Warnings -----------------------------------------------------------------------------------

WARN_UNSIGNED = N_(
    "Unsigned PDF: accepted, but the province may require a digital signature (ký số)."
)
WARN_PHOTO = N_(
    "Photo of a paper document: converted to PDF, without a digital signature (ảnh chụp, không "
    "có chữ ký số)."
)
WARN_MODIFIED = N_("Signed, but the document was modified after signing.")
WARN_NOT_INTACT = N_(
    "A digital signature does not match the signed content: the file was altered or the "
    "signature is damaged."
)
WARN_SIGNATURE_UNREADABLE = N_(
    "A digital signature in this file could not be read or checked; it was treated as not intact."
)
WARN_TRUST_UNVERIFIED = N_(
    "Signature present, but the issuing certificate authority could not be verified (no trust "
    "roots configured)."
)
WARN_UNTRUSTED = N_(
    "The signing certificate does not come from a recognised certificate authority (chứng thư "
    "số không do tổ chức cung cấp dịch vụ chứng thực được công nhận cấp)."
)
RISKY_FLAGGED = N_("Found in this PDF: %(risks)s. It was kept and marked for the appraisers.")

# Risky content (codes of :mod:`.risks`) -------------------------------------------------------

RISK_LABELS: dict[str, str] = {
    "javascript": N_("JavaScript"),
    "launch": N_("a command that starts a program"),
    "embedded_executable": N_("an attached program"),
    "embedded_file": N_("attached files"),
    "polyglot": N_("another file hidden inside it (e.g. a ZIP)"),
    "auto_action": N_("an action that runs on opening (link, form submission)"),
}

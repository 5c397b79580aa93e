"""Risky PDFs, built at run time with pypdf and fpdf2 (and by hand where a writer would tidy
the trick away): scripts, launch actions, attachments, polyglots. Nothing binary is committed."""

from __future__ import annotations

import io
import zipfile

import pypdf
from fpdf import FPDF
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from tests.evidence_check import factories as f


def _write(writer: pypdf.PdfWriter) -> bytes:
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def fpdf_document(text: str = "Bao cao CCHC") -> bytes:
    """An ordinary document as many offices make them (fpdf2)."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.cell(0, 10, text)
    return bytes(pdf.output())


def _writer(base: bytes | None = None) -> pypdf.PdfWriter:
    return pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(base or fpdf_document())))


def _action(kind: str, key: str, value: str) -> DictionaryObject:
    """An action dictionary: ``<< /S /<kind> /<key> (<value>) >>``."""
    return DictionaryObject(
        {NameObject("/S"): NameObject(kind), NameObject(key): TextStringObject(value)}
    )


def open_action_js() -> bytes:
    """/OpenAction runs JavaScript as soon as the file is opened."""
    w = _writer()
    action = _action("/JavaScript", "/JS", "app.alert('Xin chao');")
    w._root_object[NameObject("/OpenAction")] = w._add_object(action)
    return _write(w)


def names_js() -> bytes:
    """Document-level JavaScript in the /Names tree (pypdf's add_open_action)."""
    w = _writer()
    w.add_open_action(JavaScript("this.print({bUI:false});"))
    return _write(w)


def page_aa_js() -> bytes:
    """A page's additional actions (/AA /O: on page open) running JavaScript."""
    w = _writer()
    js = _action("/JavaScript", "/JS", "1")
    w.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): w._add_object(js)})
    return _write(w)


def page_aa_uri() -> bytes:
    """A page that opens a web address by itself (/AA with /URI): flagged, not refused."""
    w = _writer()
    uri = _action("/URI", "/URI", "http://evil.example/")
    w.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): uri})
    return _write(w)


def launch_action() -> bytes:
    """A link annotation whose action launches a program."""
    w = _writer()
    launch = _action("/Launch", "/F", "C:\\Windows\\System32\\calc.exe")
    annot = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (0, 0, 100, 100)]),
            NameObject("/A"): launch,
        }
    )
    w.pages[0][NameObject("/Annots")] = ArrayObject([w._add_object(annot)])
    return _write(w)


def attachment(name: str = "ghi-chu.txt", data: bytes = b"tai lieu kem theo") -> bytes:
    """An embedded file in the /EmbeddedFiles name tree (pypdf's add_attachment)."""
    w = _writer()
    w.add_attachment(name, data)
    return _write(w)


def goto_open_action() -> bytes:
    """Opening at page 1, fit width: what many office tools write; harmless."""
    w = _writer()
    w._root_object[NameObject("/OpenAction")] = ArrayObject(
        [w.pages[0].indirect_reference, NameObject("/FitH"), NumberObject(842)]
    )
    return _write(w)


def _one_page(extra: bytes, catalog: bytes = b"", prefix: bytes = b"") -> bytes:
    """A hand-made one-page PDF whose object 5 is ``extra``."""
    return f.build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R " + catalog + b">>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            f.stream(b"BT /F1 12 Tf 72 760 Td (x) Tj ET"),
            extra,
        ],
        prefix=prefix,
    )


def obfuscated_js() -> bytes:
    """/J#61vaScript: a hex-escaped name, which a plain text search for "JavaScript" misses."""
    return _one_page(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>", b"/OpenAction 5 0 R ")


def orphan_launch() -> bytes:
    """A launch action in an object no cross-reference entry points to: only the byte check
    sees it (some readers rebuild the table and find it)."""
    clean = f.text_page_pdf("Ke hoach")
    at = clean.index(b"\nxref\n") + 1
    orphan = b"99 0 obj\n<< /S /Launch /F (cmd.exe) >>\nendobj\n"
    head, tail = clean[:at], clean[at:]
    # offsets in the table still point at the right objects: only bytes after them moved
    start = int(tail.split(b"startxref\n")[1].split(b"\n")[0])
    return (
        head
        + orphan
        + tail.replace(b"startxref\n%d" % start, b"startxref\n%d" % (start + len(orphan)))
    )


def small_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("run.bat", "calc\r\n")
    return buf.getvalue()


def zip_appended() -> bytes:
    """A PDF with a ZIP appended: a reader opens the PDF, an unzip tool the archive."""
    return f.text_page_pdf("Bao cao") + small_zip()


def zip_inside() -> bytes:
    """ZIP entries hidden in an uncompressed stream in the middle of the PDF."""
    return _one_page(f.stream(small_zip()))


def html_before() -> bytes:
    """Bytes before %PDF- (an HTML page that is also a PDF)."""
    return _one_page(b"null", prefix=b"<html><script>location='http://evil.example/'</script>\n")

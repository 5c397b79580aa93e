"""Builds every test file at run time with real libraries: nothing binary is committed."""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pypdf
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

# -- hand-made PDFs ---------------------------------------------------------------------------


def build_pdf(objects: list[bytes], *, root: int = 1, prefix: bytes = b"") -> bytes:
    """A classic PDF: ``objects[i]`` is the body of object ``i + 1``; offsets computed here."""
    out = bytearray(prefix + b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out) - len(prefix))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out) - len(prefix)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        root,
        xref_at,
    )
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def text_page_pdf(text: str = "Ke hoach CCHC 2025", pages: int = 1) -> bytes:
    """A small unsigned PDF with ``pages`` pages sharing one text content stream."""
    content = b"BT /F1 18 Tf 72 760 Td (" + text.encode("latin-1", "replace") + b") Tj ET"
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        stream(content),
    ]
    objects += [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
    ] * pages
    return build_pdf(objects)


def zeros_deflated(size: int, chunk: int = 1024 * 1024) -> bytes:
    """``size`` zero bytes compressed, without ever holding them in memory."""
    comp = zlib.compressobj(9)
    zeros = bytes(chunk)
    parts = []
    left = size
    while left > 0:
        parts.append(comp.compress(zeros[: min(chunk, left)]))
        left -= chunk
    parts.append(comp.flush())
    return b"".join(parts)


def bomb_pdf(decoded_size: int = 200 * 1024 * 1024, *, nested: bool = False) -> bytes:
    """One page whose content stream inflates to ``decoded_size`` bytes of zeros."""
    data = zeros_deflated(decoded_size)
    filters = b"/Filter /FlateDecode"
    if nested:
        data = zlib.compress(data, 9)
        filters = b"/Filter [/FlateDecode /FlateDecode]"
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            stream(data, filters),
        ]
    )


def run_length_bomb_pdf(decoded_size: int = 300 * 1024 * 1024) -> bytes:
    """RunLengthDecode: every 2 bytes repeat a byte 128 times."""
    data = b"\x81\x00" * (decoded_size // 128) + b"\x80"
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            stream(data, b"/Filter /RunLengthDecode"),
        ]
    )


def huge_image_pdf() -> bytes:
    """A page drawing an image that declares 100 000 × 100 000 pixels."""
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
            stream(b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
            stream(
                zlib.compress(bytes(1000)),
                b"/Type /XObject /Subtype /Image /Width 100000 /Height 100000 "
                b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
            ),
        ]
    )


def pypdf_pdf(pages: int = 1) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def encrypted_pdf(user_password: str = "pw", owner_password: str | None = None) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(text_page_pdf())))
    writer.encrypt(user_password, owner_password, algorithm="AES-256")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


# -- certificates and signatures -----------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    key_pem: bytes
    cert_pem: bytes
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey


def _key_usage(*, sign: bool, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=sign,  # nonRepudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def make_identity(
    common_name: str,
    *,
    issuer: Identity | None = None,
    ca: bool = False,
    not_before: datetime | None = None,
    days: int = 365,
) -> Identity:
    """A throwaway key and certificate; self-signed unless ``issuer`` is given."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "UBND xã Thử Nghiệm"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    start = not_before or datetime.now(UTC) - timedelta(days=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(_key_usage(sign=not ca or issuer is None, ca=ca), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    cert = builder.sign(issuer.key if issuer else key, hashes.SHA256())
    return Identity(
        key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        cert_pem=cert.public_bytes(serialization.Encoding.PEM),
        cert=cert,
        key=key,
    )


def signer_for(
    identity: Identity, folder: Path, chain: tuple[Identity, ...] = ()
) -> signers.SimpleSigner:
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"id{random.randrange(1 << 30)}"
    key_file, cert_file = stem.with_suffix(".key"), stem.with_suffix(".crt")
    key_file.write_bytes(identity.key_pem)
    cert_file.write_bytes(identity.cert_pem)
    others = []
    for i, extra in enumerate(chain):
        p = stem.with_name(f"{stem.name}-ca{i}.crt")
        p.write_bytes(extra.cert_pem)
        others.append(str(p))
    signer = signers.SimpleSigner.load(str(key_file), str(cert_file), ca_chain_files=others)
    assert signer is not None
    return signer


def sign(pdf: bytes, signer: signers.SimpleSigner, field: str = "Signature1") -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name=field), signer=signer)
    return out.getvalue()


def modify_after_signing(signed: bytes) -> bytes:
    """Append an incremental update that replaces the first page's text."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    forged = generic.StreamObject(stream_data=b"BT /F1 18 Tf 72 760 Td (DA SUA) Tj ET")
    page["/Contents"] = writer.add_object(forged)
    writer.update_container(page)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def flip_signed_byte(signed: bytes) -> bytes:
    """Change one byte inside the signed range (the page text) without touching structure."""
    data = bytearray(signed)
    at = data.index(b"(Ke hoach") if b"(Ke hoach" in data else data.index(b") Tj")
    data[at + 1] = ord("X")
    return bytes(data)


# -- photos and other files -----------------------------------------------------------------


def jpeg(size: tuple[int, int] = (400, 300), orientation: int | None = None) -> bytes:
    img = Image.new("RGB", size, (200, 30, 30))
    for x in range(0, size[0], 10):  # some detail so it is not a flat colour
        img.putpixel((x, size[1] // 2), (0, 0, 0))
    buf = io.BytesIO()
    if orientation is None:
        img.save(buf, "JPEG")
    else:
        exif = Image.Exif()
        exif[0x0112] = orientation
        img.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def png(size: tuple[int, int] = (300, 400), mode: str = "RGBA") -> bytes:
    img = Image.new(mode, size)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def webp(size: tuple[int, int] = (320, 240)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (10, 120, 10)).save(buf, "WEBP")
    return buf.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG signature and IHDR declaring ``width`` × ``height``: no pixel data at all."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


def heic_like() -> bytes:
    """The start of an iPhone HEIC file (ftyp box with the heic brand), then filler."""
    ftyp = b"ftyp" + b"heic" + b"\x00\x00\x00\x00" + b"mif1heic"
    return struct.pack(">I", len(ftyp) + 4) + ftyp + bytes(200)


def docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"/>',
        )
        zf.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Báo cáo</w:t></w:r></w:p>'
            "</w:body></w:document>",
        )
    return buf.getvalue()


def xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    return buf.getvalue()


def plain_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bao-cao.pdf", text_page_pdf())
        zf.writestr("ghi-chu.txt", "tài liệu kiểm chứng")
    return buf.getvalue()


def ole() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)


def windows_exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56) + b"PE\x00\x00" + bytes(200)


def elf() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + bytes(120)


def random_bytes(n: int = 4096, seed: int = 20250101) -> bytes:
    rng = random.Random(seed)
    while True:
        data = rng.randbytes(n)
        if not data.startswith((b"MZ", b"PK", b"\x7fELF", b"#!", b"\xff\xd8", b"\x1f\x8b")):
            return data

"""Real documents made in the test run: PDFs with pikepdf, images with Pillow, XML with an XML-DSig element."""

import io

import pikepdf
from PIL import Image


def pdf(pages: int = 1, **save: object) -> bytes:
    document = pikepdf.new()
    for _ in range(pages):
        document.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    document.save(out, **save)  # type: ignore[arg-type]
    return out.getvalue()


def encrypted_pdf(user_password: str = "secret") -> bytes:
    return pdf(encryption=pikepdf.Encryption(owner="owner", user=user_password))


def truncated_pdf() -> bytes:
    whole = pdf(pages=2)
    return whole[: len(whole) * 2 // 3]


def image(format: str, size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=format)
    return out.getvalue()


SIGNED_XML = b"""<?xml version="1.0"?>
<Certificate xmlns="urn:example:cert">
  <Number>PC-2026-0001</Number>
  <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/><ds:SignatureValue>AA==</ds:SignatureValue></ds:Signature>
</Certificate>"""
UNSIGNED_XML = b'<?xml version="1.0"?><Certificate><Number>PC-2026-0002</Number></Certificate>'

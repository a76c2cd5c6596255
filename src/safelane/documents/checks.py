"""Whether an attached file is what its Content-Type says, read with maintained libraries, never trusted.

- PDF (application/pdf): opened with pikepdf (qpdf). Refused: not a PDF, encrypted (with or without a user
  password: an officer must be able to read and keep it), damaged (qpdf had to reconstruct it, e.g. truncated),
  or without pages. Not verified: digital signatures inside the PDF, or what the pages say.
- Images (image/png, image/jpeg, image/tiff): Pillow identifies the format (it must match the type given),
  verifies the structure and decodes the pixels (a truncated image fails there); decompression bombs are refused.
- Signed XML (application/xml, text/xml): parsed by the safe parser every XML message goes through (no DTD, no
  entities, no network), and it must hold an XML-DSig `Signature` element. Not verified: the signature value,
  the signer's certificate or its trust chain; an officer or an agency system checks those.
"""

import io
import warnings
from dataclasses import dataclass

import pikepdf
from PIL import Image

from safelane.domain import InvalidMessage, Problem
from safelane.formats.xml_safety import parse_xml

PDF = "application/pdf"
IMAGES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/tiff": "TIFF"}
XML = ("application/xml", "text/xml")
MEDIA_TYPES = (PDF, *IMAGES, *XML)
DSIG = "http://www.w3.org/2000/09/xmldsig#"
MAX_PIXELS = 100_000_000  # a scanned A4 page at 600 dpi has 35 million; more is a bomb, not a document


class DocumentRefused(Exception):
    """The file is not an acceptable document; `status` maps to HTTP (415 wrong type, 422 bad content)."""

    def __init__(self, status: int, problem: Problem):
        self.status = status
        self.problem = problem
        super().__init__(problem.message)


@dataclass(frozen=True)
class Checked:
    """What the check established: the kind (pdf, image, signed_xml), the media type, pages for a PDF."""

    kind: str
    media_type: str
    pages: int | None = None


def media_type_of(content_type: str | None) -> str:
    """The bare media type of a Content-Type header ("application/pdf; x=y" -> "application/pdf")."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def _refuse(code: str, message: str) -> DocumentRefused:
    return DocumentRefused(422, Problem("body", code, message))


def _pdf(data: bytes) -> Checked:
    if not data.startswith(b"%PDF-"):
        raise _refuse("not_pdf", "the body does not start with %PDF-: it is not a PDF file")
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                raise _refuse("encrypted_pdf", "the PDF is encrypted; attach it without a password or restrictions")
            damage = pdf.get_warnings()
            if damage:
                raise _refuse(
                    "damaged_pdf", f"the PDF is damaged (truncated or corrupt): {damage[0].split(': ', 1)[-1]}"
                )
            pages = len(pdf.pages)
    except pikepdf.PasswordError:
        raise _refuse("encrypted_pdf", "the PDF is password-protected; attach it without a password") from None
    except pikepdf.PdfError as error:
        raise _refuse("damaged_pdf", f"the PDF cannot be read: {str(error).split(': ', 1)[-1]}") from None
    if pages == 0:
        raise _refuse("empty_pdf", "the PDF has no pages")
    return Checked("pdf", PDF, pages)


def _image(data: bytes, media_type: str) -> Checked:
    wanted = IMAGES[media_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[wanted]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise _refuse("image_too_large", f"the image has more than {MAX_PIXELS:,} pixels")
                image.verify()
            with Image.open(io.BytesIO(data), formats=[wanted]) as image:
                image.load()  # verify() reads the structure only; decoding finds a truncated image
    except DocumentRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse("image_too_large", "the image is too large to decode safely") from None
    except Exception as error:  # Pillow raises many kinds (OSError, SyntaxError, ValueError) for bad images
        raise _refuse("bad_image", f"not a readable {wanted} image: {error}") from None
    return Checked("image", media_type)


def _signed_xml(data: bytes, media_type: str) -> Checked:
    try:
        root = parse_xml(data)
    except InvalidMessage as error:
        problem = error.problems[0]
        raise DocumentRefused(422, Problem("body", "bad_xml", problem.message)) from None
    if root.find(f".//{{{DSIG}}}Signature") is None:
        raise _refuse("unsigned_xml", f"the XML holds no XML-DSig Signature element ({DSIG})")
    return Checked("signed_xml", media_type)


def check(data: bytes, content_type: str | None) -> Checked:
    """The document's kind, or DocumentRefused saying what is wrong with it."""
    media_type = media_type_of(content_type)
    if media_type not in MEDIA_TYPES:
        raise DocumentRefused(
            415,
            Problem("content_type", "unsupported_type", f"Content-Type must be one of {', '.join(MEDIA_TYPES)}"),
        )
    if not data:
        raise _refuse("empty", "the body is empty")
    if media_type == PDF:
        return _pdf(data)
    if media_type in IMAGES:
        return _image(data, media_type)
    return _signed_xml(data, media_type)

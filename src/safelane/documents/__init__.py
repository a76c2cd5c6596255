"""Paperless documents: what filers attach to a consignment, checked, fingerprinted and kept durably.

`checks` says whether bytes are the document they claim to be (PDF, signed XML, PNG/JPEG/TIFF); `stores`
keeps the bytes (in the database by default, or in a directory); `attach` is the one path that records a
document, its audit event and the request it answers, in one transaction. docs/documents.md is the filer's guide.
"""

"""Tolerant pydantic models of the Wix and QBO payloads (``models.wix``, ``models.qbo``)."""

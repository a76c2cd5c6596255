"""Workbench pages: consignment (being built)."""

from fastapi import APIRouter

router = APIRouter()

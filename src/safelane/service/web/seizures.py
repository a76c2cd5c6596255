"""Workbench pages: seizures (being built)."""

from fastapi import APIRouter

router = APIRouter()

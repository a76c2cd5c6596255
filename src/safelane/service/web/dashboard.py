"""Workbench pages: dashboard (being built)."""

from fastapi import APIRouter

router = APIRouter()

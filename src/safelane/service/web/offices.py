"""Workbench pages: offices (being built)."""

from fastapi import APIRouter

router = APIRouter()

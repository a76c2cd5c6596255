"""Risk assessment: assessors produce findings; the engine combines them into an assessment."""

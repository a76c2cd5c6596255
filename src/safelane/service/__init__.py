"""The HTTP service: a FastAPI app over the one pipeline (`create_app` in `safelane.service.app`).

Routes live in `api/`, one module per noun; this package adds only what HTTP needs around the
pipeline: credentials, error bodies, request logs and metrics.
"""

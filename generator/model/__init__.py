"""The schema: pydantic models for every kind of document in the knowledge base."""

from .common import SCHEMA_VERSION, RootCauseCategory, Severity
from .incident import Incident
from .runbook import Runbook

Document = Incident | Runbook

# kind -> model: the loader picks the model by `kind` so errors point inside the right schema.
MODELS: dict[str, type[Incident] | type[Runbook]] = {"incident": Incident, "runbook": Runbook}

__all__ = ["MODELS", "SCHEMA_VERSION", "Document", "Incident", "Runbook", "RootCauseCategory", "Severity"]

"""The schema: pydantic models for every kind of document in the knowledge base."""

from generator.core.model.common import SCHEMA_VERSION, RootCauseCategory, Severity
from generator.core.model.incident import Incident
from generator.core.model.runbook import Runbook

Document = Incident | Runbook

# kind -> model: the loader picks the model by `kind` so errors point inside the right schema.
MODELS: dict[str, type[Incident] | type[Runbook]] = {"incident": Incident, "runbook": Runbook}

__all__ = ["MODELS", "SCHEMA_VERSION", "Document", "Incident", "Runbook", "RootCauseCategory", "Severity"]

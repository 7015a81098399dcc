"""Finding runbook problems from a query or an error text: `kb search` and `kb diagnose`.

The index is built from the YAML once and kept on disk (`.kb-cache/`), so a warm run reads one file
and never loads the models, the YAML parsers or jieba's dictionary.
"""

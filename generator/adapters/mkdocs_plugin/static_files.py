"""The files the site's pages link to (quick-fix sheets, their PDFs, scripts), written into the site.

MkDocs only needs to know their paths, to check the pages' links. `mkdocs build` writes them from a
second process, forked once the knowledge base is loaded, while MkDocs builds the pages: on a machine
with two cores they add next to nothing to the build. Where a fork is not safe (core/parallel.py), and under
`mkdocs serve` (where a memo makes them cheap), they are written in process at the end of the build.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from generator.core import parallel
from generator.core.corpus import Corpus
from generator.core.fsio import write_file
from generator.outputs.bundle import render_static
from generator.outputs.memo import Memo


class StaticFilesError(Exception):
    """Writing the sheets, PDFs or scripts failed; the message says which file and why."""


@dataclass(frozen=True)
class Job:
    site_dir: Path
    today: dt.date
    language: str
    commit: str
    pdf: bool  # lay the sheets out as PDFs too


@dataclass
class Written:
    texts: dict[str, str]  # path -> text of the sheets and scripts written (or already there)
    over_budget: list[str]  # one line per sheet PDF longer than its page budget


def write_static(
    corpus: Corpus, job: Job, memo: Memo | None = None, unchanged: dict[str, str] | None = None
) -> Written:
    """Render the sheets and scripts (and with job.pdf the PDFs) and write them under job.site_dir.
    A file whose text is the same in `unchanged` (what is already in the site) is not written again."""
    sheets, scripts = render_static(corpus, today=job.today, language=job.language, commit=job.commit, memo=memo)
    laid = []
    if job.pdf:
        from generator.outputs.pdf import layout  # WeasyPrint loads only when PDFs are wanted

        laid = layout(sheets)  # each sheet fitted to its page: the print page shows what its PDF shows
    texts = {**sheets, **{s.sheet: s.html for s in laid}, **scripts}
    unchanged = unchanged or {}
    for path, text in texts.items():
        if unchanged.get(path) != text:
            write_file(job.site_dir / path, text, root=job.site_dir)
    over = []
    for sheet in laid:
        write_file(job.site_dir / sheet.path, sheet.pdf, root=job.site_dir)
        if sheet.over:
            over.append(sheet.report())
    return Written(texts, over)


class Worker:
    """write_static in a forked process; `wait` returns the over-budget reports or raises StaticFilesError."""

    def __init__(self, corpus: Corpus, job: Job) -> None:
        # Forked, the child shares the loaded corpus: nothing is pickled or loaded twice.
        self._task = parallel.ForkedTask(_over_budget, corpus, job)

    def wait(self) -> list[str]:
        try:
            return self._task.wait()
        except parallel.TaskError as exc:
            why = str(exc)  # "cannot write FILE: REASON" for a disk error, else what went wrong
            raise StaticFilesError(
                why if why.startswith("cannot write") else f"writing the sheets failed: {why}"
            ) from None

    def stop(self) -> None:
        self._task.stop()


def _over_budget(corpus: Corpus, job: Job) -> list[str]:
    return write_static(corpus, job).over_budget

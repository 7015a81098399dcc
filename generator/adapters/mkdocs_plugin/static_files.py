"""The files the site's pages link to (quick-fix sheets, their PDFs, scripts), written into the site.

MkDocs only needs to know their paths, to check the pages' links. `mkdocs build` writes them from a
second process, forked once the knowledge base is loaded, while MkDocs builds the pages: on a machine
with two cores they add next to nothing to the build. Where a fork is not safe (fork.py), and under
`mkdocs serve` (where a memo makes them cheap), they are written in process at the end of the build.
"""

from __future__ import annotations

import datetime as dt
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from generator.core import parallel as fork
from generator.core.corpus import Corpus
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
    texts = {**sheets, **scripts}
    unchanged = unchanged or {}
    for path, text in texts.items():
        if unchanged.get(path) != text:
            _write(job.site_dir / path, text.encode("utf-8"))
    over = []
    if job.pdf:
        from generator.outputs.pdf import layout

        for sheet in layout(sheets):
            _write(job.site_dir / sheet.path, sheet.pdf)
            if sheet.over:
                over.append(sheet.report())
    return Written(texts, over)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)  # as MkDocs writes the pages: in place, with the usual permissions


class Worker:
    """write_static in a forked process; `wait` returns the over-budget reports or raises StaticFilesError."""

    def __init__(self, corpus: Corpus, job: Job) -> None:
        context = fork.context()
        self._result, sender = context.Pipe(duplex=False)
        # Forked, the child shares the loaded corpus: nothing is pickled or loaded twice.
        self._process = context.Process(target=_child, args=(corpus, job, sender), daemon=True)
        self._process.start()
        sender.close()

    def wait(self) -> list[str]:
        try:
            ok, value = self._result.recv()
        except EOFError:
            ok, value = False, None
        self._process.join()
        if value is None:
            died = f"exit code {self._process.exitcode}"
            raise StaticFilesError(f"the process writing the sheets and scripts died ({died})")
        if not ok:
            raise StaticFilesError(value)
        return value

    def stop(self) -> None:
        self._process.terminate()
        self._process.join()


def _child(corpus: Corpus, job: Job, sender: Connection) -> None:
    try:
        sender.send((True, write_static(corpus, job).over_budget))
    except OSError as exc:  # the disk, not our code: say which file and why
        sender.send((False, f"cannot write {exc.filename}: {exc.strerror}"))
    except Exception:  # noqa: BLE001 - a bug: its traceback is the report
        sender.send((False, "writing the sheets and scripts failed:\n" + traceback.format_exc()))

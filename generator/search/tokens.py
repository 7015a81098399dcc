"""Words of a text, for ranking. English words are lowercased; Chinese is segmented.

At build time Chinese runs go through jieba (search mode, with the operations user dictionary). At
query time jieba's dictionary takes about a second to load, so a query's Chinese runs are matched
instead against the index's own vocabulary: every substring that is a known word counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container
from functools import cache
from pathlib import Path

_WORDS = re.compile(r"[a-z0-9]+|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MAX_WORD = 8  # the longest Chinese word looked up in the vocabulary
# Words so common in runbooks that they only add noise to a ranking.
STOP = frozenset({"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on", "or"})
STOP |= {"the", "this", "to", "was", "with"}


@cache
def stem(word: str) -> str:
    """An English word's stem (Snowball's English stemmer): "deadlocks" and "restarted" find "deadlock" and
    "restart". Numbers and words with digits (codes: 502, ext4) stay as they are."""
    if not word.isalpha() or not word.isascii():
        return word
    return _stemmer().stemWord(word)


@cache
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def words(text: str) -> list[tuple[str, bool]]:
    """Runs of the text: (run, is_chinese). ASCII is lowercased; punctuation separates runs."""
    return [(m, bool(CJK.match(m))) for m in _WORDS.findall(text.lower())]


def _new_tokenizer():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # its progress messages are noise on a command's stderr
    return jieba.Tokenizer()


@cache
def _tokenizer(user_dict: Path | None):
    """jieba's tokenizer with its whole dictionary and the user dictionary, loaded once per process."""
    tok = _new_tokenizer()
    if user_dict and user_dict.is_file():
        tok.load_userdict(str(user_dict))
    tok.initialize()
    return tok


def dictionary(user_dict: Path | None) -> tuple[dict[str, int], int]:
    """jieba's dictionary as it segments: word (or word prefix, with 0) -> frequency, and the total."""
    tok = _tokenizer(user_dict)
    return tok.FREQ, tok.total


def _cutter(tok) -> Callable[[str], list[str]]:
    memo: dict[str, list[str]] = {}

    def cut(run: str) -> list[str]:
        if run not in memo:
            memo[run] = [w for w in tok.cut_for_search(run) if w.strip()]
        return memo[run]

    return cut


@cache
def segmenter(user_dict: Path | None) -> Callable[[str], list[str]]:
    """jieba's search-mode segmentation (a word and its parts), loaded once per process."""
    return _cutter(_tokenizer(user_dict))


def partial_segmenter(freq: dict[str, int], total: int) -> Callable[[str], list[str]]:
    """The same segmentation from part of jieba's dictionary: `freq` must hold every entry of the whole
    dictionary (see `dictionary`) that is a substring of the runs cut. jieba looks up nothing else, so
    the words are the same, without the half second that loading the whole dictionary takes."""
    tok = _new_tokenizer()
    tok.FREQ, tok.total, tok.initialized = freq, total, True
    return _cutter(tok)


def substrings(run: str, longest: int) -> set[str]:
    """Every substring of a run up to `longest` characters: what jieba may look up to segment it."""
    return {run[i:j] for i in range(len(run)) for j in range(i + 1, min(len(run), i + longest) + 1)}


def index_tokens(text: str, cut: Callable[[str], list[str]]) -> list[str]:
    """Tokens of a document's text, for the index."""
    out: list[str] = []
    for run, chinese in words(text):
        if chinese:
            out += cut(run)
        elif run not in STOP:
            out.append(stem(run))
    return out


def query_tokens(text: str, vocabulary: Container[str]) -> list[str]:
    """Tokens of a query without jieba: ASCII words, and every known word inside each Chinese run.

    Characters no known word covers are kept, each stretch of them as one word, so that unknown text
    still counts in how much of the text an answer covers."""
    out: list[str] = []
    for run, chinese in words(text):
        if not chinese:
            if run not in STOP:
                out.append(stem(run))
            continue
        covered = [False] * len(run)
        for i in range(len(run)):
            for j in range(min(len(run), i + MAX_WORD), i + 1, -1):
                if run[i:j] in vocabulary:
                    out.append(run[i:j])
                    covered[i:j] = [True] * (j - i)
        unknown = "".join(" " if c else ch for ch, c in zip(run, covered, strict=True))
        out += unknown.split()
    return out

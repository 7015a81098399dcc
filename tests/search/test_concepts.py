"""The error-concept vocabulary: its data (reviewed, safe, in both languages) and its loader and tagger."""

from __future__ import annotations

import copy
import pickle
import random
import re
import string
import time
from collections import Counter
from functools import cache

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.search import concepts
from generator.search.concepts import DATA, FAMILIES, ConceptError, compiled, load


@cache
def vocab() -> concepts.Vocabulary:
    """The shipped vocabulary, with every check of the loader run on it."""
    return load(verify=True)


def entries() -> list[dict]:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))["concepts"]


def brute_matches(v: concepts.Vocabulary, text: str) -> list[str]:
    """What Vocabulary.matches must return: every pattern searched for in the whole text."""
    return sorted(cid for cid, c in v.concepts.items() if any(compiled(p).search(text) for p in c.patterns))


# --- the data ------------------------------------------------------------------------------------


def test_the_shipped_file_passes_every_check_of_the_loader():
    assert len(vocab().concepts) == len(entries())


def test_at_least_150_concepts_and_every_family():
    families = Counter(c.family for c in vocab().concepts.values())
    assert sum(families.values()) >= 150
    assert set(families) == set(FAMILIES)


def test_ids_are_unique_in_the_file():
    ids = Counter(e["id"] for e in entries())
    assert [i for i, n in ids.items() if n > 1] == []


def test_every_concept_has_both_languages_and_two_examples():
    for cid, c in vocab().concepts.items():
        assert c.en and c.zh, cid
        assert len(c.examples) >= 2, cid
        assert c.patterns, cid


def test_every_example_matches_its_own_concept_and_is_tagged_with_it():
    v = vocab()
    for cid, c in v.concepts.items():
        for example in c.examples:
            assert any(compiled(p).search(example) for p in c.patterns), (cid, example)
            assert cid in v.matches(example), (cid, example)


def test_every_pattern_is_exercised_by_an_example_of_its_concept():
    """A pattern no example matches is unreviewed: it may be wrong and nobody would notice."""
    for cid, c in vocab().concepts.items():
        for p in c.patterns:
            assert any(compiled(p).search(e) for e in c.examples), (cid, p)


def test_related_ids_exist_and_form_no_cycle():
    v = vocab()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(cid: str, path: tuple[str, ...]) -> None:
        assert state.get(cid) != 1, f"cycle: {' -> '.join((*path, cid))}"
        if state.get(cid) == 2:
            return
        state[cid] = 1
        for r in v.concepts[cid].related:
            assert r in v.concepts, (cid, r)
            visit(r, (*path, cid))
        state[cid] = 2

    for cid in v.concepts:
        visit(cid, ())


@pytest.mark.parametrize("probe", ["", " ", "28", "137", "502", "0", "a", "x", "I", "errno", "exit code", "signal"])
def test_no_pattern_matches_a_bare_number_a_letter_or_a_lone_keyword(probe):
    for cid, c in vocab().concepts.items():
        for p in c.patterns:
            assert not compiled(p).search(probe), (cid, p, probe)


def test_patterns_are_safe_and_cheap():
    unbounded_any = re.compile(r"(?<!\\)\.[*+]")
    for cid, c in vocab().concepts.items():
        for p in c.patterns:
            assert concepts.nesting_risk(p) is None, (cid, p)
            assert not unbounded_any.search(p), f"{cid}: {p!r}: use a bounded gap like [^\\n]{{0,80}}"
            # every pattern has a literal anchor, so that none runs on every text
            assert concepts.leading(p) or concepts.anchors(p), (cid, p)


def test_nesting_risk_spots_repeated_repeats():
    assert concepts.nesting_risk(r"(a+)+b")
    assert concepts.nesting_risk(r"(?:\s*x)*y")
    assert concepts.nesting_risk(r"(?:[a-z]+,){2,}")
    assert concepts.nesting_risk(r"\berrno\s*[=:]?\s*28\b") is None
    assert concepts.nesting_risk(r"(?:ab{1,3}){2}") is None


def test_anchors_are_texts_every_match_contains():
    assert concepts.anchors(r"\bNo space left on device\b") == {"no space left on device"}
    assert concepts.anchors(r"\berrno\s*[=:]?\s*-?28\b") == {"errno"}
    assert concepts.anchors(r"\bStale (?:NFS )?file handle\b") == {"file handle"}
    assert concepts.anchors(r"\b(?:Liveness|Readiness) probe failed\b") == {" probe failed"}
    assert concepts.anchors(r"\d+") is None
    assert concepts.leading(r"\bENOSPC\b") == "enospc"
    assert concepts.leading(r"\b(?:a|b)xyz") is None


# --- tagging -------------------------------------------------------------------------------------


def test_errors_and_prose_in_both_languages_meet_on_the_same_concepts():
    tag = vocab().tag
    assert {"errno-enospc", "disk-full"} <= set(tag("write /data/x: no space left on device"))
    assert "disk-full" in tag("处理步骤：先确认磁盘空间不足，再清理日志")
    assert "disk-full" in tag("When the disk is full, rotate the logs first")
    assert "errno-enospc" in tag("OSError: [Errno 28] No space left on device")
    assert {"exit-status-137", "signal-sigkill", "memory-oom-kill"} <= set(tag("command terminated with exit code 137"))
    assert {"kubernetes-oomkilled", "memory-oom-kill"} <= set(tag("容器被 OOM 杀死，Pod 状态 OOMKilled"))
    assert "http-502" in tag("页面返回 502，检查上游")
    assert "tls-certificate-expired" in tag("证书过期导致 x509 报错")


def test_every_term_tags_its_concept():
    """The cross-language check: English and Chinese terms lead to the same concept."""
    v = vocab()
    for cid, c in v.concepts.items():
        for term in c.en + c.zh:
            assert cid in v.tag(term), (cid, term)


def test_chinese_terms_do_not_cut_numbers():
    tag = vocab().tag
    assert "exit-status-137" in tag("退出码 137")
    assert "exit-status-1" not in tag("退出码 137")
    assert "exit-status-1" in tag("进程退出码 1，查看日志")


def test_bare_numbers_and_unrelated_text_tag_nothing():
    tag = vocab().tag
    for text in ["28", "137", "502", "a", "", "   ", "今天天气不错", "The quick brown fox jumps over the lazy dog"]:
        assert tag(text) == [], text


def test_related_concepts_can_be_left_out():
    v = vocab()
    assert v.tag("exit code 137", related=False) == ["exit-status-137"]
    assert "memory-oom-kill" in v.tag("exit code 137")


def test_matches_finds_what_searching_every_pattern_finds():
    v = vocab()
    rnd = random.Random(7)
    examples = [e for c in v.concepts.values() for e in c.examples]
    for _ in range(150):
        lines = rnd.sample(examples, rnd.randint(1, 12))
        text = "\n".join(rnd.choice([line, line.upper(), line.lower(), "x" + line]) for line in lines)
        assert v.matches(text) == brute_matches(v, text)


def test_text_whose_lowercase_has_another_length_is_still_matched():
    v = vocab()
    text = "İstanbul node: write /srv/x: No space left on device"  # 'İ'.lower() is two characters
    assert len(text.lower()) != len(text)
    assert "errno-enospc" in v.matches(text)


_ALPHABET = string.printable + "磁盘空间不足退出码内存İßKſ─│…，。"
_ANCHORS = sorted(vocab()._at)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.text(alphabet=_ALPHABET, max_size=300),
            st.sampled_from([e for c in vocab().concepts.values() for e in c.examples]),
        ),
        max_size=8,
    )
)
def test_tag_never_raises_and_agrees_with_brute_force(parts):
    v = vocab()
    text = "".join(parts)
    tags = v.tag(text)
    assert set(v.matches(text)) <= set(tags)
    assert v.matches(text) == brute_matches(v, text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.text(alphabet=_ALPHABET, max_size=200), st.sampled_from(_ANCHORS)), max_size=10))
def test_scanning_for_anchors_finds_what_the_anchor_regex_finds(parts):
    text = "".join(parts).lower()
    scanning, compiled_ = copy.copy(vocab()), copy.copy(vocab())
    scanning._scanned, compiled_._scanned = 0, concepts.SCAN_BUDGET
    assert list(scanning._anchors_in(text)) == list(compiled_._anchors_in(text))


def test_a_pickled_vocabulary_holds_no_compiled_regex_and_tags_the_same():
    v = copy.copy(vocab())
    v._scanned = concepts.SCAN_BUDGET
    v.tag("x")  # compiles the anchor regex
    again = pickle.loads(pickle.dumps(v))
    assert again._anchor_rx is None and again._scanned == 0
    text = "connect() failed (111: Connection refused) while connecting to upstream; 磁盘空间不足"
    assert again.tag(text) == v.tag(text)


@pytest.mark.slow  # thousands of generated texts
def test_tagging_random_2kb_texts_is_quick():
    v = vocab()
    rnd = random.Random(3)
    alphabet = string.ascii_letters + string.digits + string.punctuation + " \n" * 8 + "磁盘内存"
    texts = ["".join(rnd.choices(alphabet, k=2048)) for _ in range(2000)]
    start = time.perf_counter()
    for text in texts:
        v.tag(text)
    assert time.perf_counter() - start < 10  # well under 1 ms a text on a quiet machine


# --- loading a knowledge base's own file ---------------------------------------------------------

KB_CONCEPTS = """\
concepts:
  - id: chatserver-heartbeat-timeout
    family: process-manager
    en: [heartbeat timeout]
    zh: [心跳超时]
    patterns: ['\\bheartbeat timed out after \\d+s\\b']
    examples:
      - 'chatserver: heartbeat timed out after 30s, closing session 812'
      - 'WARN heartbeat timed out after 90s (peer 10.0.0.4)'
    related: [errno-etimedout]
  - id: errno-enospc
    family: errno
    zh: [盘满了]
    patterns: ['\\bdisk full, refusing writes\\b']
    examples: ['store: disk full, refusing writes to /data']
"""


def test_a_kb_file_adds_concepts_and_extends_existing_ones(write):
    v = load(write("concepts.yaml", KB_CONCEPTS))
    assert len(v.concepts) == len(vocab().concepts) + 1
    assert {"chatserver-heartbeat-timeout", "errno-etimedout"} <= set(v.tag("client heartbeat timed out after 30s"))
    assert "chatserver-heartbeat-timeout" in v.tag("排查心跳超时的原因")
    assert "errno-enospc" in v.tag("盘满了怎么办")
    assert "errno-enospc" in v.matches("store: disk full, refusing writes to /data")
    assert "no space left on device" in v.terms("errno-enospc", "en")
    assert v.terms("errno-enospc", "zh")[-1] == "盘满了"
    assert "盘满了" not in concepts.terms("errno-enospc", "zh")  # the shipped vocabulary is untouched


def _error(write, text: str) -> str:
    with pytest.raises(ConceptError) as info:
        load(write("kb-concepts.yaml", text))
    return str(info.value)


def test_an_id_reused_with_another_family_is_an_error(write):
    message = _error(write, "concepts:\n  - id: errno-enospc\n    family: disk\n    zh: [满了]\n")
    assert "kb-concepts.yaml:3:" in message and "family 'errno'" in message


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("concepts:\n  - id: x-1\n    family: disk\n    en: [a, b\n", 5, "flow sequence at line 4"),
        ("concepts:\n  - id: x-1\n    family: disks\n    en: [disk trouble]\n", 3, "family"),
        ("concepts:\n  - id: X_1\n    family: disk\n    en: [disk trouble]\n", 2, "id"),
        ("concepts:\n  - id: x-1\n    family: disk\n    colour: red\n", 4, "colour"),
        ("concepts:\n  - id: x-1\n    family: disk\n    patterns: ['(unclosed']\n", 4, "invalid regex"),
        ("concepts:\n  - id: x-1\n    family: disk\n    patterns: ['\\d+']\n", 4, "matches '0'"),
        ("concepts:\n  - id: x-1\n    family: disk\n    patterns: ['(?:\\w+\\s?)+disk']\n", 4, "repeats a group"),
        ("concepts:\n  - id: x-1\n    family: disk\n    en: [磁盘]\n", 4, "list it under zh"),
        ("concepts:\n  - id: x-1\n    family: disk\n    zh: [disk]\n", 4, "list it under en"),
        (
            "concepts:\n  - id: x-1\n    family: disk\n    related: [no-such-thing]\n    en: [disk trouble]\n",
            4,
            "does not exist",
        ),
        ("concepts:\n  - id: x-1\n    family: disk\n", 2, "nothing can tag it"),
        (
            "concepts:\n  - id: x-1\n    family: disk\n    en: [disk trouble]\n"
            "  - id: x-1\n    family: disk\n    en: [disk woes]\n",
            5,
            "already defined",
        ),
        (
            "concepts:\n  - id: x-1\n    family: disk\n    patterns: ['\\bdisk trouble\\b']\n"
            "    examples: ['all fine here']\n",
            5,
            "matched by none",
        ),
        ("- id: x-1\n", 1, "mapping with a 'concepts' list"),
        ("concepts: none\n", 1, "concepts"),
    ],
)
def test_a_malformed_kb_file_gives_a_located_error(write, text, line, words):
    message = _error(write, text)
    assert words in message
    if line is not None:
        assert f"kb-concepts.yaml:{line}:" in message


def test_a_cycle_in_a_kb_file_is_harmless(write):
    text = (
        "concepts:\n"
        "  - id: ping-a\n    family: connection\n    en: [ping alpha]\n    related: [ping-b]\n"
        "  - id: ping-b\n    family: connection\n    en: [ping beta]\n    related: [ping-a]\n"
    )
    v = load(write("cycle.yaml", text))
    assert {"ping-a", "ping-b"} <= set(v.tag("ping alpha"))


def test_terms_by_language():
    assert "no space left on device" in concepts.terms("errno-enospc", "en")
    assert "设备上没有空间" in concepts.terms("errno-enospc", "zh")
    with pytest.raises(KeyError):
        concepts.terms("no-such-concept", "en")
    with pytest.raises(ValueError):
        concepts.terms("errno-enospc", "fr")  # type: ignore[arg-type]


def test_module_level_tag_uses_the_shipped_vocabulary():
    assert concepts.tag("ERROR 1045 (28000): Access denied for user 'app'@'10.0.0.1'") == vocab().tag(
        "ERROR 1045 (28000): Access denied for user 'app'@'10.0.0.1'"
    )

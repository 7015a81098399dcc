"""Tokens for ranking: English words, jieba for Chinese at build time, the vocabulary at query time."""

from __future__ import annotations

from generator.search.tokens import index_tokens, query_tokens, segmenter
from tests.conftest import ROOT


def test_index_tokens_lowercase_english_and_segment_chinese():
    cut = segmenter(ROOT / "search/ops-terms.txt")
    tokens = index_tokens("OSError: Address already in use，心跳超时", cut)
    assert tokens[:3] == ["oserror", "address", "alreadi"]  # stems; 'in', 'use'... stop words aside
    assert "心跳超时" in tokens and "心跳" in tokens  # the user dictionary's term, and its parts


def test_query_tokens_find_known_words_inside_chinese_runs_without_jieba():
    vocabulary = {"心跳", "超时", "心跳超时", "502"}
    assert query_tokens("心跳超时了 502!", vocabulary) == ["心跳超时", "心跳", "超时", "了", "502"]


def test_query_tokens_keep_unknown_chinese_text_as_one_word_per_stretch():
    # Unknown text must weigh in how much of a query an answer covers: as one word, not lone characters
    # (which ranking drops as saying little).
    assert query_tokens("禁言", set()) == ["禁言"]
    assert query_tokens("安卓同步失败了", {"失败"}) == ["失败", "安卓同步", "了"]


def test_english_words_are_stemmed_alike_in_documents_and_queries():
    cut = segmenter(None)
    assert index_tokens("Deadlocks restarting workers", cut) == query_tokens("deadlock restarted worker", set())
    assert query_tokens("ext4 502 ENOSPC", set()) == ["ext4", "502", "enospc"]  # codes stay as written

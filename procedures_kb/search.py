"""Accent-insensitive ranking of procedures for a free-text Vietnamese question.

Works on folded text (lower-case, no diacritics, NFC/NFD-insensitive). The query is normalised the way
citizens type on a kiosk or on Zalo: shorthand is expanded ("dk" → "dang ky", "ko" → "khong", "bn" →
"bao nhieu"), tokens the catalogue does not know are corrected to the nearest known syllable (one edit
away) or split when two syllables were typed together ("khaisinh"). Each procedure is scored by how well
its best name or alias is covered by the question (syllables weighted by how specific they are across the
catalogue, plus word-pair order), how much of the question's specific words that name explains, and a
small prior for procedures commonly asked at a desk.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from motcua.shorthand import load_shorthand
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .fees import UNIT_LABELS
from .schema import Procedure
from .text import (
    PairForms,
    WrittenForms,
    add_pairs,
    fold,
    neighbour_readings,
    same_word,
    syllables,
    words,
    written_forms,
)

# Zalo / SMS shorthand and common abbreviations → folded words; particles → nothing (motcua/shorthand.yaml).
SHORTHAND: dict[str, str] = load_shorthand().search_table()

# Concepts a question implies without naming them: a foreign country or nationality means "nước ngoài"
# (procedures "có yếu tố nước ngoài"). Matched on folded word pairs / single words.
_COUNTRIES = (
    "nhat ban|han quoc|trung quoc|dai loan|thai lan|campuchia|cam pu chia|singapore|malaysia|indonesia|"
    "philippines|an do|hoa ky|canada|nuoc anh|ba lan|sec|ao|thuy dien|na uy|dan mach|ha lan|bi|thuy si|"
    "tay ban nha|bo dao nha|y|hong kong|ma cao|uc|duc|phap|nga|lao|my|nhat|han|trung"
)
_COUNTRY_NAMES = set(_COUNTRIES.split("|"))
_COUNTRY_CONTEXT = {"nguoi", "o", "ben", "tai", "sang", "tich", "chong", "vo", "cho"}
_SAFE_ALONE = {c for c in _COUNTRY_NAMES if " " in c} | {"campuchia", "singapore", "malaysia", "canada"}
FOREIGN_MARKERS = {"viet kieu", "ngoai quoc", "nguoi tay", "quoc tich", "dinh cu"}

# Words of the question itself (not of any procedure): they never identify a procedure.
QUESTION_WORDS = frozenset(
    """
    cho toi hoi xin chao minh em bac can nhung gi gio nao nhu bao nhieu lau tien phi le ngay o dau nop
    mang theo duoc khong phai thi la va voi cua muon giup thu tuc cac mot hay roi chua nay ton
    """.split()
)
# Left out on purpose, because folding makes them procedure words too: chu (chữ ký), anh (ảnh),
# biet (đặc biệt), thoi (thôi hưởng), gian, het (hết hạn), the (thẻ), di (di chúc), ban (bản), sao (bản sao).
QUESTION_WORD_WEIGHT = 0.15

# Score = W_PHRASE × how fully the best name appears in the question (PAIR_WEIGHT of it from word pairs)
#       + W_EXPLAINED × share of the question's specific words found in any of the procedure's names
#       + W_DESCRIBED × evidence from its conditions, documents, result and fee units
#       + W_POPULAR × how commonly the procedure is asked for.
PAIR_WEIGHT = 0.4
W_PHRASE = 0.43
W_EXPLAINED = 0.45
W_DESCRIBED = 0.10
W_POPULAR = 0.02


def _prefer_specific(scored: dict[int, tuple[float, str, bool]], aliases: dict[tuple[int, str], _Alias]) -> None:
    """When two names appear whole in the question and one contains the other ("đăng ký lại khai sinh" and
    "khai sinh"), the question is about the longer, more specific one: it ranks first."""
    whole = [(pi, set(aliases[(pi, text)].tokens)) for pi, (_, text, full) in scored.items() if full]
    for pi, tokens in whole:
        for other, other_tokens in whole:
            if other != pi and other_tokens < tokens and scored[other][0] >= scored[pi][0]:
                score, text, full = scored[pi]
                scored[pi] = (scored[other][0] + 0.001, text, full)


@dataclass(frozen=True)
class SearchHit:
    procedure: Procedure
    score: float  # 0..1, higher is better
    matched: str  # the name or alias that matched best


@dataclass(frozen=True)
class _Alias:
    procedure_index: int
    text: str
    tokens: tuple[str, ...]
    bigrams: frozenset[tuple[str, str]]
    forms: WrittenForms  # how the name writes its syllables ("tu" is "tử" in "khai tử")


def _bigrams(tokens: list[str] | tuple[str, ...]) -> frozenset[tuple[str, str]]:
    """Adjacent word pairs, question words skipped ("kết hôn với người" pairs "hon" with "nguoi")."""
    content = [t for t in tokens if t not in QUESTION_WORDS]
    return frozenset(zip(content, content[1:], strict=False))


_DIGITS = re.compile(r"^\d+$")


def _descriptive_text(p: Procedure) -> list[str]:
    """What a procedure is about beyond its names: conditions, documents, result, fee units."""
    fee_units = [UNIT_LABELS.get(getattr(ch.fee, "per", ""), "") for ch in p.channels]
    fee_units += ["trang" for ch in p.channels if ch.fee.kind == "per_page_tiered"]
    return [
        *p.conditions,
        p.result,
        *(d.name for d in p.documents),
        *(d.condition or "" for d in p.documents),
        *fee_units,
    ]


# "mất" before an amount of time or money is "it takes" ("mất bao lâu", "mất mấy ngày", "mất 3 ngày", "mất bao
# nhiêu tiền", "không mất phí"), not "lost" (mất giấy khai sinh, người đã mất): then it is a question word and is
# dropped. A unit of time right after it is a death's date ("bố tôi mất tháng trước"), not an amount.
_COST_WORDS = frozenset("bao may bn nhieu khoang tam chung lau tien phi thoi".split())


def _drop_cost_verb(tokens: list[str]) -> list[str]:
    return [
        t
        for i, t in enumerate(tokens)
        if not (t == "mat" and i + 1 < len(tokens) and (tokens[i + 1] in _COST_WORDS or tokens[i + 1].isdigit()))
    ]


# "mất" has two readings, told apart by its object: a paper was lost ("mất giấy khai sinh", "bị mất sổ đỏ") → the
# question is about getting it again (cấp lại, bản sao); a person died ("bố tôi mất", "ông nội mất ở quê") → khai
# tử and what follows a death: the word is dropped, so that aliases about lost papers do not match it.
_PAPER_WORDS = frozenset("giay so the bang bien cavet vet trich phieu bia cmnd cccd".split())
# words that name a paper only beside their other half ("cần" alone is "need", "đình" of "gia đình" is no decision)
_PAPER_PAIRS = frozenset(
    {("ho", "chieu"), ("can", "cuoc"), ("chung", "minh"), ("dang", "ky"), ("hop", "dong"), ("quyet", "dinh")}
    | {("ban", "chinh"), ("ban", "sao")}
)


def _names_paper(after: Sequence[str]) -> bool:
    return any(w in _PAPER_WORDS for w in after) or any(
        pair in _PAPER_PAIRS for pair in zip(after, after[1:], strict=False)
    )


_PERSON_WORDS = frozenset("bo me ong ba chong vo con chau anh chi em cu cha nguoi noi ngoai cau di chu bac".split())
_LOST = ["cap", "lai"]


# Other ways a paper is lost or spoilt ("thất lạc", "bị cháy", "rách nát", "ướt nhòe"), near a word for a paper
# (not "hộ", "hỗ" …: "nhà bị cháy có được hỗ trợ không" is not about a paper): read like "mất" + a paper. Looked for
# before typo correction ("lạc" is not a word of the catalogue).
_DAMAGE_WORDS = frozenset("chay rach nat nhoe".split())
_PAPER_NOUNS = frozenset("giay so the bang cavet vet trich phieu bia".split())


def damaged_paper(tokens: list[str]) -> bool:
    """Whether a word of loss or damage comes within five words of a paper."""
    return any(
        ((t == "that" and tokens[i + 1 : i + 2] == ["lac"]) or t in _DAMAGE_WORDS)
        and any(w in _PAPER_NOUNS for w in tokens[max(0, i - 5) : i + 5])
        for i, t in enumerate(tokens)
    )


# The register kept by the office is gone too ("sổ hộ tịch năm đó không còn", "xã không còn lưu", "sổ gốc bị cháy"):
# the paper cannot be copied from it, the event is registered again (Nghị định 123/2015/NĐ-CP, Điều 24–27). Read
# as "đăng ký lại" instead of "cấp lại".
_REGISTERS = (("so", "ho", "tich"), ("so", "luu"), ("so", "goc"), ("so", "bo"), ("ban", "luu"), ("ho", "so", "luu"))
_GONE = frozenset("chay hu hong moi rach nat".split())
_GONE_PHRASES = (("khong", "con"), ("that", "lac"), ("khong", "tim", "thay"), ("khong", "luu"))
_REGISTERING = ["dang", "ky", "lai"]
GONE_WINDOW = 6


def _at(tokens: Sequence[str], i: int, phrase: Sequence[str]) -> bool:
    return tuple(tokens[i : i + len(phrase)]) == tuple(phrase)


def register_gone(tokens: Sequence[str]) -> bool:
    """Whether the message says the office's own register or record is gone: a word of loss within GONE_WINDOW
    words of "sổ hộ tịch", "sổ lưu", "sổ gốc" … ("mất" only right beside it: "bố tôi mất" told before is a death),
    or "không (còn) lưu"."""
    spans = [(i, i + len(r) - 1) for i in range(len(tokens)) for r in _REGISTERS if _at(tokens, i, r)]
    for i, t in enumerate(tokens):
        if _at(tokens, i, ("khong", "luu")) or _at(tokens, i, ("khong", "con", "luu")):
            return True
        near = 3 if t == "mat" else GONE_WINDOW
        lost = t == "mat" or t in _GONE or any(_at(tokens, i, phrase) for phrase in _GONE_PHRASES)
        if lost and any(start - near <= i <= end + near and not start <= i <= end for start, end in spans):
            return True
    return False


_KEPT = (("con", "so"), ("van", "luu"), ("con", "luu"), ("so", "van", "con"), ("so", "con", "luu"), ("luu", "so"))


def register_kept(tokens: Sequence[str]) -> bool:
    """Whether the words say the office's register is still there ("còn sổ ở xã", "xã vẫn lưu sổ"), not negated
    ("không còn sổ") and not gone elsewhere in the same words."""
    if register_gone(tokens):
        return False
    return any(
        _at(tokens, i, phrase) and tokens[i - 1 : i] not in (["khong"], ["chua"])
        for i in range(len(tokens))
        for phrase in _KEPT
    )


_FILLERS = ("bi", "cai", "het", "roi", "mot", "cua")


def _after(tokens: Sequence[str], i: int) -> list[str]:
    """The three words after the "mất" at `i`, fillers such as "bị", "cái", "hết" skipped."""
    return [w for w in tokens[i + 1 : i + 5] if w not in _FILLERS][:3]


def paper_lost(tokens: Sequence[str]) -> bool:
    """Whether the message says a paper was lost ("mất giấy khai sinh") or spoilt ("bị rách", "thất lạc")."""
    return damaged_paper(list(tokens)) or any(
        t == "mat" and _names_paper(_after(tokens, i)) for i, t in enumerate(tokens)
    )


def _read_mat(
    tokens: list[str], damaged: bool = False, *, add: bool = True, registered_again: bool = False
) -> list[str]:
    """The tokens with "mất" read by its object: dropped for a death; for a lost (or spoilt: `damaged`) paper,
    "cấp lại" added at the end (unless `add` is false: a phrase compared word for word), or "đăng ký lại" when the
    office's register is gone too (`registered_again`)."""
    lost = _REGISTERING if registered_again else _LOST
    if "mat" not in tokens:
        return tokens + [w for w in lost if w not in tokens] if (damaged or registered_again) and add else tokens
    out = list(tokens)
    extra: list[str] = lost if damaged or registered_again else []
    for i, t in enumerate(tokens):
        if t != "mat":
            continue
        after = _after(tokens, i)
        before = tokens[max(0, i - 3) : i]
        if _names_paper(after):
            extra = lost
        elif any(w in _PERSON_WORDS for w in before + after[:1]) or (before[-1:] == ["da"] and not after):
            out[i] = ""  # a death, not a lost paper: "mất sổ …" aliases must not match it
    return [w for w in out if w] + ([w for w in extra if w not in out] if add else [])


def expand_shorthand(tokens: list[str]) -> list[str]:
    """Folded tokens with shorthand expanded ("dk" → "dang ky") and filler particles dropped."""
    out: list[str] = []
    for t in tokens:
        rep = SHORTHAND.get(t)
        if rep is None:
            out.append(t)
        elif rep:
            out.extend(rep.split())
    return out


def _mark_foreign(tokens: list[str]) -> list[str]:
    """Insert "nuoc ngoai" before a foreign country or nationality ("nguoi han quoc" → "nguoi nuoc ngoai han quoc")."""
    out: list[str] = []
    marked = False
    for i, t in enumerate(tokens):
        pair = f"{t} {tokens[i + 1]}" if i + 1 < len(tokens) else ""
        prev = tokens[i - 1] if i else ""
        if not marked and (
            pair in FOREIGN_MARKERS
            or pair in _SAFE_ALONE
            or t in _SAFE_ALONE
            or (prev in _COUNTRY_CONTEXT and (t in _COUNTRY_NAMES or pair in _COUNTRY_NAMES))
        ):
            out += ["nuoc", "ngoai"]
            marked = True
        out.append(t)
    return out


class SearchIndex:
    def __init__(self, procedures: list[Procedure]):
        self.procedures = procedures
        self._aliases: list[_Alias] = []
        self._by_token: dict[str, list[int]] = defaultdict(list)
        doc_tokens: list[set[str]] = []
        self._names: list[frozenset[str]] = []
        self._secondary: list[frozenset[str]] = []
        self._name_forms: dict[str, WrittenForms] = {}  # by procedure code
        self._known_forms: set[str] = set()  # every syllable as the catalogue writes it ("từ", "tự", "tử" …)
        # how the catalogue writes two syllables said together (("tu", "choi") → "từ", "chối"; never "tử")
        self._pair_forms: PairForms = {}
        for pi, p in enumerate(procedures):
            seen: set[str] = set()
            own: set[str] = set()
            name_forms: dict[str, set[str]] = {}
            for text in [p.name, *p.aliases]:
                toks = tuple(expand_shorthand(words(text)))
                key = " ".join(toks)
                if not toks or key in seen:
                    continue
                seen.add(key)
                ai = len(self._aliases)
                forms = written_forms(text)
                self._aliases.append(_Alias(pi, text, toks, _bigrams(toks), forms))
                for t, f in forms.items():
                    name_forms.setdefault(t, set()).update(f)
                for t in set(toks):
                    self._by_token[t].append(ai)
                own.update(toks)
            doc_tokens.append(own)
            self._names.append(frozenset(own))
            self._name_forms[p.code] = {t: frozenset(f) for t, f in name_forms.items()}
            described = " ".join(_descriptive_text(p))
            self._secondary.append(frozenset(expand_shorthand(words(described))) - own)
            for text in [p.name, *p.aliases, described, *(q for f in p.facts for q in f.questions)]:
                for syllable_forms in written_forms(text).values():
                    self._known_forms.update(syllable_forms)
                add_pairs(self._pair_forms, syllables(text))
        n = len(procedures)
        df: dict[str, int] = defaultdict(int)
        for doc in doc_tokens:
            for t in doc:
                df[t] += 1
        self._df = dict(df)
        self._idf = {t: math.log((n + 1) / (c + 0.5)) + 0.1 for t, c in df.items()}
        sdf: dict[str, int] = defaultdict(int)
        for secondary in self._secondary:
            for t in secondary:
                sdf[t] += 1
        self._sidf = {t: math.log((n + 1) / (c + 0.5)) for t, c in sdf.items()}
        # "lac" of "thất lạc" is read by damaged_paper, never corrected to "lai" (then "đăng ký lại" would match)
        known = set(self._idf) | set(self._sidf) | QUESTION_WORDS | {"dang", "ky", "khong", "gi", "lac"}
        self._vocab = sorted(known)
        self._vocab_set = set(self._vocab)
        # words of the facts' questions and answers are Vietnamese as typed ("tuan" is "tuần", not "tu an"), though
        # typos are corrected only towards the names' and descriptions' words
        self._as_typed = self._vocab_set | {
            t for p in procedures for f in p.facts for text in (*f.questions, f.answer) for t in words(text)
        }
        self._long_vocab = [t for t in self._vocab if len(t) >= 3]
        self._correction_cache: dict[str, str | None] = {}
        self._aliases_by_text = {(a.procedure_index, a.text): a for a in self._aliases}

    # ---- query normalisation --------------------------------------------------------------

    def name_forms(self, code: str) -> WrittenForms:
        """How a procedure's names and aliases write their syllables (none for a code not in the index)."""
        return self._name_forms.get(code, {})

    def asked_forms(self, query: str) -> WrittenForms:
        """How the query writes its syllables, keeping only forms that are words of the catalogue: "từ" and "tự"
        are other words than "tử", but a mistyped "tữ" or "cuớc" is no word and could be any form (see same_word)."""
        asked = {t: known for t, forms in written_forms(query).items() if (known := forms & self._known_forms)}
        # a syllable typed without marks reads as its neighbour tells, where the catalogue knows the pair ("tu choi"
        # is "từ chối"); it stays any form when one of its places gives no reading
        said = syllables(query)
        folded_said = [folded for folded, _ in said]
        readings: dict[str, set[str]] = {}
        open_: set[str] = set()
        for i, (folded, written) in enumerate(said):
            if written != folded or folded in asked:
                continue
            found = neighbour_readings(self._pair_forms, folded_said, i)
            if found:
                readings.setdefault(folded, set()).update(found)
            else:
                open_.add(folded)
        asked.update({t: frozenset(forms) for t, forms in readings.items() if t not in open_})
        return asked

    def _correct(self, token: str) -> list[str]:
        """A known syllable for an unknown token: one edit away, or two known syllables typed together."""
        if token in self._as_typed or _DIGITS.match(token) or len(token) < 3:
            return [token]
        if token in self._correction_cache:
            cached = self._correction_cache[token]
            return cached.split() if cached else [token]
        fixed: str | None = None
        for i in range(2, len(token) - 1):
            a, b = token[:i], token[i:]
            if a in self._idf and b in self._idf:
                fixed = f"{a} {b}"
                break
        if fixed is None:
            cutoff = 1 if len(token) <= 6 else 2
            matches = process.extract(
                token, self._long_vocab, scorer=Levenshtein.distance, score_cutoff=cutoff, limit=20
            )
            if matches:
                # the closest; among equals, a word of the procedures' names, then the most common one
                fixed = min(
                    matches,
                    key=lambda m: (m[1], m[0] not in self._df, -self._df.get(m[0], 0), m[0][0] != token[0]),
                )[0]
        self._correction_cache[token] = fixed
        return fixed.split() if fixed else [token]

    def normalise_query(self, query: str, *, phrase: bool = False) -> list[str]:
        """The query's words as the index reads them: shorthand expanded, typos corrected, "mất" read by its object
        (a lost paper adds "cấp lại" at the end, unless `phrase`: a name looked for word for word), a foreign
        country marked."""
        toks = expand_shorthand(words(query))
        out: list[str] = []
        for t in toks:
            out.extend(self._correct(t))
        read = _read_mat(
            _drop_cost_verb(out), damaged_paper(toks), add=not phrase, registered_again=register_gone(toks)
        )
        return _mark_foreign(read)

    # ---- scoring ----------------------------------------------------------------------------

    def _weight(self, token: str) -> float:
        w = self._idf.get(token, 0.0)
        if token in QUESTION_WORDS:
            w *= QUESTION_WORD_WEIGHT
        return w

    def _flat_weight(self, token: str) -> float:
        return 0.2 if token in QUESTION_WORDS else 1.0 + self._idf.get(token, 0.0)

    def search(self, query: str, *, limit: int = 5, field: str | None = None) -> list[SearchHit]:
        """The best `limit` procedures for the query (of one `field` if given), best first. A message is searched
        several times while it is answered (its resolution, the names it contains): the last results are kept."""
        return list(self._search_cached(query, limit, field))

    @cached_property
    def _search_cached(self):
        return lru_cache(maxsize=256)(lambda query, limit, field: tuple(self.search_uncached(query, limit, field)))

    def search_uncached(self, query: str, limit: int = 5, field: str | None = None) -> list[SearchHit]:
        """search() without keeping the results (what bench/search_latency.py times)."""
        q_tokens = self.normalise_query(query)
        q_set = set(q_tokens)
        asked = self.asked_forms(query)
        q_bigrams = _bigrams(q_tokens)
        q_weight = sum(self._weight(t) for t in q_set)
        if q_weight <= 0:
            return []
        field_key = fold(field) if field else None

        candidates: set[int] = set()
        for t in q_set:
            candidates.update(self._by_token.get(t, ()))

        best: dict[int, tuple[float, str]] = {}
        for ai in candidates:
            alias = self._aliases[ai]
            pi = alias.procedure_index
            p = self.procedures[pi]
            if field_key and fold(p.field) != field_key:
                continue
            a_set = set(alias.tokens)
            common = {t for t in a_set & q_set if same_word(t, asked, alias.forms)}
            # how fully this name appears in the question: every syllable of the name counts
            name_cov = sum(self._flat_weight(t) for t in common) / sum(self._flat_weight(t) for t in a_set)
            pairs = [b for b in alias.bigrams & q_bigrams if all(same_word(t, asked, alias.forms) for t in b)]
            pair_cov = len(pairs) / len(alias.bigrams) if alias.bigrams else name_cov
            phrase = (1 - PAIR_WEIGHT) * name_cov + PAIR_WEIGHT * pair_cov
            prev = best.get(pi)
            if prev is None or phrase > prev[0]:
                best[pi] = (phrase, alias.text)

        scored: dict[int, tuple[float, str, bool]] = {}
        for pi, (phrase, text) in best.items():
            p = self.procedures[pi]
            # how much of the question's specific words the procedure's names (all of them) explain …
            named = {t for t in q_set & self._names[pi] if same_word(t, asked, self._name_forms[p.code])}
            explained = sum(self._weight(t) for t in named) / q_weight
            # … and its conditions, documents and result (weaker evidence)
            described = sum(self._sidf.get(t, 0.0) for t in (q_set - QUESTION_WORDS) & self._secondary[pi])
            described = min(described / (q_weight + 1.0), 1.0)
            score = (
                W_PHRASE * phrase + W_EXPLAINED * explained + W_DESCRIBED * described + W_POPULAR * (p.popularity / 100)
            )
            scored[pi] = (score, text, phrase >= 0.999)
        _prefer_specific(scored, self._aliases_by_text)
        best = {pi: (score, text) for pi, (score, text, _) in scored.items()}

        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], -self.procedures[kv[0]].popularity))
        return [SearchHit(self.procedures[pi], round(min(score, 1.0), 4), text) for pi, (score, text) in ranked[:limit]]

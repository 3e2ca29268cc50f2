"""Vietnamese tokenizer: whitespace tokens whose lemma is the accent-free, lower-cased, expanded form.

Citizens type the same question with diacritics ("đăng ký khai sinh"), without them ("dang ky khai sinh"),
in decomposed Unicode (NFD, from some phones) or in Zalo shorthand ("dk khai sinh ko"). The tokenizer
normalises the text to NFC and keeps each token's surface text, and sets the token's lemma to its folded
form with shorthand expanded ("dk" -> "dang ky", "ko" -> "khong", "đc" -> "duoc"). Featurizers configured
with `use_lemma: true` then see identical features for all these spellings; a featurizer with
`use_lemma: false` still sees the original words.
"""

from __future__ import annotations

from typing import Any

from motcua.shorthand import load_shorthand
from motcua.text import fold, nfc
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

# Zalo / SMS shorthand and common abbreviations (folded form) -> folded words, shared with the catalogue search
# (motcua/shorthand.yaml; scripts/_env.sh puts that file in the model's fingerprint). A multi-word expansion is one
# token whose lemma has a space: the word-level count vectorizer then counts both words for it.
SHORTHAND: dict[str, str] = load_shorthand().expand


def lemma_of(word: str) -> str:
    """The featurizers' view of one token: folded, with shorthand expanded."""
    folded = fold(word)
    return SHORTHAND.get(folded, folded)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class VietnameseTokenizer(WhitespaceTokenizer):
    """WhitespaceTokenizer with NFC normalisation and accent-free, shorthand-expanded lemmas."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        config = WhitespaceTokenizer.get_default_config()
        # When false, lemmas stay equal to the token text (a plain WhitespaceTokenizer with NFC): for ablations.
        config["fold_lemmas"] = True
        return config

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute)
        if attribute == TEXT and isinstance(text, str):
            normalised = nfc(text)
            if normalised != text:
                # Entities found later (regex, DIET) point into the normalised text.
                message.set(attribute, normalised)
        tokens = super().tokenize(message, attribute)
        if self._config.get("fold_lemmas", True):
            for token in tokens:
                token.lemma = lemma_of(token.text)
        return tokens

"""Language identification of reasoning and answers (English / French).

Built on lingua (its models ship inside the wheel: nothing is downloaded at run time),
restricted to the languages the app supports. Finance French is full of English nouns ("le
spread bid-ask de cette obligation high yield"), which can tip an n-gram model to English; the
grammar words around them never change language. So lingua decides, except where the function
words (articles, prepositions, auxiliaries) make a clear case on their own, or are all of one
language in a short text ("Le cash-flow ?"). A one-word text is called only when the word is one
language's own ("Oui.", "Why?"); two or three words with no grammar word only when lingua is
near sure ("High risk.", "Risque élevé."). Formulas, code, quotations and the names of the bodies,
codes and papers an answer cites ("the Autorité des marchés financiers", "selon le Financial Times")
are left out. Text too short or too evenly mixed to call is "und". A paragraph is read as one: English reasoning that
drafts a sentence of its French answer thinks in English, so a bilingual reply is "mixed" only
when its languages hold paragraphs of their own. Accuracy on the labelled sets: bench/language_accuracy.py.
"""

from __future__ import annotations

import re
from functools import lru_cache

from workbench.notation import prose

SUPPORTED = ("en", "fr")
MIN_LETTERS = 12  # below this lingua alone is a guess
MIN_MARGIN = 0.2  # lingua confidence gap needed to call a language
# a short text needs a wider gap: "Net revenue: 1,210 million." is 0.6 French to lingua (revenu, million)
SHORT_LETTERS, SHORT_MARGIN = 30, 0.3
# two or three words with no grammar word ("High risk.", "Risque élevé."): lingua alone, when near sure
TINY_MARGIN = 0.8

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
FUNCTION_WORDS = {
    "en": {"the", "of", "and", "is", "are", "was", "were", "to", "in", "for", "on", "with", "this",
           "that", "these", "an", "by", "at", "it", "its", "be", "been", "has", "have", "did", "does",
           "what", "why", "how", "which", "who", "from", "into", "before", "after", "our", "their",
           "no", "not", "will", "would", "should", "can", "must", "you", "we", "i", "as", "than"},
    "fr": {"le", "la", "les", "un", "une", "des", "du", "de", "est", "sont", "et", "à", "au", "aux",
           "sur", "pour", "dans", "avec", "ce", "cette", "ces", "qui", "que", "par", "ont", "a",
           "été", "pas", "ne", "se", "son", "sa", "ses", "notre", "nos", "vous", "nous", "je",
           "il", "elle", "mais", "ou", "donc", "car", "après", "avant", "aucun", "aucune", "plus",
           "très", "quel", "quelle", "pourquoi", "comment"},
}
# one-word answers and questions that are one language's only: "Non." to an English question is an
# answer in French, "Pourquoi ?" a question in French
ONE_WORD = {"en": {"yes", "no", "nope", "yeah", "yep", "thanks", "sure", "certainly", "indeed", "absolutely", "exactly",
                   "agreed", "noted", "understood", "done", "why", "how", "what", "which", "who", "when", "where"},
            "fr": {"oui", "non", "si", "merci", "d'accord", "d’accord", "absolument", "exactement", "effectivement",
                   "évidemment", "certainement", "volontiers", "entendu", "pourquoi", "combien", "quoi", "quand",
                   "où"}}
# grammar words that are words of the other language too ("a swap", "on", "plus", "car", "son")
SHARED_WORDS = {"a", "an", "as", "on", "i", "plus", "car", "son", "est", "ou"}
FRENCH_ELISION = re.compile(r"^(l|d|qu|n|s|c|j|m|t)['’]", re.IGNORECASE)


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.FRENCH).build()


def language_scores(text: str) -> dict[str, float]:
    """lingua's confidence per supported language (sums to 1 when the text has letters)."""
    from lingua import Language

    names = {Language.ENGLISH: "en", Language.FRENCH: "fr"}
    values = _detector().compute_language_confidence_values(text)
    return {names[v.language]: float(v.value) for v in values if v.language in names}


def function_word_votes(text: str) -> dict[str, int]:
    """How many English and French grammar words (and French elisions: l', d', qu'…) the text has."""
    votes = {"en": 0, "fr": 0}
    for word in _WORD.findall(text.lower()):
        if FRENCH_ELISION.match(word):
            votes["fr"] += 1
            word = FRENCH_ELISION.sub("", word)
        for lang in SUPPORTED:
            votes[lang] += word in FUNCTION_WORDS[lang]
    return votes


def _clear_vote(votes: dict[str, int]) -> str | None:
    en, fr = votes["en"], votes["fr"]
    if max(en, fr) >= 2 and max(en, fr) >= 3 * min(en, fr) and en != fr:
        return "en" if en > fr else "fr"
    return None


# a Markdown quotation: "> An institution shall not incur an exposure…"
_QUOTED = re.compile(r"^ {0,3}>.*$", re.MULTILINE)
# the names of the bodies, codes and papers an answer on finance cites in their own language: "the
# Autorité de contrôle prudentiel et de résolution fined the bank" is English, "selon le Financial
# Times" French (their grammar words are the name's, not the writer's)
_NAMES = re.compile(
    r"\b(?:Autorité (?:de contrôle prudentiel et de résolution|des marchés financiers|de la concurrence)|"
    r"Banque (?:de France|centrale européenne|publique d'investissement)|Caisse des dépôts(?: et consignations)?|"
    r"Code (?:monétaire et financier|de commerce|général des impôts|civil|pénal)|Conseil d'État|"
    r"Cour (?:de cassation|des comptes|d'appel de Paris)|Journal officiel(?: de la République française)?|"
    r"Direction générale des finances publiques|Haut Conseil de stabilité financière|Trésor public|"
    r"Le Monde|Les Échos|Le Figaro|La Tribune|L'Agefi|"
    r"Financial Times|Wall Street Journal|The Economist|Bank of England|Federal Reserve(?: Board)?|"
    r"European (?:Central Bank|Banking Authority|Securities and Markets Authority|Commission)|"
    r"Financial (?:Conduct|Stability) (?:Authority|Board)|Prudential Regulation Authority|"
    r"Securities and Exchange Commission|Basel Committee on Banking Supervision|"
    r"Financial Action Task Force|Bank for International Settlements)\b")


def _own_words(text: str) -> str:
    """`text` without its formulas and code blocks (workbench.notation: their words are notation)
    and, where it has words of its own, without what it quotes and the names of the bodies, codes
    and papers it cites (_NAMES): a French answer that quotes an English regulation word for word
    is in French."""
    text = prose(text)
    unquoted = _NAMES.sub(" ", _QUOTED.sub(" ", text))
    return unquoted if _WORD.search(unquoted) else text


def detect_language(text: str) -> str:
    """"en", "fr", or "und" when the text is too short or too mixed to call. Its formulas and code
    blocks, and what it quotes (see _own_words), are left out."""
    return _prose_language(_own_words(text or ""))


def _prose_language(text: str) -> str:
    """detect_language of a text already without its notation."""
    words = _WORD.findall(text)
    letters = sum(len(w) for w in words)
    if len(words) == 1 and not re.search(r"\d", text):
        word = words[0].lower()
        return next((lang for lang in SUPPORTED if word in ONE_WORD[lang]), "und")
    if letters < 6 or len(words) < 2:
        return "und"
    votes = function_word_votes(text)
    by_grammar = _clear_vote(votes)
    if by_grammar is not None:
        return by_grammar
    if letters < SHORT_LETTERS and (by_grammar := _one_sided(text)):
        return by_grammar  # "Le spread bid-ask ?" is French, whatever n-grams make of its jargon
    scores = language_scores(text)
    en, fr = scores.get("en", 0.0), scores.get("fr", 0.0)
    if letters < MIN_LETTERS:
        return ("en" if en > fr else "fr") if abs(en - fr) >= TINY_MARGIN else "und"
    if abs(en - fr) < (SHORT_MARGIN if letters < SHORT_LETTERS else MIN_MARGIN):
        return _lone_vote(votes)
    return "en" if en > fr else "fr"


def _one_sided(text: str) -> str | None:
    """The language whose grammar words a short text has, when it has none of the other's and
    none that both languages share: "Le cash-flow ?" (lingua: English, 92%), "What's the P/E?"."""
    lang = _lone_vote(function_word_votes(" ".join(w for w in _WORD.findall(text) if w.lower() not in SHARED_WORDS)))
    return None if lang == "und" else lang


def _lone_vote(votes: dict[str, int]) -> str:
    """Where lingua cannot tell, grammar words of one language only, and none of the other, call
    it: "Revenue rose 12% to 1,210 million." reads as French to n-grams (revenu, rose, million),
    and its one "to" settles it."""
    en, fr = votes["en"], votes["fr"]
    if (en == 0) == (fr == 0):
        return "und"
    return "en" if en else "fr"


# a line that is a statement of its own: no list marker, table row or heading before it, a full stop or
# an exclamation mark after it (a question on a line of its own is most often the user's, quoted)
_MOST_LINES = 12  # a reply said twice in one paragraph is short; a longer run of lines is read as one text
_SENTENCE_LINE = re.compile(r"^(?![\s>]*(?:[-*+•|#]|\d+[.)]\s))[^\n]*[.!]\s*$")


def _lines_apart(paragraph: str) -> bool:
    """Whether a paragraph of statements one a line says them in one language and then in the other
    ("Risk: medium.\nRisque : moyen."): two runs of lines, each in one language. A list, a table, a
    line that is a question or has no end punctuated, or a line of the other language between two
    of the first (a sentence quoted in a reasoning) is none."""
    lines = [line for line in paragraph.splitlines() if line.strip()]
    if not 2 <= len(lines) <= _MOST_LINES or not all(_SENTENCE_LINE.match(line) for line in lines):
        return False
    said = [lang for lang in map(_prose_language, lines) if lang != "und"]
    runs = [lang for i, lang in enumerate(said) if i == 0 or lang != said[i - 1]]
    return len(runs) == 2


@lru_cache(maxsize=128)  # records and chat turns are built again at each update (keys are whole texts)
def part_language(text: str) -> str:
    """"en", "fr", "mixed" (paragraphs in both, as System B's bilingual refusal, or one paragraph's
    lines said in one and then the other: _lines_apart), "und" (too short or too mixed within a
    paragraph to call) or "none" (no text). A paragraph that is only a formula, a code block or a
    quotation is not one that could be in the answer's language."""
    if not text.strip():
        return "none"
    text = _own_words(text)
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    found = [_prose_language(p) for p in paragraphs]
    if len(set(found) - {"und"}) > 1 or any(_lines_apart(p) for p in paragraphs):
        return "mixed"
    return found[0] if len(found) == 1 else _prose_language(text)  # one paragraph: already known

"""The vocabulary of name words, and misspelt words of a search corrected against it.

Vietnamese names are built from a small vocabulary — family names, middle names, given
names, the Khmer names of the South: a few thousand distinct words once folded (lower case,
no diacritics). MemberNameWord keeps those words; a search word that no name word contains
is a misspelling, and `corrections` finds the closest real spellings: the search then runs
again with them (hoiso.members.selectors), an exact search on the members' indexes instead
of a similarity ranking of the whole names, which at a million members read the posting
lists of trigrams as common as "ngu" and "thi" (0.3–0.7 s).

The services that write names call `remember_words` (one INSERT … ON CONFLICT DO
NOTHING): the vocabulary grows as names are written; a word nobody bears any more stays
until the next recount. Migration 0006 filled it from the records with how many names bear
each word, and `recount` (`manage.py members_name_words`) does so again — after rows were
loaded by other means, and nightly, say — refreshing the counts that rank equally close
spellings and removing the words of anonymised names (a new word starts at 1; counting on
every admission would make "thi" a row every admission in the country waits for).

Closeness is the edit distance (Damerau's, transpositions counting one: "lna" is one step
from "lan"), the same on PostgreSQL and SQLite: trigram similarity of a single word does
not survive a typo in a short word ("lna"/"lan" share one trigram of seven, 0.14).
"""

from __future__ import annotations

import difflib
import string
from collections import Counter
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import Length

from hoiso.core.text import fold
from hoiso.members.models import Member, MemberNameWord

# A misspelt word is replaced by at most this many spellings (all at the smallest distance).
SPELLINGS = 3

_LETTERS = string.ascii_lowercase


def words_of(names: Iterable[str]) -> set[str]:
    """The distinct folded words of `names` (full names, folded or not), those with a
    letter or digit (not the dash an anonymised name is)."""
    return {word for name in names for word in fold(name).split() if _is_word(word)}


def _is_word(word: str) -> bool:
    return any(ch.isalnum() for ch in word)


def remember_words(names: Iterable[str]) -> None:
    """Add the words of `names` to the vocabulary: one INSERT … ON CONFLICT DO NOTHING.

    Call it where names are written, in the same transaction. Words are inserted in order,
    so two transactions adding the same new words wait for each other instead of
    deadlocking."""
    words = sorted(words_of(names))
    if words:
        MemberNameWord.objects.bulk_create(
            [MemberNameWord(word=w) for w in words], ignore_conflicts=True
        )


def recount() -> int:
    """Every word of every member's name with how many names bear it (as migration 0006
    filled them), and the words no name bears any more removed — a name anonymised at her
    request or corrected leaves no word of its own behind. Returns the number of words."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(RECOUNT_SQL)
        return MemberNameWord.objects.count()
    names = Member.objects.values_list("name_folded", flat=True)
    counted = Counter(
        w for name in names.iterator(chunk_size=10_000) for w in name.split() if _is_word(w)
    )
    gone = set(MemberNameWord.objects.values_list("word", flat=True)) - counted.keys()
    MemberNameWord.objects.filter(word__in=sorted(gone)).delete()
    MemberNameWord.objects.bulk_create(
        [MemberNameWord(word=w, members=n) for w, n in sorted(counted.items())],
        update_conflicts=True, unique_fields=["word"], update_fields=["members"],
    )  # fmt: skip
    return len(counted)


# The words of the folded names with their counts, in one statement (PostgreSQL): the
# DELETE and the INSERT see the same snapshot and touch different words.
RECOUNT_SQL = """
    WITH counted AS (
        SELECT word, count(*) AS members
        FROM members_member, regexp_split_to_table(name_folded, ' ') AS word
        WHERE word ~ '[[:alnum:]]'  -- not the dash of an anonymised name
        GROUP BY word
    ), gone AS (
        DELETE FROM members_membernameword AS known
        WHERE NOT EXISTS (SELECT 1 FROM counted WHERE counted.word = known.word)
    )
    INSERT INTO members_membernameword (word, members)
    SELECT word, members FROM counted ORDER BY word
    ON CONFLICT (word) DO UPDATE SET members = EXCLUDED.members
"""


def corrections(words: list[str]) -> dict[str, list[str]]:
    """For each of `words` (folded) that no name word contains, its closest spellings.

    A word some name word contains ("ngu", "lan") is left alone: it is part of a name, and
    the search takes words as parts of names. The others map to up to SPELLINGS name words
    at the smallest edit distance found (one step for a word of up to four letters, two for
    a longer one), the likeliest first; to [] when nothing is that close. Two queries on the
    vocabulary, none on the members."""
    unknown = _unknown(words)
    if not unknown:
        return {}
    pool = _candidates(unknown)
    return {word: _closest(word, pool) for word in unknown}


def _unknown(words: list[str]) -> list[str]:
    """The words that no name word contains (one pass over the vocabulary)."""
    distinct = list(dict.fromkeys(words))
    found = MemberNameWord.objects.aggregate(
        **{f"w{i}": Count("pk", filter=Q(word__contains=w)) for i, w in enumerate(distinct)}
    )
    return [w for i, w in enumerate(distinct) if not found[f"w{i}"]]


def _candidates(words: list[str]) -> dict[str, int]:
    """Name words that may be close to one of `words`: one step away (looked up exactly,
    through the unique index), or, for a long word, starting with the same letter and of
    about the same length (two steps away)."""
    close = Q(word__in=sorted({v for w in words for v in _one_step(w)}))
    for word in words:
        if _max_distance(word) > 1:
            close |= Q(
                word__startswith=word[0],
                length__gte=len(word) - 2,
                length__lte=len(word) + 2,
            )
    rows = MemberNameWord.objects.annotate(length=Length("word")).filter(close)
    return dict(rows.values_list("word", "members"))


def _one_step(word: str) -> set[str]:
    """Every string one edit from `word`: a letter left out, added, changed, or two
    neighbours swapped."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    out |= {a + c + b for a, b in splits for c in _LETTERS}
    out.discard(word)
    out.discard("")
    return out


def _max_distance(word: str) -> int:
    """One slip in a short word already changes a quarter of it; long words allow two."""
    return 1 if len(word) <= 4 else 2


def _closest(word: str, pool: dict[str, int]) -> list[str]:
    """Up to SPELLINGS words of `pool` (word → members bearing it) at the smallest distance
    from `word` (within its limit), the likeliest first: the commonest, a swap or a doubled
    key counting four times as likely as another slip (see _slip), then the most alike."""
    limit = _max_distance(word)
    scored = []
    for other, members in pool.items():
        if abs(len(other) - len(word)) > limit:
            continue
        distance = edit_distance(word, other, limit)
        if distance <= limit:
            likely = members * (4 if _slip(word, other) == 0 else 1)
            alike = difflib.SequenceMatcher(None, word, other).ratio()
            scored.append((distance, -likely, -alike, other))
    if not scored:
        return []
    best = min(s[0] for s in scored)
    return [s[3] for s in sorted(s for s in scored if s[0] == best)[:SPELLINGS]]


def _slip(typed: str, other: str) -> int:
    """What slip turns `other` into `typed`: 0, two letters swapped ("lna" for "lan") or a
    key struck twice ("lann"); 1, a wrong key (same length); 2, a letter left out or added."""
    if len(typed) == len(other):
        return 0 if sorted(typed) == sorted(other) else 1
    if len(typed) == len(other) + 1:
        for i in range(1, len(typed)):
            if typed[i] == typed[i - 1] and typed[:i] + typed[i + 1 :] == other:
                return 0
    return 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau–Levenshtein distance (optimal string alignment), or limit + 1 once it is
    certain to exceed `limit`."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]

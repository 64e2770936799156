"""CategoricalVocabulary: categories (words) to ids, id 0 for the unknown token, as TF 1.15.

Its attributes keep TF 1.15's names (`_mapping`, `_freq`, ...): a VocabularyProcessor pickled
by TF 1.15 restores into this class and keeps its ids.
"""

import collections


class CategoricalVocabulary:
    """Ids for categories in order of first sight; `trim` renumbers them by frequency.

    >>> v = CategoricalVocabulary(); [v.get(w) for w in ("a", "b", "a")], len(v)
    ([1, 2, 1], 3)
    """

    def __init__(self, unknown_token="<UNK>", support_reverse=True):
        self._unknown_token = unknown_token
        self._mapping = {unknown_token: 0}
        self._support_reverse = support_reverse
        if support_reverse:
            self._reverse_mapping = [unknown_token]
        self._freq = collections.defaultdict(int)
        self._freeze = False

    def __len__(self):
        """The number of ids, the unknown token's included."""
        return len(self._mapping)

    def freeze(self, freeze=True):
        """Once frozen, `get` answers 0 (unknown) for a new category instead of adding it."""
        self._freeze = freeze

    def get(self, category):
        """The category's id, adding it with the next id when new and not frozen."""
        if category not in self._mapping:
            if self._freeze:
                return 0
            self._mapping[category] = len(self._mapping)
            if self._support_reverse:
                self._reverse_mapping.append(category)
        return self._mapping[category]

    def add(self, category, count=1):
        """Counts `count` sightings of the category (none for the unknown token)."""
        if self.get(category) > 0:
            self._freq[category] += count

    def trim(self, min_frequency, max_frequency=-1):
        """Keeps categories seen more than `min_frequency` times (and, when `max_frequency` > 0,
        fewer than it), renumbered 1..n by descending count, ties in ascending order."""
        # ties: non-strings before strings, each ascending; the count sort is stable
        by_name = sorted(self._freq.items(), key=lambda kv: (isinstance(kv[0], str), kv[0]))
        ranked = sorted(by_name, key=lambda kv: kv[1], reverse=True)
        self._mapping = {self._unknown_token: 0}
        if self._support_reverse:
            self._reverse_mapping = [self._unknown_token]
        for category, count in ranked:
            if 0 < max_frequency <= count:
                continue
            if count <= min_frequency:
                break
            self._mapping[category] = len(self._mapping)
            if self._support_reverse:
                self._reverse_mapping.append(category)
        # TF keeps the first len(kept) counts of the ranking, skipped frequent ones included
        self._freq = dict(ranked[:len(self._mapping) - 1])

    def reverse(self, class_id):
        """The category with id `class_id`."""
        if not self._support_reverse:
            raise ValueError("This vocabulary wasn't initalized with support_reverse to "
                             "support reverse() function.")
        return self._reverse_mapping[class_id]

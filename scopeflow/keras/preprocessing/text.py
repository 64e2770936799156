"""`tf.keras.preprocessing.text`: legacy Keras' word splitting, hashing and `Tokenizer`
(a vocabulary by frequency, texts to index sequences or count / tf-idf matrices, JSON).

>>> text_to_word_sequence("The cat, the hat!")
['the', 'cat', 'the', 'hat']
"""

import collections
import hashlib
import json
import warnings

import numpy as np

FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def text_to_word_sequence(input_text, filters=FILTERS, lower=True, split=" "):
    """The words of a text: lowercased, each character of `filters` made a `split`, the
    empty pieces dropped."""
    if lower:
        input_text = input_text.lower()
    pieces = input_text.translate(str.maketrans({c: split for c in filters})).split(split)
    return [p for p in pieces if p]


def one_hot(input_text, n, filters=FILTERS, lower=True, split=" ", analyzer=None):
    """Each word's `hash(word) % (n - 1) + 1` (Python's salted string hash, as Keras)."""
    return hashing_trick(input_text, n, hash_function=hash, filters=filters, lower=lower,
                         split=split, analyzer=analyzer)


def hashing_trick(text, n, hash_function=None, filters=FILTERS, lower=True, split=" ",
                  analyzer=None):
    """Each word's `hash_function(word) % (n - 1) + 1`; `"md5"` hashes the word's UTF-8
    bytes by MD5 (stable from run to run), None is Python's `hash`."""
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":
        def hash_function(word):
            return int(hashlib.md5(word.encode()).hexdigest(), 16)
    words = text_to_word_sequence(text, filters=filters, lower=lower, split=split) \
        if analyzer is None else analyzer(text)
    return [hash_function(w) % (n - 1) + 1 for w in words]


class Tokenizer:
    """A vocabulary fit on texts: `word_index` numbers the words from 1 by falling count
    (the `oov_token` first when given), and `texts_to_sequences` / `texts_to_matrix` encode
    texts with the `num_words - 1` most frequent."""

    def __init__(self, num_words=None, filters=FILTERS, lower=True, split=" ",
                 char_level=False, oov_token=None, analyzer=None, **kwargs):
        if "nb_words" in kwargs:
            warnings.warn("The `nb_words` argument in `Tokenizer` has been renamed "
                          "`num_words`.")
            num_words = kwargs.pop("nb_words")
        document_count = kwargs.pop("document_count", 0)
        if kwargs:
            raise TypeError("Unrecognized keyword arguments: " + str(kwargs))
        self.word_counts = collections.OrderedDict()
        self.word_docs = collections.defaultdict(int)
        self.filters, self.split, self.lower = filters, split, lower
        self.num_words, self.document_count = num_words, document_count
        self.char_level, self.oov_token = char_level, oov_token
        self.index_docs = collections.defaultdict(int)
        self.word_index, self.index_word = {}, {}
        self.analyzer = analyzer

    def _tokens(self, text):
        """A text's tokens: its characters (char_level) or a given list's items, lowercased
        if `lower`; else its words."""
        if self.char_level or isinstance(text, list):
            if not self.lower:
                return text
            return [t.lower() for t in text] if isinstance(text, list) else text.lower()
        if self.analyzer is not None:
            return self.analyzer(text)
        return text_to_word_sequence(text, filters=self.filters, lower=self.lower,
                                     split=self.split)

    def fit_on_texts(self, texts):
        for text in texts:
            self.document_count += 1
            tokens = self._tokens(text)
            for w in tokens:
                self.word_counts[w] = self.word_counts.get(w, 0) + 1
            for w in set(tokens):
                self.word_docs[w] += 1
        # a stable sort: equal counts keep their first appearance's order
        by_count = sorted(self.word_counts.items(), key=lambda wc: wc[1], reverse=True)
        vocab = ([] if self.oov_token is None else [self.oov_token]) + [w for w, _ in by_count]
        self.word_index = {w: i for i, w in enumerate(vocab, 1)}
        self.index_word = {i: w for w, i in self.word_index.items()}
        for w, c in list(self.word_docs.items()):
            self.index_docs[self.word_index[w]] = c

    def fit_on_sequences(self, sequences):
        self.document_count += len(sequences)
        for seq in sequences:
            for i in set(seq):
                self.index_docs[i] += 1

    def texts_to_sequences(self, texts):
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts):
        for text in texts:
            yield self._coded(self._tokens(text), self.word_index, lambda w, i: i, lambda o: o)

    def sequences_to_texts(self, sequences):
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences):
        for seq in sequences:
            yield " ".join(self._coded(seq, self.index_word, lambda num, w: num,
                                       lambda o: self.index_word[o]))

    def _coded(self, items, table, index, oov_item):
        """Each item looked up in `table`; unknown ones become the oov_token's item when
        there is an oov_token, those of an index past `num_words` when it was fit."""
        oov = self.word_index.get(self.oov_token)
        out = []
        for item in items:
            found = table.get(item)
            if found is None or self.num_words and index(item, found) >= self.num_words:
                if (self.oov_token if found is None else oov) is not None:
                    out.append(oov_item(oov))
            else:
                out.append(found)
        return out

    def texts_to_matrix(self, texts, mode="binary"):
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode="binary"):
        """A float64 `[len(sequences), num_words]` matrix of each index's binary, count,
        frequency or tf-idf (`(1 + log c) * log(1 + docs / (1 + docs with it))`) value."""
        if self.num_words:
            width = self.num_words
        elif self.word_index:
            width = len(self.word_index) + 1
        else:
            raise ValueError("Specify a dimension (`num_words` argument), or fit on some text "
                             "data first.")
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Fit the Tokenizer on some data before using tfidf mode.")
        out = np.zeros((len(sequences), width))
        for row, seq in enumerate(sequences):
            if not seq:
                continue
            counts = collections.Counter(j for j in seq if j < width)
            for j, c in counts.items():
                if mode == "count":
                    out[row][j] = c
                elif mode == "freq":
                    out[row][j] = c / len(seq)
                elif mode == "binary":
                    out[row][j] = 1
                elif mode == "tfidf":
                    idf = np.log(1 + self.document_count / (1 + self.index_docs.get(j, 0)))
                    out[row][j] = (1 + np.log(c)) * idf
                else:
                    raise ValueError("Unknown vectorization mode:", mode)
        return out

    def get_config(self):
        return {"num_words": self.num_words, "filters": self.filters, "lower": self.lower,
                "split": self.split, "char_level": self.char_level,
                "oov_token": self.oov_token, "document_count": self.document_count,
                "word_counts": json.dumps(self.word_counts),
                "word_docs": json.dumps(self.word_docs),
                "index_docs": json.dumps(self.index_docs),
                "index_word": json.dumps(self.index_word),
                "word_index": json.dumps(self.word_index)}

    def to_json(self, **kwargs):
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()},
                          **kwargs)


def tokenizer_from_json(json_string):
    """A `Tokenizer` from `to_json`'s text (index keys back to ints)."""
    config = json.loads(json_string).get("config")
    state = {k: json.loads(config.pop(k)) for k in
             ("word_counts", "word_docs", "index_docs", "index_word", "word_index")}
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts, tokenizer.word_docs = state["word_counts"], state["word_docs"]
    tokenizer.index_docs = {int(k): v for k, v in state["index_docs"].items()}
    tokenizer.index_word = {int(k): v for k, v in state["index_word"].items()}
    tokenizer.word_index = state["word_index"]
    return tokenizer

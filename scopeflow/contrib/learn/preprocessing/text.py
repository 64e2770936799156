"""VocabularyProcessor, ByteProcessor and the default tokenizer of TF 1.15's
`tf.contrib.learn.preprocessing`, with its file format (a pickle of the processor).

`restore` also reads processors that TF 1.15 saved: their pickles name TF's module paths,
which are read as this package.
"""

import io
import itertools
import pickle
import re

import numpy as np

from scopeflow.contrib.learn.preprocessing.categorical_vocabulary import CategoricalVocabulary
from scopeflow.io import gfile

# TF 1.15's tokens: runs of capitals (not starting a capitalized word), a capitalized word
# followed by a capital, else runs of word characters, apostrophes and hyphens
TOKENIZER_RE = re.compile(r"[A-Z]{2,}(?![a-z])|[A-Z][a-z]+(?=[A-Z])|['\w\-]+", re.UNICODE)
_TF_PACKAGE = "tensorflow.contrib.learn.python.learn.preprocessing"


def tokenizer(iterator):
    """Yields the list of tokens of each string.

    >>> list(tokenizer(["It's a well-known ABCd fooBar."]))
    [["It's", 'a', 'well-known', 'AB', 'Cd', 'fooBar']]
    """
    for value in iterator:
        yield TOKENIZER_RE.findall(value)


class ByteProcessor:
    """Documents to their utf-8 bytes, cut or zero-padded to `max_document_length`."""

    def __init__(self, max_document_length):
        self.max_document_length = max_document_length

    def fit(self, x):
        """Nothing to learn."""

    def fit_transform(self, x):
        return self.transform(x)

    def reverse(self, x):
        """Yields the text of each byte row, trailing zeros dropped ('' if not utf-8)."""
        for data in x:
            document = np.trim_zeros(data.astype(np.int8), trim="b").tobytes()
            try:
                yield document.decode("utf-8")
            except UnicodeDecodeError:
                yield ""

    def transform(self, x):
        """Yields a uint8 row of `max_document_length` bytes per document (str or bytes)."""
        for document in x:
            if isinstance(document, str):
                document = document.encode("utf-8")
            row = np.frombuffer(memoryview(document)[:self.max_document_length], dtype=np.uint8)
            yield np.pad(row, (0, self.max_document_length - len(row)), "constant")


class VocabularyProcessor:
    """Documents to rows of word ids: fit a vocabulary, transform documents, reverse ids.

    >>> vp = VocabularyProcessor(3, min_frequency=1)
    >>> [r.tolist() for r in vp.fit_transform(["a b a", "b c"])], len(vp.vocabulary_)
    ([[1, 2, 1], [2, 0, 0]], 3)
    """

    def __init__(self, max_document_length, min_frequency=0, vocabulary=None,
                 tokenizer_fn=None):
        self.max_document_length = max_document_length
        self.min_frequency = min_frequency
        self.vocabulary_ = vocabulary if vocabulary else CategoricalVocabulary()
        self._tokenizer = tokenizer_fn if tokenizer_fn else tokenizer

    def fit(self, raw_documents, unused_y=None):
        """Adds the documents' tokens to the vocabulary, trims it, freezes it; returns self."""
        for tokens in self._tokenizer(raw_documents):
            for token in tokens:
                self.vocabulary_.add(token)
        if self.min_frequency > 0:
            self.vocabulary_.trim(self.min_frequency)
        self.vocabulary_.freeze()
        return self

    def fit_transform(self, raw_documents, unused_y=None):
        """`fit`, then `transform` of the same documents (a generator is spent by `fit`)."""
        self.fit(raw_documents)
        return self.transform(raw_documents)

    def transform(self, raw_documents):
        """Yields an int64 row of `max_document_length` word ids per document, 0-padded."""
        for tokens in self._tokenizer(raw_documents):
            word_ids = np.zeros(self.max_document_length, np.int64)
            for idx, token in enumerate(
                    itertools.islice(tokens, self.max_document_length)):
                word_ids[idx] = self.vocabulary_.get(token)
            yield word_ids

    def reverse(self, documents):
        """Yields each row of ids as its words joined by spaces (0 gives '<UNK>')."""
        for item in documents:
            yield " ".join(self.vocabulary_.reverse(class_id) for class_id in item)

    def save(self, filename):
        """Writes the processor to `filename` as a pickle."""
        with gfile.GFile(filename, "wb") as f:
            f.write(pickle.dumps(self))

    @classmethod
    def restore(cls, filename):
        """The processor saved in `filename` (by scopeflow or by TF 1.15)."""
        with gfile.GFile(filename, "rb") as f:
            return _Unpickler(io.BytesIO(f.read())).load()


class _Unpickler(pickle.Unpickler):
    """Reads TF 1.15's module paths (`...learn.python.learn.preprocessing.text`) as ours."""

    def find_class(self, module, name):
        if module == _TF_PACKAGE or module.startswith(_TF_PACKAGE + "."):
            module = __package__ + module[len(_TF_PACKAGE):]
        return super().find_class(module, name)

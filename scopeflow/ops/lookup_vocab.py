"""`tf.lookup.StaticVocabularyTable` (TF1's V1): a static table of int64 ids whose missing keys
take one of `num_oov_buckets` ids after the vocabulary, by the key's FarmHash bucket.

>>> import scopeflow as tf
>>> init = tf.lookup.KeyValueTensorInitializer(["a", "b"], tf.constant([0, 1], tf.int64))
>>> t = StaticVocabularyTable(init, 3)
>>> ids = t.lookup(tf.constant(["b", "zz"]))
>>> with tf.Session() as s:
...     _ = s.run(t.initializer)
...     s.run(ids).tolist()
[1, 3]
"""

from scopeflow import dtypes as _dt
from scopeflow.ops.lookup_ops import IdTableWithHashBuckets, StaticHashTable


class StaticVocabularyTable(IdTableWithHashBuckets):
    """Vocabulary ids from `initializer` (int64 values), out-of-vocabulary keys hashed into
    `num_oov_buckets` buckets numbered after it."""

    def __init__(self, initializer, num_oov_buckets, lookup_key_dtype=None, name=None,
                 experimental_is_anonymous=False):
        if num_oov_buckets <= 0:
            raise ValueError("`num_oov_buckets` must be > 0; use StaticHashTable.")
        if name:
            name = name.rstrip("/")
        if initializer is None:  # (hash buckets only, over string keys)
            raise NotImplementedError("StaticVocabularyTable without an initializer")
        key_dtype = initializer.key_dtype
        lookup_key_dtype = _dt.as_dtype(lookup_key_dtype or key_dtype)
        if key_dtype not in (_dt.int64, _dt.string):
            raise TypeError("Invalid `key_dtype`, expected one of %s, but got %s."
                            % ((_dt.int64, _dt.string), key_dtype))
        if key_dtype.is_integer != lookup_key_dtype.is_integer:
            raise TypeError("Invalid `key_dtype`, expected %s but got %s." % (
                "integer" if lookup_key_dtype.is_integer else "non-integer", key_dtype))
        if initializer.value_dtype != _dt.int64:
            raise TypeError("Invalid `value_dtype`, expected %s but got %s."
                            % (_dt.int64, initializer.value_dtype))
        table = StaticHashTable(initializer, default_value=-1)
        super().__init__(table, num_oov_buckets, lookup_key_dtype)
        self._name = (name or table.name).split("/")[-1]

    name = property(lambda self: self._name)

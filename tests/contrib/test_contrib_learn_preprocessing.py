"""tf.contrib.learn.preprocessing (VocabularyProcessor, CategoricalVocabulary, ByteProcessor,
CategoricalProcessor) as TF 1.15. TF 2.21 has no contrib, so the expected ids below are TF 1.15's
results worked out from its rules (ids in order of first sight; `trim` keeps counts above
min_frequency, ranked by count, ties non-strings first then ascending), and the TF-written file
is a pickle naming TF 1.15's classes, as its `save` writes it."""

import os
import pickle
import subprocess
import sys
import types

import numpy as np
import pytest

import scopeflow.compat.v1 as tf
from scopeflow.contrib.learn import preprocessing as pp

DOCS = ["I like cats.", "I like dogs and cats", "Dogs bark"]
TF_TEXT = "tensorflow.contrib.learn.python.learn.preprocessing.text"
TF_VOCAB = "tensorflow.contrib.learn.python.learn.preprocessing.categorical_vocabulary"


def rows(it):
    return [r.tolist() for r in it]


def test_tokenizer_splits_as_tf():
    out = list(pp.tokenizer(["It's a well-known ABCd fooBar, HTTPServer x_1!", ""]))
    assert out == [["It's", "a", "well-known", "AB", "Cd", "fooBar", "HTTP", "Server", "x_1"],
                   []]


def test_vocabulary_processor_ids_in_order_of_first_sight():
    vp = tf.contrib.learn.preprocessing.VocabularyProcessor(4)
    out = list(vp.fit_transform(DOCS))
    assert rows(out) == [[1, 2, 3, 0], [1, 2, 4, 5], [6, 7, 0, 0]]
    assert all(r.dtype == np.int64 and r.shape == (4,) for r in out)
    assert len(vp.vocabulary_) == 8  # <UNK> and the 7 words ("dogs" and "Dogs" differ)
    assert rows(vp.transform(["cats like unseen"])) == [[3, 2, 0, 0]]  # frozen after fit
    assert list(vp.reverse([[6, 7, 0, 0]])) == ["Dogs bark <UNK> <UNK>"]


def test_vocabulary_processor_min_frequency_ranks_by_count():
    vp = pp.VocabularyProcessor(4, min_frequency=1).fit(DOCS)
    # counts I, like, cats: 2 (kept, ranked alphabetically); the rest 1 (<= min_frequency)
    assert rows(vp.transform(DOCS)) == [[1, 3, 2, 0], [1, 3, 0, 0], [0, 0, 0, 0]]
    assert vp.vocabulary_._mapping == {"<UNK>": 0, "I": 1, "cats": 2, "like": 3}
    assert vp.vocabulary_._freq == {"I": 2, "cats": 2, "like": 2}


def test_vocabulary_processor_given_vocabulary_and_tokenizer():
    vocab = pp.CategoricalVocabulary()
    vocab.get("z")
    vp = pp.VocabularyProcessor(2, vocabulary=vocab,
                                tokenizer_fn=lambda docs: (d.split(",") for d in docs))
    vp.fit(["z,y"])
    assert vp.vocabulary_ is vocab
    assert rows(vp.transform(["y,z,q", "q"])) == [[2, 1], [0, 0]]


def test_fit_transform_of_a_generator_is_spent_by_fit():
    vp = pp.VocabularyProcessor(3)
    assert list(vp.fit_transform(d for d in DOCS)) == []
    assert len(vp.vocabulary_) == 8


def test_categorical_vocabulary_trim_with_max_frequency_and_mixed_keys():
    v = pp.CategoricalVocabulary()
    for word, n in (("the", 3), ("a", 2), ("b", 1), ("c", 2)):
        v.add(word, n)
    v.trim(1, max_frequency=3)
    assert v._mapping == {"<UNK>": 0, "a": 1, "c": 2}
    assert v._freq == {"the": 3, "a": 2}  # TF keeps the ranking's first two counts
    assert [v.reverse(i) for i in range(3)] == ["<UNK>", "a", "c"]
    m = pp.CategoricalVocabulary(unknown_token="?")
    for key in (5, "x", 3, "x"):
        m.add(key)
    m.trim(0)
    assert m._reverse_mapping == ["?", "x", 3, 5]


def test_categorical_vocabulary_freeze_and_no_reverse():
    v = pp.CategoricalVocabulary(support_reverse=False)
    v.add("a")
    v.freeze()
    v.add("new")
    assert (v.get("a"), v.get("new"), len(v), dict(v._freq)) == (1, 0, 2, {"a": 1})
    with pytest.raises(ValueError, match=r"^This vocabulary wasn't initalized with "
                       r"support_reverse to support reverse\(\) function\.$"):
        v.reverse(0)


def test_byte_processor():
    bp = pp.ByteProcessor(5)
    out = list(bp.fit_transform(["abc", b"hello world", "\u00e9"]))
    assert rows(out) == [[97, 98, 99, 0, 0], [104, 101, 108, 108, 111], [195, 169, 0, 0, 0]]
    assert out[0].dtype == np.uint8
    assert list(bp.reverse(out + [np.array([255, 0, 0, 0, 0], np.uint8)])) == [
        "abc", "hello", "\u00e9", ""]


def test_categorical_processor():
    nan = float("nan")
    cp = pp.CategoricalProcessor()
    assert rows(cp.fit_transform([["a", 1], ["b", nan], ["a", 2]])) == [[1, 1], [2, 0], [1, 2]]
    assert rows(cp.transform([["c", 2]])) == [[0, 2]]
    shared = pp.CategoricalProcessor(share=True).fit([["a", "b"], ["b", "c"]])
    assert shared.vocabularies_[0] is shared.vocabularies_[1]
    assert rows(shared.transform([["c", "a"]])) == [[3, 1]]
    f32_nan = pp.CategoricalProcessor().fit([[np.float32("nan")]])
    assert len(f32_nan.vocabularies_[0]) == 2  # TF counts a float32 NaN as a category


def test_save_restore_round_trip(tmp_path):
    vp = pp.VocabularyProcessor(4, min_frequency=1).fit(DOCS)
    path = str(tmp_path / "vocab")
    vp.save(path)
    back = pp.VocabularyProcessor.restore(path)
    assert type(back) is pp.VocabularyProcessor and back is not vp
    assert rows(back.transform(DOCS)) == rows(vp.transform(DOCS))
    assert back.max_document_length == 4 and back.min_frequency == 1


def _tf_classes():
    """Modules and classes named as TF 1.15's, holding no code: what its pickle refers to."""
    text, vocab = types.ModuleType(TF_TEXT), types.ModuleType(TF_VOCAB)
    text.VocabularyProcessor = type("VocabularyProcessor", (), {"__module__": TF_TEXT})
    vocab.CategoricalVocabulary = type("CategoricalVocabulary", (), {"__module__": TF_VOCAB})

    def tokenizer(iterator):
        return iterator
    tokenizer.__module__, tokenizer.__qualname__ = TF_TEXT, "tokenizer"
    text.tokenizer = tokenizer
    return text, vocab


def _tf_written_vocab(monkeypatch, path):
    """The file TF 1.15's `VocabularyProcessor(5, min_frequency=0).fit(DOCS).save(path)`
    writes: a protocol-3 pickle of the processor's and its vocabulary's attributes."""
    import collections
    text, vocab_mod = _tf_classes()
    for name in ("tensorflow", "tensorflow.contrib", "tensorflow.contrib.learn",
                 "tensorflow.contrib.learn.python", "tensorflow.contrib.learn.python.learn",
                 "tensorflow.contrib.learn.python.learn.preprocessing"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, TF_TEXT, text)
    monkeypatch.setitem(sys.modules, TF_VOCAB, vocab_mod)
    words = ["I", "like", "cats", "dogs", "and", "Dogs", "bark"]
    vocab = vocab_mod.CategoricalVocabulary()
    vocab.__dict__.update(
        _unknown_token="<UNK>", _mapping={w: i for i, w in enumerate(["<UNK>"] + words)},
        _support_reverse=True, _reverse_mapping=["<UNK>"] + words,
        _freq=collections.defaultdict(int, {"I": 2, "like": 2, "cats": 2, "dogs": 1,
                                            "and": 1, "Dogs": 1, "bark": 1}),
        _freeze=True)
    processor = text.VocabularyProcessor()
    processor.__dict__.update(max_document_length=5, min_frequency=0, vocabulary_=vocab,
                              _tokenizer=text.tokenizer)
    with open(path, "wb") as f:
        f.write(pickle.dumps(processor, protocol=3))


def test_restore_reads_a_processor_tf_saved(tmp_path, monkeypatch):
    path = str(tmp_path / "vocab")
    with monkeypatch.context() as m:
        _tf_written_vocab(m, path)
    assert "tensorflow" not in sys.modules
    vp = pp.VocabularyProcessor.restore(path)
    assert type(vp) is pp.VocabularyProcessor
    assert type(vp.vocabulary_) is pp.CategoricalVocabulary
    assert vp._tokenizer is pp.tokenizer
    assert rows(vp.transform(["Dogs and cats bark loudly"])) == [[6, 5, 3, 7, 0]]


def test_scopeflow_run_restores_tf_file_with_plain_pickle(tmp_path, monkeypatch):
    """Under `scopeflow run` TF 1.15's module paths import: plain pickle.load reads its file."""
    with monkeypatch.context() as m:
        _tf_written_vocab(m, str(tmp_path / "vocab"))
    (tmp_path / "prog.py").write_text(
        "import pickle\nfrom tensorflow.contrib import learn\n"
        "vp = pickle.load(open('vocab', 'rb'))\n"
        "assert isinstance(vp, learn.preprocessing.VocabularyProcessor)\n"
        "print(list(vp.transform(['I like dogs']))[0].tolist())\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.run([sys.executable, "-m", "scopeflow", "run", "prog.py"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["[1,", "2,", "4,", "0,", "0]"]

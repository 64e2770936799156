"""`tf.keras.preprocessing.text` against TF + tf_keras: word splitting with filters, md5
`hashing_trick`, `Tokenizer` fit on texts (counts, ties in first-seen order, `oov_token`,
`num_words`, char level, pre-split lists), texts to sequences and back, the four matrix
modes, fit_on_sequences, the errors, and the JSON round trip (word_docs is filled from a
set of strings, in an order of the process's string hashes, there as here)."""

import pytest
from approx import agree, explain
from oracle import run_here

TEXTS = ("['The cat sat on the mat.', 'The dog ate my HOMEWORK!', 'cats and dogs; dogs and "
         "cats', 'a mat is not a dog', 'Homework is fun', 'the end']")
PROGRAMS = [
    "T = tf.keras.preprocessing.text\n"
    "result = [T.text_to_word_sequence('Hello, World!  a-b\\tc'),"
    " T.text_to_word_sequence('Hello, World', lower=False, split=','),"
    " T.text_to_word_sequence('x.y z', filters='.'),"
    " T.hashing_trick('the cat, the hat', 10, hash_function='md5'),"
    " T.hashing_trick('ab cd', 5, hash_function=len), len(T.one_hot('a b c', 7))]",
    "T = tf.keras.preprocessing.text\ntexts = " + TEXTS + "\nout = []\n"
    "for kw in [{}, {'num_words': 6}, {'num_words': 6, 'oov_token': '<unk>'},"
    " {'oov_token': 'OOV', 'lower': False}, {'char_level': True, 'num_words': 8}]:\n"
    "    t = T.Tokenizer(**kw)\n"
    "    t.fit_on_texts(texts)\n"
    "    seqs = t.texts_to_sequences(texts + ['unknown words here the'])\n"
    "    out.append([list(t.word_index.items()), sorted(t.index_word.items()),"
    " list(t.word_counts.items()), sorted(t.word_docs.items()), sorted(t.index_docs.items()),"
    " t.document_count, seqs, t.sequences_to_texts(seqs + [[0, 99, 1]])])\n"
    "    for mode in ['binary', 'count', 'freq', 'tfidf']:\n"
    "        out.append(t.texts_to_matrix(texts[:3] + [''], mode=mode))\n"
    "result = out",
    "import json\nT = tf.keras.preprocessing.text\n"
    "t = T.Tokenizer(num_words=5)\n"
    "t.fit_on_texts([['A', 'b', 'A'], ['c', 'b']])\n"
    "t.fit_on_sequences([[1, 2, 2], [3]])\n"
    "j = t.to_json()\nt2 = T.tokenizer_from_json(j)\n"
    "def err(f):\n    try:\n        return f()\n    except Exception as e:\n"
    "        return [type(e).__name__, str(e)]\n"
    "result = [list(t.word_index.items()), t.document_count, sorted(t.index_docs.items()),"
    " sorted((k, sorted(json.loads(v).items()) if k in ('word_docs', 'index_docs') else v)"
    "        for k, v in t.get_config().items()),"
    " list(t2.word_index.items()), sorted(t2.index_word.items()),"
    " t2.texts_to_matrix(['a b c'], mode='tfidf'), t2.sequences_to_matrix([[1, 4, 9]]),"
    " err(lambda: T.Tokenizer().texts_to_matrix(['a'])),"
    " err(lambda: T.Tokenizer(num_words=3).sequences_to_matrix([[1]], mode='tfidf')),"
    " err(lambda: t.sequences_to_matrix([[1]], mode='bad')), err(lambda: T.Tokenizer(foo=1)),"
    " T.Tokenizer(nb_words=4).num_words]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_text_preprocessing_as_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)

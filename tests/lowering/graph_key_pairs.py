"""Pairs of programs that differ only in one input of their traced program, for
test_graph_key_pairs.py: `python graph_key_pairs.py a|b CASE...` builds variant a or b of each
case in a graph of its own, runs it once and prints, per case, its value (or error) and
whether its run was read back from disk by its graph key (SCOPEFLOW_CACHE_DIR)."""

import json
import sys

import numpy as np

CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


# ---- branches and bodies of control flow -------------------------------------------------------
@case
def loop_body(tf, v):
    x = tf.placeholder(tf.float32, [2])
    body = (lambda j, b: (j + 1, b * x)) if v == "a" else (lambda j, b: (j + 1, b + x))
    return tf.while_loop(lambda j, b: j < 3, body, [0, x])[1], {x: [1.5, 2.0]}


@case
def loop_condition(tf, v):
    x = tf.placeholder(tf.float32, [2])
    limit = 3 if v == "a" else 4  # (a constant of the condition)
    return tf.while_loop(lambda j, b: j < limit, lambda j, b: (j + 1, b * x),
                         [0, x])[1], {x: [1.5, 2.0]}


@case
def cond_branch(tf, v):
    p = tf.placeholder(tf.bool, [])
    x = tf.placeholder(tf.float32, [2])
    scale = 2.0 if v == "a" else 3.0  # (a constant made inside the branch)
    return tf.cond(p, lambda: x * scale, lambda: x - 1.0), {p: True, x: [1.5, 2.0]}


@case
def cond_in_loop(tf, v):
    x = tf.placeholder(tf.float32, [2])

    def body(j, b):
        odd = tf.equal(j % 2, 1)
        then = (lambda: b * x) if v == "a" else (lambda: b * x * x)
        return j + 1, tf.cond(odd, then, lambda: b + x)

    return tf.while_loop(lambda j, b: j < 4, body, [0, x])[1], {x: [1.5, 2.0]}


@case
def loop_in_loop(tf, v):
    x = tf.placeholder(tf.float32, [2])

    def body(j, b):
        inner = (lambda k, c: (k + 1, c + x)) if v == "a" else (lambda k, c: (k + 1, c - x))
        return j + 1, tf.while_loop(lambda k, c: k < 2, inner, [0, b])[1] * 2.0

    return tf.while_loop(lambda j, b: j < 3, body, [0, x])[1], {x: [1.5, 2.0]}


@case
def captured_constant(tf, v):
    x = tf.placeholder(tf.float32, [2])
    c = tf.constant(2.0 if v == "a" else 3.0)  # made outside, read by the body
    return tf.while_loop(lambda j, b: j < 3, lambda j, b: (j + 1, b * c),
                         [0, x])[1], {x: [1.5, 2.0]}


@case
def rnn_activation(tf, v):
    x = tf.placeholder(tf.float32, [2, 5, 3])
    kernel = np.linspace(-1, 1, 7 * 4).reshape(7, 4).astype(np.float32)
    with tf.variable_scope("rnn", initializer=tf.constant_initializer(kernel)):
        cell = tf.nn.rnn_cell.BasicRNNCell(4, activation=tf.tanh if v == "a" else tf.nn.relu)
        out, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    feed = {x: np.linspace(-2, 2, 30).reshape(2, 5, 3).astype(np.float32)}
    return out, feed


@case
def map_fn_body(tf, v):
    x = tf.placeholder(tf.float32, [3, 2])
    fn = (lambda r: r * 2.0) if v == "a" else (lambda r: r + 2.0)
    return tf.map_fn(fn, x), {x: np.arange(6, dtype=np.float32).reshape(3, 2)}


@case
def loop_gradient(tf, v):
    x = tf.placeholder(tf.float32, [2])
    w = tf.get_variable("w", initializer=np.array([0.5, -1.0], np.float32))
    body = (lambda j, b: (j + 1, b * w)) if v == "a" else (lambda j, b: (j + 1, b * w * w))
    y = tf.while_loop(lambda j, b: j < 3, body, (0, x), maximum_iterations=3)[1]
    return tf.gradients(tf.reduce_sum(y), w)[0], {x: [1.5, 2.0]}


# ---- other inputs of the traced program --------------------------------------------------------
@case
def attr(tf, v):
    x = tf.placeholder(tf.float32, [3])
    return tf.nn.leaky_relu(x, 0.2 if v == "a" else 0.3), {x: [-1.0, 0.0, 2.0]}


@case
def graph_seed(tf, v):
    tf.set_random_seed(1 if v == "a" else 2)
    x = tf.placeholder(tf.float32, [3])
    return x + tf.random_uniform([3]), {x: [0.0, 1.0, 2.0]}


@case
def variable_shape(tf, v):
    p = tf.placeholder(tf.float32, [None])
    var = tf.Variable(p, validate_shape=False)
    init = [1.0, 2.0] if v == "a" else [1.0, 2.0, 3.0]  # (shape set when initialized)
    return tf.reduce_sum(var * 2.0), {}, (var.initializer, {p: init})


@case
def switch_case_branch(tf, v):
    i = tf.placeholder(tf.int32, [])
    x = tf.placeholder(tf.float32, [2])
    add = 1.0 if v == "a" else 5.0  # (a branch is a function of its own)
    return tf.switch_case(i, [lambda: x * 2.0, lambda: x + add]), {i: 1, x: [1.5, 2.0]}


@case
def runtime_checks(tf, v):
    # the same graph; variant b runs under SCOPEFLOW_RUNTIME_CHECKS=0 (test_graph_key_pairs)
    i = tf.placeholder(tf.int32, [2])
    return tf.gather(tf.constant([1.0, 2.0, 3.0]), i), {i: [0, 7]}


def _run(tf, disk_cache, name, variant):
    with tf.Graph().as_default(), tf.name_scope(name):
        got = CASES[name](tf, variant)
        fetch, feed = got[0], got[1]
        init = got[2] if len(got) > 2 else None
        with tf.Session() as s:
            s.run(*(init or (tf.global_variables_initializer(),)))
            hits = disk_cache.stats["graph_hits"]
            try:
                value = np.asarray(s.run(fetch, feed)).tolist()
            except tf.errors.OpError as e:
                value = "%s: %s" % (type(e).__name__, e.message.splitlines()[-2])
            return {"value": value, "hit": disk_cache.stats["graph_hits"] > hits}


def main(variant, names):
    import scopeflow.compat.v1 as tf
    from scopeflow.lowering import disk_cache
    disk_cache._MIN_SECONDS = 0.0  # every program stored, however quick its compile
    print(json.dumps({name: _run(tf, disk_cache, name, variant) for name in names}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])

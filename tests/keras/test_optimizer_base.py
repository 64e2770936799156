"""The keyword arguments every tf.keras optimizer takes (Keras' OptimizerV2 base) against TF +
tf_keras: `lr` as the learning rate (all but Ftrl, which ignores it as Keras does), Keras'
TypeError for an unknown argument, the ValueErrors for a negative one and for `clipnorm`
with `global_clipnorm`, and `global_clipnorm`'s clipping of all gradients by their global
norm (config and values)."""

import pytest
from approx import agree, explain
from oracle import run_here

LR = (
    "import warnings\n"
    "K = tf.keras.backend\n"
    "out = []\n"
    "for n in ['SGD', 'Adam', 'RMSprop', 'Adagrad', 'Adadelta', 'Adamax', 'Nadam', 'Ftrl']:\n"
    "    with warnings.catch_warnings(record=True) as w:\n"
    "        warnings.simplefilter('always')\n"
    "        o = getattr(tf.keras.optimizers, n)(lr=0.125)\n"
    "    out.append([n, o.get_config()['learning_rate'], float(K.get_value(o.lr)),\n"
    "                sorted(set(str(x.message) for x in w))])\n"
    "result = out"
)
BAD = [
    "tf.keras.optimizers.SGD(foo=1)",
    "tf.keras.optimizers.Adam(0.1, clipnorm=-1.0)",
    "tf.keras.optimizers.SGD(decay=-0.5)",
    "tf.keras.optimizers.SGD(clipnorm=1.0, global_clipnorm=2.0)",
]
GLOBAL_CLIPNORM = (
    "v = tf.Variable([3.0, 4.0], use_resource=True)\n"
    "w = tf.Variable([[1.0, 2.0]], use_resource=True)\n"
    "loss = tf.reduce_sum(v * v) + tf.reduce_sum(w * w * 3.0)\n"
    "o = tf.keras.optimizers.SGD(0.1, global_clipnorm=1.0)\n"
    "step = o.get_updates(loss, [v, w])\n"
    "with tf.Session() as s:\n"
    "    s.run(tf.global_variables_initializer()); s.run(step)\n"
    "    result = [o.get_config(), s.run([v, w])]"
)


def _catching(call):
    # the message of an unknown keyword ends with Keras' allowed set in hash order
    return ("try:\n    %s\n    result = None\nexcept Exception as e:\n"
            "    result = [type(e).__name__, str(e).split(' Allowed')[0]]" % call)


@pytest.mark.oracle
@pytest.mark.parametrize("code", [LR, GLOBAL_CLIPNORM] + [_catching(c) for c in BAD])
def test_optimizer_keywords_as_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)

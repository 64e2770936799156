"""Parameter helpers shared by Bernoulli and Categorical: logits and probs from either one."""

from scopeflow.distributions.distribution import tf_api


def get_logits_and_probs(logits=None, probs=None, multidimensional=False, validate_args=False,
                         name="get_logits_and_probs"):
    """(logits, probs) from whichever was given: sigmoid/softmax one way, log(-odds) the other."""
    tf = tf_api()
    with tf.name_scope(name, values=[probs, logits]):
        if (probs is None) == (logits is None):
            raise ValueError("Must pass probs or logits, but not both.")
        if probs is None:
            logits = tf.convert_to_tensor(logits, name="logits")
            if not logits.dtype.is_floating:
                raise TypeError("logits must having floating type.")
            if multidimensional:
                return logits, tf.nn.softmax(logits, name="probs")
            return logits, tf.sigmoid(logits, name="probs")
        probs = tf.convert_to_tensor(probs, name="probs")
        if not probs.dtype.is_floating:
            raise TypeError("probs must having floating type.")
        if validate_args:
            probs = _checked_probs(probs, multidimensional)
        with tf.name_scope("logits"):
            if multidimensional:
                return tf.log(probs), probs
            return tf.log(probs) - tf.log1p(-1.0 * probs), probs


def _checked_probs(probs, multidimensional):
    """`probs` after TF's checks: non-negative, and at most 1 or summing to 1."""
    tf = tf_api()
    with tf.name_scope("validate_probs"):
        one = tf.constant(1.0, probs.dtype)
        dependencies = [tf.assert_non_negative(probs)]
        if multidimensional:
            dependencies.append(tf.assert_near(tf.reduce_sum(probs, -1), one,
                                               message="probs does not sum to 1."))
        else:
            dependencies.append(tf.assert_less_equal(
                probs, one, message="probs has components greater than 1."))
        from scopeflow.ops.state import with_dependencies
        return with_dependencies(dependencies, probs)

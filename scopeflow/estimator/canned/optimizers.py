"""The optimizer a canned estimator trains with, from a name, an instance or a callable.

>>> type(get_optimizer_instance("SGD", learning_rate=0.1)).__name__
'GradientDescentOptimizer'
"""

from scopeflow.estimator._tf import tf


def _classes():
    train = tf().train
    return {"Adagrad": train.AdagradOptimizer, "Adam": train.AdamOptimizer,
            "Ftrl": train.FtrlOptimizer, "RMSProp": train.RMSPropOptimizer,
            "SGD": train.GradientDescentOptimizer}


def get_optimizer_instance(opt, learning_rate=None):
    """A tf.train.Optimizer: `opt` itself, `opt()`, or TF's class named `opt` at
    `learning_rate`."""
    if isinstance(opt, str):
        classes = _classes()
        if opt in classes:
            if not learning_rate:
                raise ValueError("learning_rate must be specified when opt is string.")
            return classes[opt](learning_rate=learning_rate)
        raise ValueError("Unsupported optimizer name: {}. Supported names are: {}".format(
            opt, tuple(sorted(classes))))
    if callable(opt):
        opt = opt()
    if not isinstance(opt, tf().train.Optimizer):
        raise ValueError("The given object is not an Optimizer instance. Given: {}".format(opt))
    return opt

"""tf.keras optimizers (OptimizerV2) in TF1 graph-mode training against real TF + tf_keras:
the graph `train_on_batch` builds (`training/<name>/...` scopes, hyperparameter and slot
variables, the fused `ResourceApply*` update ops, `IdentityN`, `group_deps`, the
`keras_learning_phase` input) op for op, and the values after a few steps."""

import pytest
from approx import agree, explain
from oracle import run_here

C = "tf.constant_initializer"
STEPS = (
    "K = tf.keras; L = tf.keras.layers\n"
    "xs = np.array([[1., 2.], [2., 1.], [0., 1.], [1., 0.]], 'float32')\n"
    "ys = np.array([[1.], [2.], [.5], [0.]], 'float32')\n"
    "m = K.Sequential([L.Dense(3, activation='relu', input_shape=(2,), kernel_initializer="
    + C + "([.1, -.2, .3, .4, .5, -.6])), L.Dense(1, kernel_initializer=" + C + "(.5))])\n"
    "g = tf.get_default_graph(); n = len(g.get_operations())\n"
    "m.compile(optimizer=OPT, loss='mse')\n"
    "losses = [float(m.train_on_batch(xs, ys)) for _ in range(3)]\n"
    "def record(op):\n"
    "    name = 'VarIsInitializedOp' if op.type == 'VarIsInitializedOp' and '/' not in op.name"
    " else op.name\n"
    "    ins = [i.name for i in op.inputs]\n"
    "    if name == 'VarIsInitializedOp' or name == 'init':  # TF makes these in set order\n"
    "        ins = sorted(ins)\n"
    "    return [name, op.type, ins, sorted(c.name for c in op.control_inputs)]\n"
    "ops = sorted(record(op) for op in g.get_operations()[n:])\n"
    "try:\n"
    "    slots = m.optimizer.get_weights()\n"
    "except NotImplementedError:  # a tf.train optimizer's wrapper has no weights\n"
    "    slots = None\n"
    "result = [ops, losses, m.get_weights(), slots, sorted(v.name for v in tf.global_variables())]\n"
)
OPTIMIZERS = [
    "K.optimizers.SGD(0.1)", "K.optimizers.SGD(0.05, momentum=0.9)",
    "K.optimizers.SGD(0.05, momentum=0.9, nesterov=True)", "K.optimizers.SGD(0.1, decay=0.1)",
    "K.optimizers.Adam(0.05)", "K.optimizers.Adam(0.05, amsgrad=True)",
    "K.optimizers.Adam(0.05, clipnorm=0.5, name='opt')", "K.optimizers.RMSprop(0.01)",
    "K.optimizers.RMSprop(0.01, centered=True)", "K.optimizers.RMSprop(0.01, momentum=0.5)",
    "K.optimizers.RMSprop(0.01, momentum=0.5, centered=True)",
    "K.optimizers.Adagrad(0.1, clipvalue=0.2)", "tf.train.AdamOptimizer(0.05)",
]


@pytest.mark.oracle
@pytest.mark.parametrize("opt", OPTIMIZERS)
def test_training_graph_and_values_match_tf(oracle, opt):
    code = STEPS.replace("OPT", opt)
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


LEARNING_PHASE = [
    # the placeholder made by the train function; fed through Keras' session
    ("K = tf.keras; L = K.layers; B = K.backend\n"
    "xs = np.ones((4, 2), 'float32'); ys = np.ones((4, 1), 'float32')\n"
    "m = K.Sequential([L.Dense(3, input_shape=(2,), kernel_initializer='ones'), "
    "L.Dense(1, kernel_initializer='ones')])\n"
    "m.compile('sgd', 'mse')\n"
    "names = [op.name for op in tf.get_default_graph().get_operations()]\n"
    "a = 'keras_learning_phase' in names\n"
    "m.train_on_batch(xs, ys)\n"
    "lp = B.learning_phase()\n"
    "s = B.get_session()\n"
    "result = [a, lp.name, lp.op.type, s.run(m.output, {m.input: xs, lp: True}), "
    "s.run(lp), s.run(lp, {lp: True})]"),
    # a fixed phase: no placeholder, Dropout always on; learning_phase_scope restores
    ("K = tf.keras; L = K.layers; B = K.backend\n"
    "B.set_learning_phase(0)\n"
    "m = K.Sequential([L.Dense(2, input_shape=(2,), kernel_initializer='ones'), "
    "L.Dropout(0.5)])\n"
    "m.compile('sgd', 'mse')\n"
    "m.train_on_batch(np.ones((2, 2), 'float32'), np.ones((2, 2), 'float32'))\n"
    "names = [op.name for op in tf.get_default_graph().get_operations()]\n"
    "with B.learning_phase_scope(1):\n"
    "    inside = B.learning_phase()\n"
    "result = ['keras_learning_phase' in names, B.learning_phase(), inside, "
    "m.predict(np.ones((2, 2), 'float32'))]"),
    ("B = tf.keras.backend\n"
    "def bad():\n"
    "    with B.learning_phase_scope(2):\n"
    "        pass\n"
    "try:\n"
    "    bad(); result = 'ok'\n"
    "except ValueError as e:\n"
    "    result = str(e)"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", LEARNING_PHASE)
def test_learning_phase_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)

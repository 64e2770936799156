"""tf.keras optimizers (OptimizerV2) on sparse gradients in TF1 graphs against real TF +
tf_keras: an Embedding trained by `train_on_batch` gets IndexedSlices, which skip the
all-reduce's IdentityN and update through `_resource_apply_sparse_duplicate_indices`
(Unique + UnsortedSegmentSum, then ResourceScatterAdd / ResourceSparseApply* ops), op for op,
with TF's values after a few steps."""

import pytest
from approx import agree, explain
from oracle import run_here
from test_keras_optimizers import STEPS as DENSE_STEPS

# the dense test's program (graph record, losses, weights, slots) over an Embedding model
EMBEDDING = (
    "xs = np.array([[1, 2, 0], [3, 1, 1], [0, 4, 2], [2, 2, 3]], 'int32')\n"
    "ys = np.array([[1.], [2.], [.5], [0.]], 'float32')\n"
    "m = K.Sequential([L.Embedding(5, 2, input_length=3, embeddings_initializer="
    "tf.constant_initializer(np.arange(10).reshape(5, 2) * 0.1)), L.Flatten(), "
    "L.Dense(1, kernel_initializer=tf.constant_initializer(.5))])\n"
)
STEPS = DENSE_STEPS[:DENSE_STEPS.index("xs = ")] + EMBEDDING + \
    DENSE_STEPS[DENSE_STEPS.index("g = tf.get_default_graph()"):]
OPTIMIZERS = [
    "K.optimizers.SGD(0.1)", "K.optimizers.SGD(0.1, momentum=0.9, nesterov=True)",
    "K.optimizers.Adam(0.05)", "K.optimizers.Adam(0.05, amsgrad=True)",
    "K.optimizers.Adagrad(0.1)", "K.optimizers.RMSprop(0.01)",
    "K.optimizers.RMSprop(0.01, centered=True)",
    "K.optimizers.RMSprop(0.01, momentum=0.5, centered=True)",
]


@pytest.mark.oracle
@pytest.mark.parametrize("opt", OPTIMIZERS)
def test_sparse_training_graph_and_values_match_tf(oracle, opt):
    code = STEPS.replace("OPT", opt)
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)

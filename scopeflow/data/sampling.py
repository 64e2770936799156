"""Random choices among datasets: `Dataset.random` (TF's RandomDataset: Philox words as int64)
and `sample_from_datasets`, built as TF 2.21 builds it: pairs of random words seed a
StatelessMultinomial over the weights' logits, whose draws steer a DirectedInterleaveDataset.

>>> import scopeflow as tf
>>> ds = sample_from_datasets([tf.data.Dataset.range(2), tf.data.Dataset.range(5, 7)], seed=1)
>>> ds._variant_tensor.op.type, ds._variant_tensor.op.inputs[0].op.type
('DirectedInterleaveDataset', 'MapDataset')
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.tensor import Tensor
from scopeflow.data import graph_ops as g
from scopeflow.data import host
from scopeflow.data import structure as st
from scopeflow.data.dataset import DatasetV1, DatasetV2, _attrs, dataset_seeds, map_dataset
from scopeflow.data.shuffle import _Philox, _Single
from scopeflow.data.transforms import directed_interleave
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops.constant import convert_to_tensor

random_dataset = g._register("RandomDataset", ["seed", "seed2"])


def random(seed=None, rerandomize_each_iteration=None, name=None):
    """`tf.data.Dataset.random`: an endless dataset of TF's pseudorandom int64 values."""
    s1, s2 = dataset_seeds(seed)
    structure = st.TensorSpec([], _dt.int64)
    return DatasetV1(random_dataset(s1, s2, **_attrs(structure)), structure, "_RandomDataset")


def RandomDataset(seed=None):  # noqa: N802 (TF1's class name)
    """`tf.data.experimental.RandomDataset(seed)`."""
    ds = random(seed)
    ds._kind = "RandomDatasetV2"
    return ds


class RandomValues(host.HostDataset):
    """RandomDataset's kernel: each pass draws the 32-bit words of Philox(seed, seed2) one at
    a time (SingleSampleAdapter); seed == seed2 == 0 takes random seeds."""

    def __init__(self, seed, seed2):
        self.seeds = int(seed), int(seed2)

    def __iter__(self):
        seed, seed2 = self.seeds
        if seed == 0 and seed2 == 0:
            seed, seed2 = (int(x) for x in np.random.SeedSequence().generate_state(2, np.uint64))
        draw = _Single(_Philox(seed, seed2))
        while True:
            yield (np.int64(draw()),)


host_kernel("RandomDataset")(lambda ctx, op, seed, seed2: [RandomValues(seed, seed2)])


def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False):
    """Elements of `datasets` drawn at random with probabilities `weights` (a list, a tensor
    or a dataset of them; uniform when None), TF's draws for a given seed."""
    from scopeflow.ops import math as m
    from scopeflow.ops.array import expand_dims
    if not datasets:
        raise ValueError("Invalid `datasets`. `datasets` should not be empty.")
    datasets = list(datasets)
    if isinstance(weights, DatasetV2):
        logits_ds = weights.map(lambda *p: m.log(p, name="logits"))
        pairs = DatasetV1.zip((logits_ds, random(seed).batch(2)))
        selector = _select(pairs, lambda logits, seeds: _draw(logits, seeds),
                           "select_dataset_varying_logits")
        return directed_interleave(selector, datasets, stop_on_empty_dataset)
    if weights is None:
        logits = [[1.0] * len(datasets)]
    else:
        if isinstance(weights, Tensor):
            if not weights.shape.is_compatible_with([len(datasets)]):
                raise ValueError("Invalid `weights`. The shape of `weights` should be "
                                 "compatible with `[len(datasets)]` but is %s." % weights.shape)
        elif len(datasets) != len(weights):
            raise ValueError("Invalid `weights`. `weights` should have the same length as "
                             "`datasets` but got `len(weights)=%d` vs. `len(datasets)=%d`."
                             % (len(weights), len(datasets)))
        if not isinstance(weights, Tensor):
            kept = [(d, w) for d, w in zip(datasets, weights) if w > 0]
            datasets, weights = ([list(x) for x in zip(*kept)] if kept else
                                 ([datasets[0].take(0)], [1.0]))
        weights = convert_to_tensor(weights, name="weights")
        if weights.dtype not in (_dt.float32, _dt.float64):
            raise TypeError("Invalid `weights`. `weights` type must be either `tf.float32` or "
                            "`tf.float64` but is %s." % weights.dtype)
        logits = expand_dims(m.log(weights, name="logits"), 0)
    if len(datasets) == 1:
        return datasets[0]
    selector = _select(random(seed).batch(2), lambda seeds: _draw(logits, seeds),
                       "select_dataset_constant_logits")
    return directed_interleave(selector, datasets, stop_on_empty_dataset)


def _draw(logits, seeds):
    """One class index from `logits` (1, n), fixed by the two words `seeds`."""
    from scopeflow.ops.array import squeeze
    from scopeflow.ops.stateless_random import _multinomial
    drawn = _multinomial(logits, 1, seeds, output_dtype=_dt.int64, name="StatelessMultinomial")
    return squeeze(drawn, axis=[0, 1])


def _select(ds, fn, name):
    """TF's `_MapDataset(ds, fn, use_inter_op_parallelism=False)`: the selector's map."""
    fn.__name__ = name
    return map_dataset(ds, fn, use_inter_op_parallelism=False)._variant_tensor

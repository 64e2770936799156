"""The input checks of TF's CTCLoss kernel, in TF's order and words.

`valid` is the traced flag the compiled step carries (every check at once); `first_error`
recomputes on the host, from the fetched inputs, the message of the check TF's kernel fails
first (the sparse labels' order and bounds, sequence lengths, empty label lists, labels
after the blank class, negative labels, too little time).
"""

import jax.numpy as jnp
import numpy as np


def _labels_of(indices, values, batch):
    out = [[] for _ in range(batch)]
    for (b, _), v in zip(indices.tolist(), values.tolist()):
        out[b].append(v)
    return out


def _sparse_error(indices, batch):
    width = max([c + 1 for _, c in indices.tolist()] + [0])
    prev = None
    for i, (b, c) in enumerate(indices.tolist()):
        if not (0 <= b < batch and 0 <= c < width):
            return ("label SparseTensor is not valid: indices[%d] = [%d,%d] is out of bounds: "
                    "need 0 <= index < [%d,%d]" % (i, b, c, batch, width))
        if prev is not None and (b, c) < prev:
            return ("label SparseTensor is not valid: indices[%d] = [%d,%d] is out of order. "
                    "Many sparse ops require sorted indices.\n    Use `tf.sparse.reorder` to "
                    "create a correctly ordered copy.\n\n" % (i, b, c))
        if prev == (b, c):
            return ("label SparseTensor is not valid: indices[%d] = [%d,%d] is repeated"
                    % (i, b, c))
        prev = (b, c)
    return None


def _label_error(b, label, seq_b, num_classes, attrs):
    collapse, _, ignore_longer = attrs
    if not label:
        return "Labels length is zero in batch %d" % b
    kept, finished = [], False
    for i, x in enumerate(label):
        if i and collapse and x == label[i - 1]:
            continue
        if x >= num_classes - 1:
            finished = True
        elif finished:
            return ("Saw a non-null label (index >= num_classes - 1) following a null label, "
                    "batch: %d num_classes: %d labels: %s labels seen so far: %s"
                    % (b, num_classes, ",".join(map(str, label)), ",".join(map(str, kept))))
        else:
            kept.append(x)
    if any(x < 0 for x in kept):
        return ("All labels must be nonnegative integers, batch: %d labels: %s"
                % (b, ",".join(map(str, kept))))
    if not ignore_longer and len(label) > seq_b:
        return ("Not enough time for target transition sequence (required: %d, available: "
                "%d)%dYou can turn this error into a warning by using the flag "
                "ignore_longer_outputs_than_inputs" % (len(label), seq_b, b))
    return None


def first_error(indices, values, seq, shape, attrs):
    """TF's message for the first check these inputs fail, or None."""
    max_time, batch, num_classes = shape
    indices, values, seq = np.asarray(indices), np.asarray(values), np.asarray(seq)
    msg = _sparse_error(indices, batch)
    if msg:
        return msg
    for b in range(batch):
        if seq[b] > max_time:
            return "sequence_length(%d) <= %d" % (b, max_time)
    for b in range(batch):
        if seq[b] < 0:
            return "seq_len(%d) < 0" % b
    labels = _labels_of(indices, values, batch)
    for b in range(batch):
        msg = _label_error(b, labels[b], int(seq[b]), num_classes, attrs)
        if msg:
            return msg
    return None


def valid(indices, values, seq, shape, attrs):
    """Traced: whether the inputs pass every check of `first_error`."""
    max_time, batch, num_classes = shape
    collapse, _, ignore_longer = attrs
    n = values.shape[0]
    rows, cols = indices[:, 0], indices[:, 1]
    width = jnp.max(cols + 1, initial=0)
    ok = jnp.all((rows >= 0) & (rows < batch) & (cols >= 0) & (cols < width))
    if n > 1:
        later = (rows[1:] > rows[:-1]) | ((rows[1:] == rows[:-1]) & (cols[1:] > cols[:-1]))
        ok &= jnp.all(later)
    ok &= jnp.all((seq >= 0) & (seq <= max_time))
    r = jnp.clip(rows, 0, batch - 1).astype(jnp.int32)
    count = jnp.zeros([batch], jnp.int32).at[r].add(1)
    ok &= jnp.all(count > 0)
    if n:
        same_row = jnp.concatenate([jnp.zeros([1], bool), rows[1:] == rows[:-1]])
        repeat = same_row & jnp.concatenate([jnp.zeros([1], bool), values[1:] == values[:-1]])
        dropped = repeat if collapse else jnp.zeros([n], bool)
        null = (values >= num_classes - 1) & ~dropped
        # a kept non-null label after a null one in its row
        seen_null = jnp.cumsum(null.astype(jnp.int32))
        row_start = jnp.concatenate([jnp.zeros([1], jnp.int32), seen_null])[
            jnp.searchsorted(rows, rows, side="left")]
        after_null = (seen_null - null.astype(jnp.int32) - row_start) > 0
        live = ~dropped & ~null
        ok &= ~jnp.any(live & after_null)
        ok &= ~jnp.any(live & (values < 0))
    if not ignore_longer:
        ok &= jnp.all(count <= seq)
    return ok

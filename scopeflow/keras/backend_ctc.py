"""`tf.keras.backend`'s CTC functions, as tf_keras builds them: dense labels to a SparseTensor
(a scan of masks), the batch CTC cost over softmax outputs, greedy or beam decoding to
dense -1-padded label lists.

>>> import scopeflow as tf
>>> K = tf.keras.backend
>>> K.ctc_batch_cost(tf.ones([2, 3]), tf.fill([2, 5, 4], 0.25), tf.fill([2, 1], 5),
...                  tf.fill([2, 1], 3)).shape.as_list()
[2, 1]
"""

from scopeflow.layers.core import tf_api

__all__ = ["ctc_batch_cost", "ctc_decode", "ctc_label_dense_to_sparse"]


def ctc_label_dense_to_sparse(labels, label_lengths):
    """Dense labels (batch, max labels) with their lengths as a SparseTensor."""
    from scopeflow.keras.backend_ops import concatenate
    from scopeflow.keras.backend_seq import reverse
    tf = tf_api()
    label_shape = tf.shape(labels)
    num_batches_tns = tf.stack([label_shape[0]])
    max_num_labels_tns = tf.stack([label_shape[1]])

    def range_less_than(old_input, current_input):
        return tf.expand_dims(tf.range(tf.shape(old_input)[1]), 0) < tf.fill(
            max_num_labels_tns, current_input)

    init = tf.cast(tf.fill([1, label_shape[1]], 0), tf.bool)
    dense_mask = tf.scan(range_less_than, label_lengths, initializer=init,
                         parallel_iterations=1)
    dense_mask = dense_mask[:, 0, :]
    label_array = tf.reshape(tf.tile(tf.range(0, label_shape[1]), num_batches_tns),
                             label_shape)
    label_ind = tf.boolean_mask(label_array, dense_mask)
    batch_array = tf.transpose(tf.reshape(tf.tile(tf.range(0, label_shape[0]),
                                                  max_num_labels_tns),
                                          reverse(label_shape, 0)))
    batch_ind = tf.boolean_mask(batch_array, dense_mask)
    indices = tf.transpose(tf.reshape(concatenate([batch_ind, label_ind], axis=0), [2, -1]))
    vals_sparse = tf.gather_nd(labels, indices)
    return tf.SparseTensor(tf.cast(indices, tf.int64), vals_sparse,
                           tf.cast(label_shape, tf.int64))


def ctc_batch_cost(y_true, y_pred, input_length, label_length):
    """CTC loss per batch element (batch, 1) of softmax outputs (batch, time, classes)."""
    from scopeflow.keras.backend import epsilon
    tf = tf_api()
    label_length = tf.cast(tf.squeeze(label_length, axis=-1), tf.int32)
    input_length = tf.cast(tf.squeeze(input_length, axis=-1), tf.int32)
    sparse_labels = tf.cast(ctc_label_dense_to_sparse(y_true, label_length), tf.int32)
    y_pred = tf.log(tf.transpose(y_pred, perm=[1, 0, 2]) + epsilon())
    return tf.expand_dims(tf.nn.ctc_loss(inputs=y_pred, labels=sparse_labels,
                                         sequence_length=input_length), 1)


def ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1):
    """([dense decoded paths, -1 padded, (batch, time)], log probabilities)."""
    from scopeflow.keras.backend import epsilon
    from scopeflow.keras.backend_ops import shape
    tf = tf_api()
    input_shape = shape(y_pred)
    num_samples, num_steps = input_shape[0], input_shape[1]
    y_pred = tf.log(tf.transpose(y_pred, perm=[1, 0, 2]) + epsilon())
    input_length = tf.cast(input_length, tf.int32)
    if greedy:
        decoded, log_prob = tf.nn.ctc_greedy_decoder(inputs=y_pred,
                                                     sequence_length=input_length)
    else:
        decoded, log_prob = tf.nn.ctc_beam_search_decoder(
            inputs=y_pred, sequence_length=input_length, beam_width=beam_width,
            top_paths=top_paths)
    decoded_dense = []
    for st in decoded:
        st = tf.SparseTensor(st.indices, st.values, (num_samples, num_steps))
        decoded_dense.append(tf.sparse.to_dense(sp_input=st, default_value=-1))
    return decoded_dense, log_prob

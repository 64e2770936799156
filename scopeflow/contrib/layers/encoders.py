"""contrib.layers' embedding helpers that tf_slim left out: `embed_sequence` (an `embeddings`
model variable under `EmbedSequence/`) and `embedding_lookup_unique`."""

from scopeflow.core.frame import default_graph
from scopeflow.core.scopes import variable_scope
from scopeflow.layers.core import tf_api
from scopeflow.slim.variables import model_variable


def embedding_lookup_unique(params, ids, partition_strategy="mod", name=None):
    """`embedding_lookup` of each distinct id once, for ids of any rank:
    ids (d1, ..., dn) -> (d1, ..., dn) + params.shape[1:].

    >>> import scopeflow as tf
    >>> emb = tf.constant([[0., 1.], [2., 3.], [4., 5.]])
    >>> tf.contrib.layers.embedding_lookup_unique(emb, [[2, 0], [2, 2]]).shape.as_list()
    [2, 2, 2]
    """
    tf = tf_api()
    with default_graph().name_scope(name or "EmbeddingLookupUnique"):
        ids = tf.convert_to_tensor(ids)
        shape = tf.shape(ids)
        flat = tf.reshape(ids, tf.reduce_prod(shape, keepdims=True))  # (n,)
        unique_ids, idx = tf.unique(flat)
        unique_embeddings = tf.nn.embedding_lookup(params, unique_ids, partition_strategy)
        embeds = tf.reshape(tf.gather(unique_embeddings, idx),
                            tf.concat([shape, tf.shape(unique_embeddings)[1:]], 0))
        embeds.set_shape(ids.shape.concatenate(unique_embeddings.shape[1:]))
        return embeds


def embed_sequence(ids, vocab_size=None, embed_dim=None, unique=False, initializer=None,
                   regularizer=None, trainable=True, scope=None, reuse=None):
    """ids (batch, time) -> embeddings (batch, time, embed_dim) from the model variable
    `<scope or EmbedSequence>/embeddings` of shape (vocab_size, embed_dim).

    >>> import scopeflow as tf
    >>> ids = tf.constant([[1, 2, 0]])
    >>> tf.contrib.layers.embed_sequence(ids, vocab_size=4, embed_dim=5).shape.as_list()
    [1, 3, 5]
    """
    if not (reuse or (vocab_size and embed_dim)):
        # (TF 1.15's message, its missing space included)
        raise ValueError("Must specify vocab size and embedding dimension when not"
                         "reusing. Got vocab_size=%s and embed_dim=%s"
                         % (vocab_size, embed_dim))
    with variable_scope(scope, "EmbedSequence", [ids], reuse=reuse):
        shape = [vocab_size, embed_dim]
        if (reuse and vocab_size is None) or embed_dim is None:
            shape = None
        embeddings = model_variable("embeddings", shape=shape, initializer=initializer,
                                    regularizer=regularizer, trainable=trainable)
        if unique:
            return embedding_lookup_unique(embeddings, ids)
        return tf_api().nn.embedding_lookup(embeddings, ids)

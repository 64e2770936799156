"""tf.RaggedTensor and tf.ragged (graph mode); the public names live in scopeflow.api.ragged."""

"""`tf.losses`: TF1 loss functions, the LOSSES collection and weighted reductions."""

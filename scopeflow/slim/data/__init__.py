"""`slim.data` (tf_slim.data): datasets, TF-Example decoding, providers, parallel readers and
prefetch queues for queue-based input pipelines.

>>> import scopeflow as tf
>>> tf.contrib.slim.dataset.Dataset("f.tfrecord", tf.TFRecordReader, None, 1, {}).num_samples
1
"""

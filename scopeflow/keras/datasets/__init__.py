"""`tf.keras.datasets`: the Keras datasets, fetched once into `~/.keras/datasets` by
`tf.keras.utils.get_file` (the same files and hashes as tf_keras) and read as tf_keras reads
them: mnist, fashion_mnist, cifar10, cifar100, boston_housing, imdb, reuters."""

from scopeflow.keras.datasets import (  # noqa: F401 - submodules
    boston_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)

"""Models before they are built, against tf_keras: a Sequential (a class that defines `build`)
has no weights to show yet (ValueError, tf_keras' wording), a subclass without its own `build`
shows none; `count_params` and `summary` refuse an unbuilt model or layer."""

from oracle import snippet_matches

PROGRAM = r'''
K = tf.keras
def attempt(f):
    try:
        r = f()
        return ["ok", len(r) if isinstance(r, list) else r]
    except Exception as e:
        return [type(e).__name__, str(e)]
class Sub(K.Model):
    def __init__(self):
        super().__init__()
        self.d = K.layers.Dense(2)
    def call(self, x):
        return self.d(x)
seq, sub, layer = K.models.Sequential([K.layers.Dense(2)]), Sub(), K.layers.Dense(3)
result = [[attempt(lambda: m.get_weights()), attempt(lambda: m.weights),
           attempt(lambda: m.trainable_weights), attempt(lambda: m.non_trainable_weights),
           attempt(m.count_params), attempt(m.summary)] for m in (seq, sub)]
result.append([attempt(layer.get_weights), attempt(layer.count_params)])
built = K.models.Sequential([K.layers.Dense(2, input_shape=(3,))])
result.append([attempt(built.get_weights), attempt(built.count_params)])
'''


def test_unbuilt_models_and_layers_as_tf_keras(oracle):
    snippet_matches(oracle, PROGRAM)

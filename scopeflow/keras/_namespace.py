"""A Keras namespace that holds TF's names only.

tf.keras and tf.keras.layers are this package's own modules here; their implementation
modules (hdf5, backend_ops, conv, recurrent, ...) stay importable (sys.modules) but are not
attributes of the namespace, as in TF, including those imported later (the import system's
setattr of a submodule on its package is dropped for them).
"""

import sys
import types


def hide_modules(module_name, public):
    """Hides the submodules of `module_name` that are not in `public` (a set of names)."""
    module = sys.modules[module_name]

    def private(name, value):
        return isinstance(value, types.ModuleType) and name not in public and \
            value.__name__.startswith(module_name + ".")

    for name, value in list(vars(module).items()):
        if private(name, value):
            delattr(module, name)

    class Namespace(types.ModuleType):
        def __setattr__(self, name, value):
            if not private(name, value):
                super().__setattr__(name, value)

    module.__class__ = Namespace

"""`tf.estimator.Exporter`: what train_and_evaluate calls after each evaluation to export
the model (the base class; FinalExporter and LatestExporter export SavedModels).

>>> Exporter().name
Traceback (most recent call last):
NotImplementedError
"""


class Exporter:
    """A class representing a type of model export."""

    @property
    def name(self):
        raise NotImplementedError

    def export(self, estimator, export_path, checkpoint_path, eval_result,
               is_the_final_export):
        raise NotImplementedError

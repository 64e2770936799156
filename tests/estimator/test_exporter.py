"""The exporters' choices (no model): FinalExporter only at the end, LatestExporter keeping
the newest exports, BestExporter when the loss improves; argument checks."""

import os

import pytest


class _FakeEstimator:
    """export_saved_model makes export_path/<10-digit version>; returns it."""

    def __init__(self, model_dir):
        self.model_dir, self.version = model_dir, 1000000000

    def export_saved_model(self, export_path, fn, assets_extra=None, as_text=False,
                           checkpoint_path=None):
        self.version += 1
        path = os.path.join(export_path, str(self.version))
        os.makedirs(path)
        return path.encode()


def test_exporters(tf, tmp_path):
    E = tf.estimator
    est = _FakeEstimator(str(tmp_path))
    final = E.FinalExporter("final", None)
    assert final.export(est, str(tmp_path / "f"), "c", {}, False) is None
    assert final.export(est, str(tmp_path / "f"), "c", {}, True).endswith(b"1000000001")
    latest = E.LatestExporter("latest", None, exports_to_keep=2)
    for _ in range(4):
        latest.export(est, str(tmp_path / "l"), "c", {}, False)
    assert sorted(os.listdir(tmp_path / "l")) == ["1000000004", "1000000005"]
    best = E.BestExporter("best", None, event_file_pattern=None)
    got = [best.export(est, str(tmp_path / "b"), "c", {"loss": loss}, False)
           for loss in (3.0, 4.0, 2.0)]
    assert [g is not None for g in got] == [True, False, True]


def test_exporter_arguments(tf):
    E = tf.estimator
    with pytest.raises(ValueError, match="must be positive number"):
        E.LatestExporter("x", None, exports_to_keep=0)
    with pytest.raises(ValueError, match="must include best_eval_result argument"):
        E.BestExporter(compare_fn=lambda a, b: True)
    with pytest.raises(TypeError, match="`exporters` must be an Exporter"):
        E.EvalSpec(lambda: None, exporters=[1])

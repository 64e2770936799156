"""TF's image decoders against real TF, per format and op: tf.image.decode_gif (four dims,
animated or not, JPEG / PNG as one frame), decode_bmp (TF's own BMP reader: 8 / 24 / 32 bits,
channel requests), decode_image / decode_png / decode_jpeg on GIF and BMP (dtype scaling, TF's
refusals of a format by the wrong op), shapes and errors."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

FILES = {
    "rgb_bmp": (
        "Qk1mAAAAAAAAADYAAAAoAAAABQAAAAMAAAABABgAAAAAADAAAADEDgAAxA4AAAAAAAAAAAAAT//BJZHLcFPA"
        "gJA8gRejAH7/7okAByDMw2Wqyx6FTQDB9CWA62qM/0e4Zy+8FEgA"),
    "rgba_bmp": (
        "Qk1OAAAAAAAAADYAAAAoAAAAAwAAAAIAAAABACAAAAAAABgAAADEDgAAxA4AAAAAAAAAAAAAdHn8q5KNhmV/"
        "fRnvrr/ML04eR2N2qu1Y"),
    "gray_bmp": (
        "Qk1CBAAAAAAAADYEAAAoAAAAAgAAAAMAAAABAAgAAAAAAAwAAADEDgAAxA4AAAABAAAAAQAAAAAAAAEBAQAC"
        "AgIAAwMDAAQEBAAFBQUABgYGAAcHBwAICAgACQkJAAoKCgALCwsADAwMAA0NDQAODg4ADw8PABAQEAAREREA"
        "EhISABMTEwAUFBQAFRUVABYWFgAXFxcAGBgYABkZGQAaGhoAGxsbABwcHAAdHR0AHh4eAB8fHwAgICAAISEh"
        "ACIiIgAjIyMAJCQkACUlJQAmJiYAJycnACgoKAApKSkAKioqACsrKwAsLCwALS0tAC4uLgAvLy8AMDAwADEx"
        "MQAyMjIAMzMzADQ0NAA1NTUANjY2ADc3NwA4ODgAOTk5ADo6OgA7OzsAPDw8AD09PQA+Pj4APz8/AEBAQABB"
        "QUEAQkJCAENDQwBEREQARUVFAEZGRgBHR0cASEhIAElJSQBKSkoAS0tLAExMTABNTU0ATk5OAE9PTwBQUFAA"
        "UVFRAFJSUgBTU1MAVFRUAFVVVQBWVlYAV1dXAFhYWABZWVkAWlpaAFtbWwBcXFwAXV1dAF5eXgBfX18AYGBg"
        "AGFhYQBiYmIAY2NjAGRkZABlZWUAZmZmAGdnZwBoaGgAaWlpAGpqagBra2sAbGxsAG1tbQBubm4Ab29vAHBw"
        "cABxcXEAcnJyAHNzcwB0dHQAdXV1AHZ2dgB3d3cAeHh4AHl5eQB6enoAe3t7AHx8fAB9fX0Afn5+AH9/fwCA"
        "gIAAgYGBAIKCggCDg4MAhISEAIWFhQCGhoYAh4eHAIiIiACJiYkAioqKAIuLiwCMjIwAjY2NAI6OjgCPj48A"
        "kJCQAJGRkQCSkpIAk5OTAJSUlACVlZUAlpaWAJeXlwCYmJgAmZmZAJqamgCbm5sAnJycAJ2dnQCenp4An5+f"
        "AKCgoAChoaEAoqKiAKOjowCkpKQApaWlAKampgCnp6cAqKioAKmpqQCqqqoAq6urAKysrACtra0Arq6uAK+v"
        "rwCwsLAAsbGxALKysgCzs7MAtLS0ALW1tQC2trYAt7e3ALi4uAC5ubkAurq6ALu7uwC8vLwAvb29AL6+vgC/"
        "v78AwMDAAMHBwQDCwsIAw8PDAMTExADFxcUAxsbGAMfHxwDIyMgAycnJAMrKygDLy8sAzMzMAM3NzQDOzs4A"
        "z8/PANDQ0ADR0dEA0tLSANPT0wDU1NQA1dXVANbW1gDX19cA2NjYANnZ2QDa2toA29vbANzc3ADd3d0A3t7e"
        "AN/f3wDg4OAA4eHhAOLi4gDj4+MA5OTkAOXl5QDm5uYA5+fnAOjo6ADp6ekA6urqAOvr6wDs7OwA7e3tAO7u"
        "7gDv7+8A8PDwAPHx8QDy8vIA8/PzAPT09AD19fUA9vb2APf39wD4+PgA+fn5APr6+gD7+/sA/Pz8AP39/QD+"
        "/v4A////ABTVAADviQAAsuQAAA=="),
    "anim_gif": (
        "R0lGODlhAwAEAIIAANqzbYaL+yCGccVfgGtlsdhEtd8CB0RCxyH/C05FVFNDQVBFMi4wAwEAAAAh+QQABQAA"
        "ACwAAAAAAwAEAAAIEAAHEDhAAECAAwIKAChgICAAIfkEAQUACAAsAAAAAAMABACCbPinatdfo6tEwnPiC3Xp"
        "wE6J8CPeahypCBAABxwQAGBAAAIHCgQwMCAgACH5BAEFAAgALAAAAAADAAQAguTnKJj9zFLHoreJ/T+RPFts"
        "qVA9y2gqZAgQAAUUEBAAwAAABQgYOGAgIAA7"),
    "one_gif": (
        "R0lGODdhAwAEAIIAANqzbYaL+yCGccVfgGtlsdhEtd8CB0RCxywAAAAAAwAEAAAIEAAHEDhAAECAAwIKAChg"
        "ICAAOw=="),
    "jpg": (
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4n"
        "ICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIyMjIyMjIyMjIy"
        "MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjL/wAARCAAEAAQDASIAAhEBAxEB/8QAHwAAAQUBAQEB"
        "AQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKB"
        "kaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1"
        "dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl"
        "5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcF"
        "BAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5"
        "OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0"
        "tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDp/CEMOsaf"
        "czzxLFtmQKkHyKoaGKQ8f7zsc9TnnJoooryK2k7Iqo3GVo6LT8j/2Q=="),
    "png": (
        "iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAASFvFNAAAAHUlEQVR4nGM4sXP5ajknXUl3RpXL0+Mfmb0Q"
        "3AEAVKoIeNpidR8AAAAASUVORK5CYII="),
}

PRELUDE = ORACLE_HELPERS + "FILES = %r\n" % FILES + r"""
import base64
import numpy as np
data = {k: base64.b64decode(v) for k, v in FILES.items()}
data["junk"] = b"hello world"
data["short_bmp"] = data["rgb_bmp"][:40]
c = tf.placeholder(tf.string, [], name="c")
def table(ops):
    out = []
    with tf.Session() as s:
        for fn in sorted(data):
            for k in sorted(ops):
                r = err(lambda: s.run(ops[k], {c: data[fn]}))
                if r == "ok" or r[0] == "ok":
                    v = s.run(ops[k], {c: data[fn]})
                    # (JPEG pixels: libjpeg's IFAST DCT in TF, Pillow's ISLOW here)
                    r = [list(v.shape), str(v.dtype),
                         None if fn == "jpg" else np.asarray(v, np.float64).ravel().tolist()]
                out.append([fn, k, r])
    return out
"""

SNIPPETS = {
    "gif_bmp_ops": """
ops = {"gif": tf.image.decode_gif(c), "bmp": tf.image.decode_bmp(c),
       "bmp3": tf.io.decode_bmp(c, channels=3), "bmp4": tf.image.decode_bmp(c, channels=4),
       "bmp1": tf.image.decode_bmp(c, channels=1)}
result = [[[t.name, t.op.type, t.shape.as_list()] for _, t in sorted(ops.items())],
          table(ops)]
""",
    "other_ops": """
ops = {"img": tf.image.decode_image(c), "img_na": tf.image.decode_image(
           c, expand_animations=False),
       "img16": tf.image.decode_image(c, dtype=tf.uint16, expand_animations=False),
       "imgf": tf.image.decode_image(c, dtype=tf.float32),
       "png": tf.image.decode_png(c), "jpeg": tf.image.decode_jpeg(c),
       "jpeg4": tf.image.decode_jpeg(c, channels=4)}
result = table(ops)
""",
    "graph_errors": """
result = [err(lambda: tf.image.decode_gif(tf.zeros([2], tf.string))),
          err(lambda: tf.image.decode_bmp(tf.zeros([2], tf.string))),
          err(lambda: tf.image.decode_gif(tf.zeros([], tf.int32))),
          tf.image.decode_bmp(c, channels=2).shape.as_list()]
""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_image_decode_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there, tol=0), explain(code, here, there)

"""Gradient of RGBToHSV as TF's image_grad builds it: per channel, the piecewise partial
derivatives of value, saturation and hue, selected by 0/1 masks of which channel is the
pixel's largest and smallest (ties: red before green before blue), with div_no_nan
reciprocals (0 where a denominator is 0), multiplied by the incoming gradient's channels and
stacked back. The op names, types and inputs are TF's, so the graph reads as TF's."""

from scopeflow.gradients.registry import gradient

# Hue partials, per channel: five terms, each
# 60 * [channel m > 0] * big[m] (* small[s]) (* -1) (* (ch[p] - ch[q])) * reciprocal part,
# the reciprocal part one of "sv" (1 / s^2 * 1 / v^2), ("sq", p, q) (1 / (ch[p] - ch[q])^2)
# or ("lin", p, q) (1 / (ch[p] - ch[q])). Channels: 0 red, 1 green, 2 blue.
_R, _G, _B = 0, 1, 2
_HUE = (
    ((_R, None, True, (_G, _B), "sv"), (_G, _R, False, (_B, _G), ("sq", _R, _G)),
     (_G, _B, True, None, ("lin", _G, _B)), (_B, _R, False, (_B, _G), ("sq", _B, _R)),
     (_B, _G, False, None, ("lin", _B, _G))),
    ((_G, None, True, (_B, _R), "sv"), (_R, _G, False, (_R, _B), ("sq", _R, _G)),
     (_R, _B, False, None, ("lin", _R, _B)), (_B, _G, False, (_R, _B), ("sq", _B, _G)),
     (_B, _R, True, None, ("lin", _B, _R))),
    ((_B, None, True, (_R, _G), "sv"), (_R, _B, False, (_G, _R), ("sq", _R, _B)),
     (_R, _G, True, None, ("lin", _R, _G)), (_G, _B, False, (_G, _R), ("sq", _G, _B)),
     (_G, _R, False, None, ("lin", _G, _R))),
)
# Saturation partials: the other two channels of each, in the order TF sums them
_OTHERS = ((_G, _B), (_R, _B), (_G, _R))


def _safe_reciprocal(x):
    from scopeflow.ops.math import div_no_nan
    from scopeflow.ops.math_cast import cast
    return div_no_nan(cast(1.0, x.dtype), x)


@gradient("RGBToHSV")
def _rgb_to_hsv_grad(op, grad):
    from scopeflow.ops.joining import stack
    from scopeflow.ops.math import add
    from scopeflow.ops.math_cast import cast
    from scopeflow.ops.math_unary import square
    image, hsv = op._inputs[0], op._outputs[0]
    ch = [image[..., k] for k in range(3)]
    sat, val = hsv[..., 1], hsv[..., 2]
    dtype = image.dtype
    r, g, b = ch
    big = [cast((r >= b) & (r >= g), dtype), cast((g > r) & (g >= b), dtype),
           cast((b > r) & (b > g), dtype)]
    small = [cast((r < b) & (r < g), dtype), cast((g <= r) & (g < b), dtype),
             cast((b <= r) & (b <= g), dtype)]

    def positive(k):
        return cast(ch[k] > 0, dtype)

    def d_saturation(c):
        o1, o2 = _OTHERS[c]
        mask = positive(c)
        as_max = big[c] * add(small[o1] * ch[o1], small[o2] * ch[o2]) * _safe_reciprocal(
            square(ch[c]))
        as_min = small[c] * -1 * _safe_reciprocal(big[o1] * ch[o1] + big[o2] * ch[o2])
        return mask * add(as_max, as_min)

    def hue_term(m, s, negate, diff, den):
        t = positive(m) * big[m]
        if s is not None:
            t = t * small[s]
        if negate:
            t = t * -1
        if diff is not None:
            t = t * (ch[diff[0]] - ch[diff[1]])
        if den == "sv":
            t = t * _safe_reciprocal(square(sat)) * _safe_reciprocal(square(val))
        elif den[0] == "sq":
            t = t * _safe_reciprocal(square(ch[den[1]] - ch[den[2]]))
        else:
            t = t * _safe_reciprocal(ch[den[1]] - ch[den[2]])
        return 60 * t

    def d_hue(c):
        t1, t2, t3, t4, t5 = (hue_term(*term) for term in _HUE[c])
        return (t1 + t2 + t3 + t4 + t5) / 360

    ds = [d_saturation(c) for c in range(3)]
    dh = [d_hue(c) for c in range(3)]
    parts = [stack([grad[..., k] * d[c] for c in range(3)], axis=-1)
             for k, d in ((2, big), (1, ds), (0, dh))]
    return add(add(parts[0], parts[1]), parts[2])

"""Approximate coordinates (longitude, latitude; city centres, WGS-84, rounded) for centres registered without
their own. Used only to draw the capacity map; a centre's own coordinates always win."""

from __future__ import annotations

CITY_CENTRES: dict[str, tuple[float, float]] = {
    "suzhou": (120.585, 31.299), "suzhou-sip": (120.719, 31.317), "suzhou-gusu": (120.617, 31.336),
    "suzhou-huqiu": (120.566, 31.295), "suzhou-wuzhong": (120.632, 31.262), "suzhou-xiangcheng": (120.642, 31.369),
    "suzhou-wujiang": (120.645, 31.139), "suzhou-changshu": (120.753, 31.654),
    "suzhou-zhangjiagang": (120.554, 31.875), "suzhou-kunshan": (120.981, 31.385),
    "suzhou-taicang": (121.130, 31.458),
    "guangzhou": (113.264, 23.129), "shaoguan": (113.597, 24.810), "shenzhen": (114.058, 22.543),
    "zhuhai": (113.577, 22.271), "shantou": (116.682, 23.354), "foshan": (113.122, 23.029),
    "jiangmen": (113.082, 22.579), "zhanjiang": (110.359, 21.271), "zhaoqing": (112.465, 23.047),
    "huizhou": (114.416, 23.111), "dongguan": (113.752, 23.021), "zhongshan": (113.393, 22.517),
    "hong_kong": (114.174, 22.320), "macao": (113.544, 22.199),
}


def approximate(*codes: str) -> tuple[float, float] | None:
    """The first known (longitude, latitude) among the codes (a district's, then its city's)."""
    for code in codes:
        if code in CITY_CENTRES:
            return CITY_CENTRES[code]
    return None

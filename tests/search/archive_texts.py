"""Small replies written for the relaxed-matching, question and synonym tests (ingested through the real service)."""

REPLIES = {
    "route_school": "关于延伸101路公交线路的答复\n\n网友您好：经研究，101路公交车线路将延伸至实验学校门口，方便学生上下学。感谢您的关心。",
    "route_only": "关于优化809路公交线路的答复\n\n网友您好：您关于优化809路公交线路的建议已收集，待下一轮线网优化时认真考虑。",
    "hawkers": "关于整治流动摊贩扰民的答复\n\n网友您好：针对您反映的夜间流动摊贩占道经营、噪声扰民问题，城管执法中队已组织整治。",
    "toilet_official": "关于汽车西站公共厕所收费的答复\n\n乘客您好：汽车西站候车室的公共厕所收费已责令停止，本站将加强管理，感谢监督。",
    "toilet_citizen": "关于火车站公厕收费的答复\n\n网友您好：您反映火车站广场公厕收费一事，经查属实，已要求管理单位免费开放公厕。",
    "school_entry": "关于小学入学条件的答复\n\n您好：适龄儿童入学需提供户口簿和房产证明，具体条件以区教育局当年招生公告为准。",
}


def ingest_replies(ingest, *names: str, publish: bool = True) -> dict:
    """The named replies, ingested and indexed; name → Reply."""
    return {name: ingest(content=REPLIES[name].encode("utf-8"), filename=f"{name}.txt", publish=publish).reply
            for name in names}

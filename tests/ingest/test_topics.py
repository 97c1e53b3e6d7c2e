from replies.ingest.topics import MAX_TOPICS, assign_topics, body_keywords, topic_vocabulary

SHORT_REPLY = (
    "张明代表：您提出的建议收悉。我市高度重视芯片产业发展，已组织企业对接，"
    "推动封装测试项目落地，并支持芯片设计企业申报省级专项资金。感谢您对我们工作的关心。"
)


def test_a_topic_named_twice_but_central_is_found_by_jieba_keywords():
    assert "芯片" in body_keywords(SHORT_REPLY)
    assert SHORT_REPLY.count("芯片") < 3, "below the keyword-count rule"
    assert "integrated-circuits" in assign_topics(title="关于发展产业的答复", body=SHORT_REPLY)


def test_a_word_mentioned_in_passing_is_not_a_topic():
    body = (
        "我市以科技创新引领产业发展，建设省级技术中心和工程研究平台，推动产学研协同攻关。"
        "今年新认定高新技术企业一百二十家，研发投入强度持续提高，科技创新券兑付规模扩大。"
        "下一步将完善科技创新政策体系，强化企业创新主体地位，加快科技成果转移转化，"
        "并在园区规划、土地供应和公共服务等方面同时关注人才。"
    )
    topics = assign_topics(title="答复", body=body)
    assert "innovation" in topics
    assert "talent" not in topics


def test_a_title_keyword_assigns_its_topic_and_the_strongest_few_are_kept():
    body = "。".join(keyword * 3 for topic in topic_vocabulary() for keyword in topic.keywords[:1])
    topics = assign_topics(title="关于加强安全生产的答复", body=body)
    assert len(topics) == MAX_TOPICS
    assert "work-safety" in topics
    slugs = [topic.slug for topic in topic_vocabulary()]
    assert topics == sorted(topics, key=slugs.index), "in vocabulary order"

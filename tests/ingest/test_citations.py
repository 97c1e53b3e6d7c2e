from replies.ingest.citations import KIND_DOC_NUMBER, KIND_TITLE, find_citations


def test_titles_and_doc_numbers_are_found_in_order_of_mention():
    body = ("根据《关于加快推进制造业智能化改造和数字化转型的实施意见》（常办电〔2021〕39号）要求，"
            "我局印发了常工信规[2020]5号，并落实《中华人民共和国安全生产法》。")
    found = find_citations(body)
    assert [(c.kind, c.name) for c in found] == [
        (KIND_TITLE, "关于加快推进制造业智能化改造和数字化转型的实施意见"),
        (KIND_DOC_NUMBER, "常办电〔2021〕39号"),
        (KIND_DOC_NUMBER, "常工信规〔2020〕5号"),
        (KIND_TITLE, "中华人民共和国安全生产法"),
    ]


def test_the_same_document_in_other_brackets_or_with_its_period_is_one_citation():
    body = "《三年行动计划（2020—2022年）》和《三年行动计划》，以及常办电〔2021〕39号与常办电[2021]第39号。"
    found = find_citations(body)
    assert len(found) == 2
    assert found[0].name == "三年行动计划(2020—2022年)"


def test_the_reply_itself_its_proposal_and_back_references_are_not_citations():
    body = ("您提出的《关于培育壮大龙头企业带动我市产业集聚发展的建议》收悉。上述《行动计划》已实施。"
            "本复函文号为常工信复〔2021〕第35号。另见〔2021〕12号。")
    found = find_citations(body, own_doc_number_key="常工信复|2021|35",
                           proposal_title="关于培育壮大龙头企业带动我市产业集聚发展的建议")
    assert found == [], "own doc number, the proposal, a generic back-reference and an issuer-less number"

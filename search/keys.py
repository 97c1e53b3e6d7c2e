"""Canonical keys that make differently printed numbers compare equal."""


def proposal_key(number: str) -> str:
    """"0287", "287" and "第0287号" all become "287"."""
    digits = "".join(character for character in number if character.isdigit())
    return digits.lstrip("0") or ("0" if digits else "")


def doc_year_serial_key(year: int, serial: str) -> str:
    """A doc number without its issuer, for queries such as 〔2021〕47号."""
    return f"{year}|{proposal_key(serial)}"

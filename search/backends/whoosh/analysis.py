"""The Whoosh tokenizers for the reply index's text fields: the tokens of search.analysis, with positions
and character offsets as Whoosh records them."""
from whoosh.analysis import Composable, LowercaseFilter, Token, Tokenizer

from search.analysis import segment, subword_pieces


class _PieceTokenizer(Tokenizer):
    def pieces(self, value: str) -> list[tuple[str, int, int, int]]:
        """(text, position, start character, end character) of each token."""
        raise NotImplementedError

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for text, position, start, end in self.pieces(value):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class JiebaTokenizer(_PieceTokenizer):
    def pieces(self, value: str) -> list[tuple[str, int, int, int]]:
        return [(word, number, start, end) for number, (word, start, end) in enumerate(segment(value))]


class SubwordTokenizer(_PieceTokenizer):
    def pieces(self, value: str) -> list[tuple[str, int, int, int]]:
        return subword_pieces(value)


def JiebaAnalyzer() -> Composable:
    return JiebaTokenizer() | LowercaseFilter()


def SubwordAnalyzer() -> Composable:
    return SubwordTokenizer()

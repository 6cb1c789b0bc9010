"""`hyphenate`: soft hyphens only in words too long for a phone's line, and escaping kept."""

from kb.web.templatetags.typography import SOFT_HYPHEN, hyphenate


def test_only_words_too_long_for_a_line_get_soft_hyphens():
    result = hyphenate("Клиентоориентированность и субподрядчиком")
    long_word, _, short_word = result.split(" ")
    assert SOFT_HYPHEN in long_word
    assert long_word.replace(SOFT_HYPHEN, "") == "Клиентоориентированность"
    assert short_word == "субподрядчиком"


def test_markup_in_the_text_stays_escaped():
    assert hyphenate("<b>Клиентоориентированность</b>").startswith("&lt;b&gt;")

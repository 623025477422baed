"""Text parsing the way Telegram does it: parse modes, entities, lengths, commands.

Telegram checks limits on the text *after* entity parsing and counts UTF-16
code units, so a bot that passes here by accident (raw HTML counted, emoji
counted as one char) would fail in production. The HTML parser follows
tdlib's rules and error wording closely (tag set, byte offsets); MarkdownV2 and
Markdown are parsed well enough to strip markup, find unclosed entities and
unescaped reserved characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.localapi.errors import ApiError, bad_request

ENTITY_TYPES = frozenset(
    {
        "mention",
        "hashtag",
        "cashtag",
        "bot_command",
        "url",
        "email",
        "phone_number",
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "blockquote",
        "expandable_blockquote",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
        "date_time",
    }
)

_HTML_TAGS = {
    "a": "text_link",
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
    "pre": "pre",
    "code": "code",
    "blockquote": "blockquote",
}
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_MD2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MD2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
}
_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits and offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class FormattedText:
    """Plain text plus entities, what Telegram stores after parsing."""

    text: str
    entities: list[dict[str, Any]]


def _cant_parse(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


class _Builder:
    """Accumulates output text while tracking UTF-16 and source byte offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.u16 = 0
        self.entities: list[dict[str, Any]] = []

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.u16 += utf16_len(chunk)

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        length = self.u16 - start
        if length > 0:
            self.entities.append({"type": kind, "offset": start, "length": length, **extra})

    def result(self) -> FormattedText:
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return FormattedText("".join(self.parts), self.entities)


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def parse_html(text: str) -> FormattedText:
    """Telegram's HTML parse mode; raises Telegram's "can't parse entities" errors."""
    out = _Builder()
    stack: list[tuple[str, int, dict[str, str]]] = []
    i, size = 0, len(text)
    while i < size:
        c = text[i]
        if c == "&":
            end = text.find(";", i + 1, i + 12)
            name = text[i + 1 : end] if end != -1 else ""
            decoded: str | None = _HTML_NAMED.get(name)
            if decoded is None and name.startswith("#") and len(name) > 1:
                try:
                    code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
                    decoded = chr(code) if 0 < code < 0x110000 else None
                except ValueError:
                    decoded = None
            if decoded is None:
                out.add("&")
                i += 1
            else:
                out.add(decoded)
                i = end + 1
            continue
        if c != "<":
            j = i
            while j < size and text[j] not in "<&":
                j += 1
            out.add(text[i:j])
            i = j
            continue
        begin = _byte_offset(text, i)
        i += 1
        if i < size and text[i] == "/":
            i += 1
            if not stack:
                raise _cant_parse(f"Unexpected end tag at byte offset {begin}")
            j = i
            while j < size and (text[j].isalnum() or text[j] == "-"):
                j += 1
            end_name = text[i:j].lower()
            i = j
            while i < size and text[i].isspace():
                i += 1
            if i >= size or text[i] != ">":
                raise _cant_parse(f"Unclosed end tag at byte offset {begin}")
            i += 1
            open_tag, start, open_attrs = stack.pop()
            if end_name and end_name != open_tag:
                raise _cant_parse(
                    f'Unmatched end tag at byte offset {begin}, expected "</{open_tag}>", '
                    f'found "</{end_name}>"'
                )
            _close_html_entity(out, open_tag, start, open_attrs)
            continue
        j = i
        while j < size and (text[j].isalnum() or text[j] == "-"):
            j += 1
        tag = text[i:j].lower()
        if tag not in _HTML_TAGS:
            raise _cant_parse(f'Unsupported start tag "{tag}" at byte offset {begin}')
        i = j
        attrs: dict[str, str] = {}
        while True:
            while i < size and text[i].isspace():
                i += 1
            if i >= size:
                raise _cant_parse(f"Unclosed start tag at byte offset {begin}")
            if text[i] == ">":
                i += 1
                break
            j = i
            while j < size and (text[j].isalnum() or text[j] in "-_"):
                j += 1
            attr = text[i:j].lower()
            if not attr:
                raise _cant_parse(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
            i = j
            while i < size and text[i].isspace():
                i += 1
            value = ""
            if i < size and text[i] == "=":
                i += 1
                while i < size and text[i].isspace():
                    i += 1
                if i < size and text[i] in "\"'":
                    quote = text[i]
                    close = text.find(quote, i + 1)
                    if close == -1:
                        raise _cant_parse(f"Unclosed start tag at byte offset {begin}")
                    value = text[i + 1 : close]
                    i = close + 1
                else:
                    j = i
                    while j < size and not text[j].isspace() and text[j] != ">":
                        j += 1
                    value = text[i:j]
                    i = j
            attrs[attr] = parse_html(value).text if "&" in value else value
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise _cant_parse(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        stack.append((tag, out.u16, attrs))
    if stack:
        raise _cant_parse(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.result()


def _close_html_entity(out: _Builder, tag: str, start: int, attrs: dict[str, str]) -> None:
    kind = _HTML_TAGS[tag]
    if kind == "text_link":
        href = attrs.get("href", "")
        if href:
            out.entity("text_link", start, url=href)
        return
    if kind == "blockquote" and "expandable" in attrs:
        kind = "expandable_blockquote"
    if kind == "custom_emoji":
        out.entity(kind, start, custom_emoji_id=attrs.get("emoji-id", ""))
        return
    if kind == "pre" and attrs.get("class", "").startswith("language-"):
        out.entity(kind, start, language=attrs["class"][len("language-") :])
        return
    out.entity(kind, start)


def parse_markdown_v2(text: str) -> FormattedText:
    """MarkdownV2: strips markup, enforces escaping of reserved characters."""
    out = _Builder()
    stack: list[tuple[str, int, int]] = []  # (kind, utf16 start, byte offset)
    i, size = 0, len(text)
    at_line_start = True
    while i < size:
        c = text[i]
        if c == "\\" and i + 1 < size and 0 < ord(text[i + 1]) <= 126:
            out.add(text[i + 1])
            i += 2
            at_line_start = False
            continue
        top = stack[-1][0] if stack else None
        if top in ("code", "pre"):
            if top == "pre" and text.startswith("```", i):
                kind, start, _ = stack.pop()
                out.entity(kind, start)
                i += 3
            elif top == "code" and c == "`":
                kind, start, _ = stack.pop()
                out.entity(kind, start)
                i += 1
            else:
                out.add(c)
                i += 1
            continue
        if c not in _MD2_RESERVED:
            out.add(c)
            at_line_start = c == "\n"
            i += 1
            continue
        begin = _byte_offset(text, i)
        token, md_kind = _md2_token(text, i)
        if md_kind is None:
            if c == ">" and at_line_start:
                i += 1  # blockquote marker; quote entity itself is not tracked
                continue
            raise _cant_parse(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        at_line_start = False
        if md_kind == "text_link_end":
            if top != "text_link":
                raise _cant_parse(
                    f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
                )
            _, start, _ = stack.pop()
            i += 1
            url = ""
            if i < size and text[i] == "(":
                j = i + 1
                chars: list[str] = []
                while j < size and text[j] != ")":
                    if text[j] == "\\" and j + 1 < size:
                        j += 1
                    chars.append(text[j])
                    j += 1
                if j >= size:
                    raise _cant_parse(f"Can't find end of a url at byte offset {begin + 1}")
                url = "".join(chars)
                i = j + 1
            if url:
                out.entity("text_link", start, url=url)
            continue
        if top == md_kind and md_kind != "text_link":
            _, start, _ = stack.pop()
            out.entity(md_kind, start)
        else:
            if md_kind == "pre":
                newline = text.find("\n", i + 3)
                header = text[i + 3 : newline] if newline != -1 else ""
                if newline != -1 and header and " " not in header:
                    i = newline + 1
                    stack.append((md_kind, out.u16, begin))
                    continue
            stack.append((md_kind, out.u16, begin))
        i += len(token)
    if stack:
        kind, _, begin = stack[-1]
        raise _cant_parse(f"Can't find end of {_MD2_NAMES[kind]} entity at byte offset {begin}")
    return out.result()


def _md2_token(text: str, i: int) -> tuple[str, str | None]:
    c = text[i]
    if c == "*":
        return "*", "bold"
    if c == "_":
        return ("__", "underline") if text.startswith("__", i) else ("_", "italic")
    if c == "~":
        return "~", "strikethrough"
    if c == "|" and text.startswith("||", i):
        return "||", "spoiler"
    if c == "`":
        return ("```", "pre") if text.startswith("```", i) else ("`", "code")
    if c == "[":
        return "[", "text_link"
    if c == "]":
        return "]", "text_link_end"
    return c, None


def parse_markdown(text: str) -> FormattedText:
    """Legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url)."""
    out = _Builder()
    i, size = 0, len(text)
    pairs = {"*": ("*", "bold"), "_": ("_", "italic"), "`": ("`", "code"), "[": ("]", "")}
    while i < size:
        c = text[i]
        if c == "\\" and i + 1 < size and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if c not in pairs:
            out.add(c)
            i += 1
            continue
        begin = _byte_offset(text, i)
        end_char, kind = pairs[c]
        if c == "`" and text.startswith("```", i):
            end_char, kind = "```", "pre"
            i += 3
        else:
            i += 1
        end = text.find(end_char, i)
        if end == -1:
            raise _cant_parse(f"Can't find end of the entity starting at byte offset {begin}")
        start = out.u16
        out.add(text[i:end])
        i = end + len(end_char)
        if c == "[":
            if i < size and text[i] == "(":
                close = text.find(")", i)
                if close == -1:
                    raise _cant_parse(
                        f"Can't find end of the entity starting at byte offset {begin}"
                    )
                out.entity("text_link", start, url=text[i + 1 : close])
                i = close + 1
            continue
        out.entity(kind, start)
    return out.result()


def _validate_entities(text: str, raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise bad_request("can't parse entities JSON object")
    total = utf16_len(text)
    result: list[dict[str, Any]] = []
    for item in raw:
        if not isinstance(item, dict):
            raise bad_request("can't parse MessageEntity: Object expected")
        kind = item.get("type")
        if kind not in ENTITY_TYPES:
            raise bad_request("can't parse MessageEntity: Unsupported type specified")
        offset, length = item.get("offset"), item.get("length")
        if not isinstance(offset, int) or not isinstance(length, int):
            raise bad_request('can\'t parse MessageEntity: Field "offset" must be a valid Number')
        if offset < 0:
            raise bad_request(f"receive an entity with incorrect offset {offset}")
        if offset > total:
            raise bad_request(f"entity begins after the end of the text at UTF-16 offset {offset}")
        if offset + length > total:
            raise bad_request(
                f"entity beginning at UTF-16 offset {offset} ends after the end of the text at "
                f"UTF-16 offset {offset + length}"
            )
        if length > 0:
            result.append(dict(item))
    return result


def _trim(formatted: FormattedText) -> FormattedText:
    """Telegram strips leading/trailing whitespace and shifts entities accordingly."""
    text = formatted.text
    stripped_left = text.lstrip()
    removed = utf16_len(text) - utf16_len(stripped_left)
    trimmed = stripped_left.rstrip()
    limit = utf16_len(trimmed)
    entities: list[dict[str, Any]] = []
    for entity in formatted.entities:
        start = max(entity["offset"] - removed, 0)
        end = min(entity["offset"] + entity["length"] - removed, limit)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return FormattedText(trimmed, entities)


def format_text(text: str, parse_mode: str | None, entities: Any = None) -> FormattedText:
    """Text as Telegram would store it: parsed, trimmed, auto entities added."""
    if entities is not None:
        parsed = FormattedText(text, _validate_entities(text, entities))
    else:
        mode = (parse_mode or "").lower()
        if mode == "":
            parsed = FormattedText(text, [])
        elif mode == "html":
            parsed = parse_html(text)
        elif mode == "markdownv2":
            parsed = parse_markdown_v2(text)
        elif mode == "markdown":
            parsed = parse_markdown(text)
        else:
            raise bad_request("unsupported parse_mode")
    result = _trim(parsed)
    covered = {(e["offset"], e["length"]) for e in result.entities}
    for command in command_entities(result.text):
        if (command["offset"], command["length"]) not in covered:
            result.entities.append(command)
    result.entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return result


def command_entities(text: str) -> list[dict[str, Any]]:
    """``bot_command`` entities Telegram detects in a text (incl. ``@botname``)."""
    found: list[dict[str, Any]] = []
    for match in _COMMAND_RE.finditer(text):
        found.append(
            {
                "type": "bot_command",
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group(0)),
            }
        )
    return found

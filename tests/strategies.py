"""Hypothesis strategies shared by the tests: random edits of a README."""

from hypothesis import strategies as st

NOISE = "|#-[]()*\\\r\x00 \t:!<>`"


def apply_edit(lines: list[str], edit) -> list[str]:
    kind, first, second, chars = edit
    lines = list(lines)
    if not lines:
        return [chars]
    i, j = first % len(lines), second % len(lines)
    if kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "truncate":
        lines[i] = lines[i][: second % (len(lines[i]) + 1)]
    elif kind == "insert":
        position = second % (len(lines[i]) + 1)
        lines[i] = lines[i][:position] + chars + lines[i][position:]
    elif kind == "join" and i + 1 < len(lines):
        lines[i : i + 2] = [lines[i] + lines[i + 1]]
    elif kind == "add blank":
        lines.insert(i, "")
    elif kind == "remove blank":
        blanks = [index for index, line in enumerate(lines) if line == ""]
        if blanks:
            del lines[blanks[second % len(blanks)]]
    elif kind == "final newline":
        lines = lines[:-1] if lines[-1] == "" else [*lines, ""]
    elif kind in INSERTIONS:
        position = second % (len(lines[i]) + 1)
        lines[i] = lines[i][:position] + INSERTIONS[kind] + lines[i][position:]
    elif kind == "break table":
        pipes = [index for index, char in enumerate(lines[i]) if char == "|"]
        if pipes:
            position = pipes[second % len(pipes)]
            lines[i] = lines[i][:position] + lines[i][position + 1 :]
    elif kind == "huge line":
        lines[i] = lines[i] + (chars * (100_000 // len(chars) + 1))[: 20_000 + second * 10]
    elif kind == "carriage return":
        lines[i] += "\r"
    return lines


# Characters that unbalance a line's markup, inserted anywhere.
INSERTIONS = {
    "stray pipe": "|",
    "unbalanced bracket": "[",
    "unbalanced closing bracket": "]",
    "unbalanced parenthesis": "(",
    "unbalanced closing parenthesis": ")",
    "NUL byte": "\x00",
    "byte order mark": "\ufeff",
}
EDIT_KINDS = [
    "delete",
    "duplicate",
    "swap",
    "truncate",
    "insert",
    "join",
    "add blank",
    "remove blank",
    "final newline",
    *INSERTIONS,
    "break table",
    "huge line",
    "carriage return",
]
seed_edits = st.lists(
    st.tuples(
        st.sampled_from(EDIT_KINDS),
        st.integers(0, 10_000),
        st.integers(0, 10_000),
        st.text(alphabet=st.one_of(st.sampled_from(NOISE + "\n"), st.characters()), min_size=1, max_size=4),
    ),
    min_size=1,
    max_size=8,
)


def edited(lines: list[str], edits) -> str:
    for edit in edits:
        lines = apply_edit(lines, edit)
    return "\n".join(lines)

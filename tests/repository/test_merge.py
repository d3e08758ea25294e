"""The three-way merge of README lines: both sides' changes kept, the repository's winning where they collide."""

from catalog.repository.merge import merge3

BASE = "\n".join(["# List", "", "| head |", "| row 1 |", "| row 2 |", "| row 3 |", "| row 4 |", ""])


def lines(text: str) -> list[str]:
    return text.split("\n")


def edit(text: str, old: str, new: str | None) -> str:
    out = [new if line == old else line for line in lines(text)]
    return "\n".join(line for line in out if line is not None)


def test_one_side_changed_gives_that_side():
    ours = edit(BASE, "| row 2 |", "| row 2 edited |")
    assert merge3(BASE, ours, BASE).text == ours
    assert merge3(BASE, BASE, ours).text == ours


def test_changes_of_neighbouring_lines_on_both_sides_are_both_kept():
    ours = edit(BASE, "| row 2 |", "| row 2 ours |")
    theirs = edit(BASE, "| row 3 |", "| row 3 theirs |")
    merged = merge3(BASE, ours, theirs)
    assert merged.text == edit(ours, "| row 3 |", "| row 3 theirs |")
    assert merged.conflicts == []


def test_the_same_line_changed_differently_the_repository_wins_and_the_catalogs_line_is_named():
    ours = edit(BASE, "| row 2 |", "| row 2 ours |")
    theirs = edit(BASE, "| row 2 |", "| row 2 theirs |")
    merged = merge3(BASE, ours, theirs)
    assert merged.text == theirs
    (conflict,) = merged.conflicts
    assert conflict.lost == [(5, "| row 2 ours |")]
    assert conflict.base_line == 5


def test_the_same_change_on_both_sides_is_applied_once():
    both = edit(BASE, "| row 2 |", "| row 2 edited |")
    merged = merge3(BASE, both, both)
    assert merged.text == both and merged.conflicts == []


def test_rows_inserted_at_one_place_by_both_sides_are_all_kept_once():
    ours = edit(BASE, "| head |", "| head |\n| ours new |\n| both new |")
    theirs = edit(BASE, "| head |", "| head |\n| both new |\n| theirs new |")
    merged = merge3(BASE, ours, theirs)
    assert lines(merged.text)[2:6] == ["| head |", "| both new |", "| theirs new |", "| ours new |"]
    assert merged.conflicts == []


def test_a_change_already_in_the_repository_with_more_around_it_is_not_a_conflict():
    ours = edit(BASE, "| row 2 |", "| row 2 published |")
    theirs = edit(edit(BASE, "| row 2 |", "| row 2 published |"), "| row 1 |", "| row 1 upstream |")
    theirs = edit(theirs, "| row 3 |", "| row 3 upstream |")
    merged = merge3(BASE, ours, theirs)
    assert merged.text == theirs and merged.conflicts == []


def test_a_line_the_catalog_deleted_and_the_repository_changed_keeps_the_repository_change():
    ours = edit(BASE, "| row 2 |", None)
    theirs = edit(BASE, "| row 2 |", "| row 2 theirs |")
    merged = merge3(BASE, ours, theirs)
    assert merged.text == theirs
    assert len(merged.conflicts) == 1


def test_deletions_and_additions_apart_are_all_applied():
    ours = edit(edit(BASE, "| row 1 |", None), "| row 4 |", "| row 4 |\n| ours last |")
    theirs = edit(BASE, "| row 3 |", None)
    merged = merge3(BASE, ours, theirs)
    assert lines(merged.text)[2:] == ["| head |", "| row 2 |", "| row 4 |", "| ours last |", ""]

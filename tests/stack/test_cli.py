"""A command's own errors are one line on stderr and an exit code; Ctrl-C is 130; others propagate."""

from __future__ import annotations

import pytest

from stack.cli import command


class OwnError(Exception):
    pass


def test_a_commands_own_error_is_one_line_and_its_code(capsys):
    @command("matchday thing", OwnError, 2)
    def main(fail: bool) -> int | None:
        if fail:
            raise OwnError("SETTING is wrong: set it in .env.")
        return None

    assert main(False) == 0
    assert main(True) == 2
    assert capsys.readouterr().err == "matchday thing: SETTING is wrong: set it in .env.\n"


def test_ctrl_c_is_130_and_a_foreign_error_is_not_swallowed():
    @command("matchday thing", OwnError)
    def interrupted() -> int:
        raise KeyboardInterrupt

    @command("matchday thing", OwnError)
    def broken() -> int:
        raise ValueError("a bug")

    assert interrupted() == 130
    with pytest.raises(ValueError):
        broken()

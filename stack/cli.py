"""What every `python -m` command of the project does with its own errors: one line on stderr,
prefixed with the command's name, and an exit code; Ctrl-C ends it quietly with 130."""

from __future__ import annotations

import functools
import sys
from typing import Callable


def command(name: str, errors: type[BaseException] | tuple[type[BaseException], ...], code: int = 1):
    """Decorate a command's main(): it returns its exit code (None counts as 0); an error of
    `errors` is printed as `<name>: <error>` and exits with `code`."""

    def wrap(main: Callable[..., int | None]) -> Callable[..., int]:
        @functools.wraps(main)
        def run(*args, **kwargs) -> int:
            try:
                return main(*args, **kwargs) or 0
            except errors as error:
                print(f"{name}: {error}", file=sys.stderr)
                return code
            except KeyboardInterrupt:
                return 130

        return run

    return wrap

"""The `newsetl` command tree as a whole: help with an example everywhere, a README that names only what
exists, and a start that loads no heavy library."""

import json
import re
import subprocess
import sys

import pytest
import typer.main
from typer.testing import CliRunner

from flows.cli import app
from flows.settings import PROJECT_ROOT

runner = CliRunner()
ROOT = typer.main.get_command(app)
README = PROJECT_ROOT / "README.md"


def walk(command=ROOT, path: tuple[str, ...] = ()):
    """(path, command) for the root and every command and group under it."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from walk(sub, (*path, name))


def find(path: tuple[str, ...]):
    command = ROOT
    for name in path:
        command = getattr(command, "commands", {}).get(name)
        if command is None:
            return None
    return command


def is_group(command) -> bool:
    return hasattr(command, "commands")


def flags(command) -> set[str]:
    return {"--help", *(flag for param in command.params for flag in (*param.opts, *param.secondary_opts))}


@pytest.mark.parametrize("path", [path for path, _ in walk()], ids=lambda path: " ".join(("newsetl", *path)))
def test_every_command_has_help_with_an_example(path):
    command = find(path)
    assert command.help and command.help.strip(), "a command without help"
    undocumented = [param.name for param in command.params if not getattr(param, "help", None)]
    assert not undocumented, f"options or arguments without help: {undocumented}"
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example: newsetl" in result.output


def test_the_walk_reaches_the_subcommands():
    paths = {" ".join(path) for path, _ in walk()}
    assert {"run", "sql", "serve", "quarantine replay", "lake compact", "sources check", "eval events"} <= paths


# --- the README names only commands and options that exist ---------------------------------------------

# `newsetl` where a command line starts (not `newsetl-run-summary`, not `news_etl/newsetl`), then its words
# up to the end of the line or code span, a comment or a shell operator.
USAGE = re.compile(r"(?:^|(?<=[\s(/]))newsetl(?=[ \t]|$)([^`#\n]*?)(?=$|`|\s#|\s(?:>>|>|&&|\|\||;)\s)", re.MULTILINE)
WORD = re.compile(r"[a-z][a-z-]*(?:\|[a-z][a-z-]*)*$")
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def readme_command_lines(text: str) -> list[str]:
    """The command lines of the README: in code blocks (a synopsis's indented lines joined to it) and in code spans."""
    lines = []
    for block in re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL):
        block = re.sub(r"\n[ \t]+(?=\[)", " ", block)  # a synopsis continued on the next, indented line
        lines.extend(block.splitlines())
    prose = re.sub(r"^```[a-z]*\n.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    lines.extend(span.replace("\n", " ") for span in re.findall(r"`([^`]+)`", prose))
    return lines


def readme_uses() -> list[tuple[str, list[tuple[str, ...]], list[str]]]:
    """(the line, its command paths, the --options after them) for every `newsetl ...` the README shows.

    `newsetl sources list|check` is two paths; an option after them belongs to one of them at least.
    """
    uses = []
    for line in readme_command_lines(README.read_text(encoding="utf-8")):
        for match in USAGE.finditer(line):
            words = match.group(1).split()
            paths: list[tuple[str, ...]] = [()]
            while words and is_group(find(paths[0])) and WORD.match(words[0]):
                paths = [(*path, name) for path in paths for name in words.pop(0).split("|")]
            uses.append((line, paths, FLAG.findall(" ".join(words))))
    return uses


def test_the_readme_is_read():
    commands = {path for _, paths, _ in readme_uses() for path in paths}
    assert {
        ("run",),
        ("sql",),
        ("serve",),
        ("quarantine", "replay"),
        ("lake", "compact"),
        ("eval", "events"),
    } <= commands


def test_the_readme_shows_every_command():
    """A command the README never names is one users do not know about."""
    shown = {path for _, paths, _ in readme_uses() for path in paths}
    commands = {path for path, command in walk() if path and not is_group(command)}
    assert sorted(" ".join(path) for path in commands - shown) == []


def test_every_command_and_option_in_the_readme_exists():
    wrong = []
    for line, paths, options in readme_uses():
        missing = [path for path in paths if find(path) is None]
        wrong.extend(f"no command `newsetl {' '.join(path)}`: {line}" for path in missing)
        if not missing:
            known = set().union(*(flags(find(path)) for path in paths))
            wrong.extend(
                f"`newsetl {'|'.join(' '.join(p) for p in paths)}` has no {flag}: {line}"
                for flag in options
                if flag not in known
            )
    assert not wrong, "\n".join(wrong)


def test_every_option_in_a_readme_table_exists():
    """The option tables under a `### newsetl ...` heading name options of that heading's commands."""
    wrong = []
    for section in re.split(r"^(?=#{1,3} )", README.read_text(encoding="utf-8"), flags=re.MULTILINE):
        heading = section.partition("\n")[0]
        if not heading.startswith("### "):
            continue
        uses = [paths for line, paths, _ in readme_uses() if line in heading]
        known = set().union(*(flags(find(path)) for paths in uses for path in paths if find(path)))
        for row in re.findall(r"^\| *(`--.*?)\|", section, flags=re.MULTILINE):
            wrong.extend(f"{heading}: no {flag}" for flag in FLAG.findall(row) if flag not in known)
    assert not wrong, "\n".join(wrong)


# --- starting fast ---------------------------------------------------------------------------------------

HEAVY = ("great_expectations", "prefect", "natasha", "duckdb")


def loaded_by(code: str) -> list[str]:
    """The heavy libraries a fresh interpreter has imported after running `code`."""
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.splitlines()[-1])


def newsetl(*args: str) -> str:
    return f"from flows.cli import main\nsys.argv = ['newsetl', *{list(args)!r}]\ntry:\n    main()\nexcept SystemExit:\n    pass"


def test_importing_the_cli_and_its_help_load_no_heavy_library():
    """`newsetl --help` stays fast: Prefect, GX, natasha and DuckDB load only in the commands that run them."""
    assert loaded_by("import flows.settings") == []
    assert loaded_by("import flows.cli") == []
    assert loaded_by(newsetl("--help")) == []
    assert loaded_by(newsetl("run", "--help")) == []


def test_sql_loads_duckdb_only(tmp_path):
    from warehouse import db

    con = db.connect(tmp_path / "w.duckdb")
    db.upgrade(con)
    con.close()
    assert loaded_by(newsetl("sql", "select count(*) from articles", "--db", str(tmp_path / "w.duckdb"))) == ["duckdb"]

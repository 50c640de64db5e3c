"""How the code reads: the structure figures of issue 29, counted from the syntax tree.

    python benchmarks/structure.py                  # this checkout
    python benchmarks/structure.py --root ../other  # another checkout of the project

Every figure comes from Python's `ast` module: nothing is imported from the project and no model
is trained, so a run takes about a second. Each line shows one figure, its limit, and "ok" or
"OVER". A figure over its limit lists what is over it, as file:line.

The figures and their limits (LIMITS):
  - for each forecasting case (case8_2_lstm.py, case8_3_gru.py): the lines of `main` (at most
    90); the line of `history = model.fit(` counted from the `def main` line, which is line 1
    (at most 60); the distinct calls into the project's own modules made in `main`, such as
    `forecasting.evaluate` or `windows.model_windows` (at most 15). Calls into Keras or NumPy do
    not count, and neither does a decorator such as `@cli.user_errors(...)`: it runs when `main`
    is defined, not inside it;
  - the lines of case8_1_rnn.py's `main` (at most 120);
  - the lines of compare_cells.py (at most 650) and of inside_the_cells.py (at most 550);
  - the lines of README.md (at most 300);
  - `print(` calls in the modules: every .py file under common/, except common/report/ and
    common/cli.py (none allowed);
  - uses of `redirect_stdout` in the project outside tests/ (none allowed);
  - functions with more than 7 parameters outside tests/, `self` and `cls` not counted (none
    allowed);
  - records (dataclasses and NamedTuples) with more than 7 fields outside tests/: their
    generated constructor takes one parameter per field (none allowed);
  - functions over 60 lines in common/ and in the scripts; each case's `main` has its own limit
    above, and functions that build an argparse parser are left out (none allowed);
  - attributes set on an object a function was given: `param.attr = ...` or
    `setattr(param, ...)`, where `param` is a parameter of the function other than `self` or
    `cls`, in common/ and in the scripts (none allowed).

It also prints, for information only: how many lines the two forecasting cases share in runs of
six or more identical lines (blank lines, comments and imports not counted, white space folded),
and the attributes set on an object that the same function got from a call
(`recipe = recipe_for(...)`, then `recipe.differencing = ...`).

tests/test_structure.py checks every figure of this checkout against its limit.
"""

import argparse
import ast
import functools
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORECASTING_CASES = ["case8_2_lstm", "case8_3_gru"]
TEXT_CASE = "case8_1_rnn"
MAX_PARAMETERS = 7
MAX_FUNCTION_LINES = 60

LIMITS = {
    "case8_2_lstm: lines of main": 90,
    "case8_2_lstm: line of history = model.fit( in main": 60,
    "case8_2_lstm: distinct calls into the project's modules in main": 15,
    "case8_3_gru: lines of main": 90,
    "case8_3_gru: line of history = model.fit( in main": 60,
    "case8_3_gru: distinct calls into the project's modules in main": 15,
    "case8_1_rnn: lines of main": 120,
    "compare_cells.py: lines": 650,
    "inside_the_cells.py: lines": 550,
    "README.md: lines": 300,
    "print( calls in modules (common/ but report and cli)": 0,
    "uses of redirect_stdout outside tests": 0,
    f"functions with more than {MAX_PARAMETERS} parameters": 0,
    f"records with more than {MAX_PARAMETERS} fields": 0,
    f"functions over {MAX_FUNCTION_LINES} lines (common/ and scripts)": 0,
    "attributes set on an object a function was given": 0,
}


# --- Which files count -------------------------------------------------------------------------


def project_files(root):
    """Every .py file of the project outside tests/: the scripts at the top, common/,
    benchmarks/ and data/ (not a virtual environment or an output folder inside the checkout)."""
    files = sorted(root.glob("*.py"))
    for folder in ("common", "benchmarks", "data"):
        files += sources_under(root, folder)
    return files


def sources_under(root, folder):
    """The .py files under root/folder, however deep; no cache or hidden folder."""
    return sorted(
        path
        for path in (root / folder).rglob("*.py")
        if not any(
            part == "__pycache__" or part.startswith(".") for part in path.relative_to(root).parts
        )
    )


def module_files(root):
    """Every .py file under common/, however deep."""
    return sources_under(root, "common")


def script_files(root):
    """The scripts a learner runs: the .py files at the top of the checkout."""
    return sorted(root.glob("*.py"))


def prints_allowed(root, path):
    """common/report (a module or a package) and common/cli.py may print."""
    relative = path.relative_to(root / "common")
    return relative.parts[0] in ("report", "report.py", "cli.py")


@functools.cache
def parse(path):
    """The syntax tree of a file (each file is read once per process)."""
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def where(root, path, node):
    return f"{path.relative_to(root)}:{node.lineno}"


def in_order(offenders):
    """Offenders ("path:line ...") sorted by file, then by line number."""

    def key(offender):
        place = offender.split(" ")[0]
        path, _, line = place.rpartition(":")
        return (path, int(line)) if line.isdigit() else (place, 0)

    return sorted(offenders, key=key)


@functools.cache
def nodes(path):
    """Every node of a file's syntax tree, in one list (walked once per process)."""
    return list(ast.walk(parse(path)))


def functions(path):
    """Every function and method in a file, nested ones included."""
    return [
        node for node in nodes(path) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def lines_of(node):
    """Lines from the `def` line to the last line of the body (decorators not counted)."""
    return node.end_lineno - node.lineno + 1


def find_main(tree):
    return next(
        (
            node
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "main"
        ),
        None,
    )


def dotted_name(node):
    """'forecasting.evaluate' for the expression forecasting.evaluate; None for anything else
    (a call on a call's result, a subscript, ...)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


# --- Each case's main --------------------------------------------------------------------------


def project_names(root):
    """The top-level names of the project's own modules: `common` and the scripts."""
    names = {path.stem for path in root.glob("*.py")}
    names |= {path.parent.name for path in root.glob("*/__init__.py")}
    return names


def is_module(root, dotted):
    """Whether `common.forecasting` (say) is a module or package of the checkout at root."""
    path = root.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def project_aliases(tree, root):
    """{local name: (what it stands for, whether it is a module)} for every import from the
    project's own modules.

    `from common import forecasting` gives {"forecasting": ("forecasting", True)};
    `from common.forecasting import evaluate` gives
    {"evaluate": ("forecasting.evaluate", False)};
    `import case8_2_lstm as lstm_case` gives {"lstm_case": ("lstm_case", True)}.
    """
    own = project_names(root)
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in own:
                    local = alias.asname or alias.name.split(".")[0]
                    aliases[local] = (alias.asname or alias.name, True)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] not in own:
                continue
            for alias in node.names:
                local = alias.asname or alias.name
                if is_module(root, f"{node.module}.{alias.name}"):
                    aliases[local] = (local, True)  # calls read module.function
                else:
                    aliases[local] = (f"{node.module.split('.')[-1]}.{alias.name}", False)
    return aliases


def project_calls(function, aliases):
    """The distinct calls into the project's modules made in `function`, as written
    (`forecasting.evaluate`, `windows.model_windows`), sorted. A decorator such as
    `@cli.user_errors(...)` runs when the function is defined, not in it: it does not count."""
    called = set()
    inside = [function.args, *function.body]
    for node in (each for part in inside for each in ast.walk(part)):
        name = dotted_name(node.func) if isinstance(node, ast.Call) else None
        first, _, rest = (name or "").partition(".")
        if first not in aliases:
            continue
        stands_for, module = aliases[first]
        if not module:  # a function imported by name: `evaluate(...)`
            called.add(".".join(filter(None, [stands_for, rest])))
        elif rest:  # module.function(...)
            called.add(f"{stands_for}.{rest}")
    return sorted(called)


def fit_line(main):
    """The line of `history = model.fit(` counted from the `def main` line (which is line 1);
    None when main has no such line."""
    for node in ast.walk(main):
        if (
            isinstance(node, ast.Assign)
            and any(
                isinstance(target, ast.Name) and target.id == "history" for target in node.targets
            )
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr == "fit"
        ):
            return node.lineno - main.lineno + 1
    return None


def case_figures(root, case):
    """The figures of one forecasting case's main: {name: (value, offenders)}."""
    path = root / f"{case}.py"
    if not path.exists():
        return {f"{case}: lines of main": (None, [f"{path.name} is missing"])}
    tree = parse(path)
    main = find_main(tree)
    if main is None:
        return {f"{case}: lines of main": (None, [f"{path.name} has no main"])}
    calls = project_calls(main, project_aliases(tree, root))
    return {
        f"{case}: lines of main": (lines_of(main), [f"{case}.py:{main.lineno} main"]),
        f"{case}: line of history = model.fit( in main": (fit_line(main), []),
        f"{case}: distinct calls into the project's modules in main": (len(calls), calls),
    }


def main_length(root, case):
    path = root / f"{case}.py"
    main = find_main(parse(path)) if path.exists() else None
    if main is None:
        return None, [f"{path.name}: no main"]
    return lines_of(main), [f"{case}.py:{main.lineno} main"]


def file_lines(path):
    if not path.exists():
        return None, [f"{path.name} is missing"]
    return len(path.read_text(encoding="utf-8").splitlines()), []


# --- The rules for every function ---------------------------------------------------------------


def print_calls(root):
    """Every print(...) in common/, except in common/report and common/cli.py."""
    offenders = []
    for path in module_files(root):
        if prints_allowed(root, path):
            continue
        for node in nodes(path):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "print"
            ):
                offenders.append(where(root, path, node))
    return offenders


def redirect_stdout_uses(root):
    """Every mention of redirect_stdout in code (not in strings) outside tests/."""
    offenders = []
    for path in project_files(root):
        for node in nodes(path):
            name = getattr(node, "attr", None) if isinstance(node, ast.Attribute) else None
            if isinstance(node, ast.Name):
                name = node.id
            if name == "redirect_stdout":
                offenders.append(where(root, path, node))
    return offenders


def parameter_names(function):
    """The parameters of a function, `self` and `cls` left out."""
    arguments = function.args
    names = [arg.arg for arg in arguments.posonlyargs + arguments.args + arguments.kwonlyargs]
    names += [arg.arg for arg in (arguments.vararg, arguments.kwarg) if arg is not None]
    return [name for name in names if name not in ("self", "cls")]


def is_dataclass(node):
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if dotted_name(target) in ("dataclass", "dataclasses.dataclass"):
            return True
    return False


def is_named_tuple(node):
    return any(dotted_name(base) in ("NamedTuple", "typing.NamedTuple") for base in node.bases)


def record_fields(node, records):
    """The fields a dataclass's (or NamedTuple's) generated constructor takes, the fields of a
    record it extends in the same file first."""
    fields = []
    for base in node.bases:
        fields += records.get(dotted_name(base), [])
    for statement in node.body:
        if not isinstance(statement, ast.AnnAssign) or not isinstance(statement.target, ast.Name):
            continue
        if "ClassVar" in ast.unparse(statement.annotation):
            continue
        value = statement.value
        if isinstance(value, ast.Call) and any(
            keyword.arg == "init"
            and isinstance(keyword.value, ast.Constant)
            and keyword.value.value is False
            for keyword in value.keywords
        ):
            continue
        fields.append(statement.target.id)
    return fields


def too_many_parameters(root):
    """Functions with more than MAX_PARAMETERS parameters, outside tests/."""
    offenders = []
    for path in project_files(root):
        for function in functions(path):
            count = len(parameter_names(function))
            if count > MAX_PARAMETERS:
                offenders.append(f"{where(root, path, function)} {function.name}: {count}")
    return offenders


def records_with_many_fields(root):
    """Dataclasses and NamedTuples whose generated constructor takes more than MAX_PARAMETERS
    fields, outside tests/ (issue 29: a record's constructor is no way around the limit)."""
    offenders = []
    for path in project_files(root):
        records = {}
        for node in nodes(path):
            if isinstance(node, ast.ClassDef) and (is_dataclass(node) or is_named_tuple(node)):
                records[node.name] = record_fields(node, records)
                count = len(records[node.name])
                if count > MAX_PARAMETERS:
                    offenders.append(f"{where(root, path, node)} {node.name}: {count} fields")
    return offenders


def builds_a_parser(function):
    """A function that builds an argparse parser: build_parser or any *_parser, or one that
    makes an ArgumentParser or adds arguments to one (`flag = parser.add_argument` counts)."""
    if function.name == "build_parser" or function.name.endswith("_parser"):
        return True
    parser_words = ("ArgumentParser", "add_argument", "add_argument_group")
    return any(
        (isinstance(node, ast.Attribute) and node.attr in parser_words)
        or (isinstance(node, ast.Name) and node.id in parser_words)
        for node in ast.walk(function)
    )


def long_functions(root):
    """Functions over MAX_FUNCTION_LINES lines in common/ and in the scripts; not each case's
    main (it has its own limit), nor the functions that build an argparse parser."""
    cases = {f"{case}.py" for case in [*FORECASTING_CASES, TEXT_CASE]}
    offenders = []
    for path in module_files(root) + script_files(root):
        case_main = find_main(parse(path)) if path.name in cases else None
        for function in functions(path):
            if function is case_main or lines_of(function) <= MAX_FUNCTION_LINES:
                continue
            if not builds_a_parser(function):
                offenders.append(
                    f"{where(root, path, function)} {function.name}: {lines_of(function)} lines"
                )
    return offenders


def assigned_targets(node):
    """The expressions a statement assigns to (tuples unpacked)."""
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, ast.AugAssign | ast.AnnAssign | ast.For | ast.AsyncFor):
        targets = [node.target]
    elif isinstance(node, ast.withitem):
        targets = [node.optional_vars] if node.optional_vars is not None else []
    else:
        return []
    flat = []
    while targets:
        target = targets.pop()
        if isinstance(target, ast.Tuple | ast.List):
            targets.extend(target.elts)
        elif isinstance(target, ast.Starred):
            targets.append(target.value)
        else:
            flat.append(target)
    return flat


def own_nodes(function):
    """The nodes of a function's body; a function nested in it is yielded, not entered."""
    stack = list(function.body)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))


def set_on_a_parameter(node, parameters):
    """['param.attr', ...] for each attribute of one of `parameters` that the node sets."""
    found = [
        f"{target.value.id}.{target.attr}"
        for target in assigned_targets(node)
        if isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id in parameters
    ]
    if (
        isinstance(node, ast.Call)
        and dotted_name(node.func) in ("setattr", "object.__setattr__")
        and node.args
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id in parameters
    ):
        found.append(f"setattr({node.args[0].id}, ...)")
    return found


def attributes_set_on_given_objects(root):
    """Functions in common/ and the scripts that set an attribute of an object they were given
    (a parameter other than self or cls; a nested function also sees its outer function's
    parameters, unless it binds the same name itself)."""
    offenders = []

    def visit(path, function, outer):
        body = list(own_nodes(function))
        bound = {  # a name the function binds itself hides the outer function's parameter
            target.id
            for node in body
            for target in assigned_targets(node)
            if isinstance(target, ast.Name)
        }
        parameters = set(parameter_names(function)) | (outer - bound)
        for node in body:
            for found in set_on_a_parameter(node, parameters):
                offenders.append(f"{where(root, path, node)} {function.name}: {found}")
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(path, node, parameters)

    for path in module_files(root) + script_files(root):
        for function in top_functions(parse(path)):
            visit(path, function, set())
    return offenders


def attributes_set_after_made(root):
    """Report only: attributes set on an object that the same function got from a call
    (`recipe = recipe_for(...)`, then `recipe.differencing = ...`), in common/ and the scripts.
    Issue 29 asks that records do not change after they are made; not every such line is one."""
    offenders = []
    for path in module_files(root) + script_files(root):
        for function in functions(path):
            made = set()
            for node in own_nodes(function):
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                    made |= {t.id for t in assigned_targets(node) if isinstance(t, ast.Name)}
            made -= {"self", "cls"}
            for node in own_nodes(function):
                for found in set_on_a_parameter(node, made):
                    offenders.append(f"{where(root, path, node)} {function.name}: {found}")
    return in_order(offenders)


def top_functions(tree):
    """Functions not nested in another function: module functions and methods."""
    found, stack = [], list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.append(node)
        elif isinstance(node, ast.ClassDef | ast.If | ast.Try | ast.With):
            stack.extend(ast.iter_child_nodes(node))
    return found


# --- The two forecasting cases side by side (report only) --------------------------------------


def code_lines(path):
    """The lines that count: no blank lines, comments or imports; white space folded."""
    kept, in_import = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        text = " ".join(line.split())
        if in_import:
            in_import = not text.startswith(")")
            continue
        if text.startswith(("import ", "from ")):
            in_import = text.endswith("(")
            continue
        if text and not text.startswith("#"):
            kept.append(text)
    return kept


def shared_lines(first, second, run=6):
    """Lines the two files share in runs of `run` or more identical lines."""
    matcher = SequenceMatcher(None, code_lines(first), code_lines(second), autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks() if block.size >= run)


# --- All figures -------------------------------------------------------------------------------


def measure(root=ROOT):
    """Every figure of LIMITS for the checkout at `root`: {name: (value, offenders)}.

    value is None when it cannot be measured (a file or its main is missing): that fails.
    offenders is a list of strings such as "common/forecasting.py:120 evaluate: 61 lines".
    """
    root = Path(root)
    figures = {}
    for case in FORECASTING_CASES:
        figures.update(case_figures(root, case))
    figures[f"{TEXT_CASE}: lines of main"] = main_length(root, TEXT_CASE)
    for name in ("compare_cells.py", "inside_the_cells.py", "README.md"):
        figures[f"{name}: lines"] = file_lines(root / name)
    rules = {
        "print( calls in modules (common/ but report and cli)": print_calls,
        "uses of redirect_stdout outside tests": redirect_stdout_uses,
        f"functions with more than {MAX_PARAMETERS} parameters": too_many_parameters,
        f"records with more than {MAX_PARAMETERS} fields": records_with_many_fields,
        f"functions over {MAX_FUNCTION_LINES} lines (common/ and scripts)": long_functions,
        "attributes set on an object a function was given": attributes_set_on_given_objects,
    }
    for name, rule in rules.items():
        offenders = in_order(rule(root))
        figures[name] = (len(offenders), offenders)
    for name in LIMITS:  # a figure that could not be measured
        figures.setdefault(name, (None, ["not measured: see the figures above"]))
    return figures


def within(value, limit):
    return value is not None and value <= limit


def run(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to measure")
    root = parser.parse_args(argv).root.resolve()
    figures = measure(root)
    print(f"Structure figures of {root}")
    for name, limit in LIMITS.items():
        value, offenders = figures[name]
        verdict = "ok" if within(value, limit) else "OVER"
        shown = "-" if value is None else value
        print(f"{verdict:>4}  {name}: {shown} (limit {limit})")
        if not within(value, limit) or name.endswith("in main"):
            for offender in offenders:
                print(f"        {offender}")
    cases = [root / f"{case}.py" for case in FORECASTING_CASES]
    if all(path.exists() for path in cases):
        shared = shared_lines(*cases)
        print(f"info  lines the two forecasting cases share in runs of 6 or more: {shared}")
    after_made = attributes_set_after_made(root)
    print(f"info  attributes set on an object after a call made it: {len(after_made)}")
    for offender in after_made:
        print(f"        {offender}")
    over = [name for name, limit in LIMITS.items() if not within(figures[name][0], limit)]
    print(f"{len(LIMITS) - len(over)} of {len(LIMITS)} figures within their limits")
    return over


if __name__ == "__main__":
    run()

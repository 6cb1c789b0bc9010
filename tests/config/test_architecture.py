"""The architecture of docs/architecture.md: no import cycle among the project's modules,
imports inside functions included (the layers themselves are checked by `lint-imports`)."""

import grimp


def import_cycles(package: str) -> list[list[str]]:
    """Groups of modules that import each other, directly or round about (Tarjan's SCCs)."""
    graph = grimp.build_graph(package)
    imports = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        on_stack.add(module)
        for imported in imports[module]:
            if imported not in order:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], order[imported])
        if low[module] == order[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(imports):
        if module not in order:
            visit(module)
    return cycles


def test_no_module_of_the_project_imports_itself_round_about():
    assert import_cycles("kb") == []


def test_the_check_finds_a_cycle_where_there_is_one(tmp_path, monkeypatch):
    package = tmp_path / "roundabout"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "first.py").write_text("def f():\n    from roundabout import second\n")
    (package / "second.py").write_text("from roundabout import first\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_cycles("roundabout") == [["roundabout.first", "roundabout.second"]]

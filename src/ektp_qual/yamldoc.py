"""YAML read safely, with the line of every key for error messages.

``yaml.compose`` builds only the node tree (no Python objects), so it is as safe as
``yaml.safe_load``; it also lets us reject duplicate keys, which YAML drops silently.
"""

from __future__ import annotations

import yaml

from .errors import InputError


class YamlDocument:
    """The composed YAML tree: lines of keys and the raw text of scalars."""

    def __init__(self, text: str, source: object) -> None:
        self.source = source
        try:
            self.root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            line = mark.line + 1 if mark is not None else None
            raise InputError(
                source,
                f"not valid YAML: {problem} (put quotes around text that contains "
                "':', '#', '?', ',' or brackets)",
                line,
            ) from None
        if self.root is not None:
            self._check_duplicates(self.root, "")

    def node(self, *path: object) -> yaml.Node | None:
        node = self.root
        for step in path:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == step), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                node = node.value[step] if step < len(node.value) else None
            else:
                return None
            if node is None:
                return None
        return node

    def line(self, *path: object) -> int | None:
        """Line of the key (or item) at ``path``, falling back to its parent."""
        while path:
            parent = self.node(*path[:-1])
            step = path[-1]
            if isinstance(parent, yaml.MappingNode):
                for key, _ in parent.value:
                    if key.value == step:
                        return key.start_mark.line + 1
            found = self.node(*path)
            if found is not None:
                return found.start_mark.line + 1
            path = path[:-1]
        return None

    def raw(self, *path: object) -> str | None:
        node = self.node(*path)
        return node.value if isinstance(node, yaml.ScalarNode) else None

    def error(self, problem: str, *path: object) -> InputError:
        return InputError(self.source, problem, self.line(*path))

    def _check_duplicates(self, node: yaml.Node, where: str) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if key.value in seen:
                    raise InputError(
                        self.source,
                        f"duplicate key {key.value!r}{where}",
                        key.start_mark.line + 1,
                    )
                seen.add(key.value)
                self._check_duplicates(value, f" in {key.value!r}")
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                self._check_duplicates(item, where)

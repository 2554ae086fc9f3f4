"""YAML read safely, with the line of every key for error messages.

``yaml.compose`` builds only the node tree (no Python objects), so it is as safe as
``yaml.safe_load``; it also lets us reject duplicate keys, which YAML drops silently.
Before any of that, ``check_bounded`` refuses aliases (``*name``: a few lines of anchors
that refer to each other expand into gigabytes), nesting deeper than
``limits.MAX_YAML_DEPTH`` and documents longer than ``limits.MAX_YAML_SIZE``.
"""

from __future__ import annotations

import yaml

from ..model.errors import InputError
from . import limits

_QUOTING_HINT = "put quotes around text that contains ':', '#', '?', ',' or brackets"


def safe_load(text: str, source: object, first_line: int = 1, what: str = "") -> object:
    """``yaml.safe_load`` whose every failure is an InputError with a line.

    ``first_line`` is the file line of the text's first line (front matter starts on 2).
    Values that parse but cannot be built (an impossible date such as 2013-02-30, a
    bad tag) are found again in the node tree to name their line. ``what`` names the
    part of the file in messages ("front matter").
    """
    subject = f"{what} is " if what else ""
    check_bounded(text, source, first_line, what)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        line = mark.line + first_line if mark is not None else None
        raise InputError(
            source, f"{subject}not valid YAML: {problem} ({_QUOTING_HINT})", line
        ) from None
    except RecursionError:
        raise InputError(source, f"{subject}YAML nested too deeply to read", first_line) from None
    except (ValueError, TypeError, OverflowError) as exc:
        line = _unbuildable_line(text)
        where = line + first_line - 1 if line else None
        prefix = f"{what}: " if what else ""
        raise InputError(source, f"{prefix}a value cannot be read: {exc}", where) from None


# libyaml's parser when PyYAML was built with it: the same safe constructor, much faster.
_FAST_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_with_nodes(
    text: str, source: object, first_line: int = 1, what: str = ""
) -> tuple[object, yaml.Node | None]:
    """The value of a YAML text and its node tree (for key lines), from one safe parse.

    Many small documents (a corpus's front matter) are parsed on libyaml's fast path;
    on any failure the text is read again by ``safe_load`` for its message and line.
    """
    check_bounded(text, source, first_line, what)
    loader = _FAST_SAFE_LOADER(text)
    try:
        root = loader.get_single_node()
        return (loader.construct_document(root) if root is not None else None), root
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError):
        pass
    finally:
        loader.dispose()
    value = safe_load(text, source, first_line, what)
    return value, yaml.compose(text, Loader=yaml.SafeLoader)


def check_bounded(text: str, source: object, first_line: int = 1, what: str = "") -> None:
    """Refuse YAML whose reading could take unbounded memory or time, before reading it.

    The events are scanned without building anything: an alias (``*name``, merge keys
    included) is refused wherever it is, since anchors that refer to each other grow
    exponentially when expanded and the expanded values are copied into every table row.
    Syntax errors are left to the reader, which names them better; text libyaml refuses
    is scanned again by PyYAML's own parser, which the reader may fall back on.
    """
    prefix = f"{what}: " if what else ""
    if len(text) > limits.MAX_YAML_SIZE:
        raise InputError(
            source,
            f"{prefix}YAML of {len(text):,} characters is longer than the "
            f"{limits.MAX_YAML_SIZE:,} accepted (ektp_qual.inputs.limits.MAX_YAML_SIZE)",
            first_line,
        )
    for loader_class in dict.fromkeys((_FAST_SAFE_LOADER, yaml.SafeLoader)):
        try:
            loader = loader_class(text)  # PyYAML's reader refuses control characters here
        except yaml.YAMLError:
            continue
        try:
            _scan_events(loader, source, first_line, prefix)
            return
        except yaml.YAMLError:
            continue  # libyaml refuses some text the reader accepts: scan it again
        finally:
            loader.dispose()


def _scan_events(loader: yaml.BaseLoader, source: object, first_line: int, prefix: str) -> None:
    depth = 0
    while loader.check_event():
        event = loader.get_event()
        line = event.start_mark.line + first_line if event.start_mark else first_line
        if isinstance(event, yaml.AliasEvent):
            raise InputError(
                source,
                f"{prefix}YAML aliases ('*{event.anchor}') are not accepted: write the "
                "value out in full (aliases can expand a few lines into gigabytes)",
                line,
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > limits.MAX_YAML_DEPTH:
                raise InputError(
                    source,
                    f"{prefix}YAML nested more than {limits.MAX_YAML_DEPTH} levels deep "
                    "(ektp_qual.inputs.limits.MAX_YAML_DEPTH)",
                    line,
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _unbuildable_line(text: str) -> int | None:
    """1-based line of the first scalar that safe_load cannot turn into a value."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return None
    stack = [root]
    while stack:
        node = stack.pop(0)
        if isinstance(node, yaml.ScalarNode):
            try:
                yaml.SafeLoader("").construct_object(node, deep=True)
            except (ValueError, TypeError, OverflowError, yaml.YAMLError):
                return node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
    return None


_UNBUILT = object()


def _fast_compose(text: str) -> yaml.Node | None:
    """The node tree by libyaml's parser (a codebook in milliseconds, not a quarter of a
    second); None when it fails, and PyYAML's own parser reads the text for the message."""
    if _FAST_SAFE_LOADER is yaml.SafeLoader:
        return None
    try:
        return yaml.compose(text, Loader=_FAST_SAFE_LOADER)
    except (yaml.YAMLError, RecursionError):
        return None


def _constructed(root: yaml.Node | None) -> object:
    """The value of a composed tree, by the safe constructor; ``_UNBUILT`` when a value
    cannot be built (``safe_load`` then names its line)."""
    if root is None:
        return None
    try:
        return yaml.SafeLoader("").construct_document(root)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError):
        return _UNBUILT


class YamlDocument:
    """The composed YAML tree: lines of keys and the raw text of scalars."""

    def __init__(self, text: str, source: object) -> None:
        self.source = source
        check_bounded(text, source)
        fast = _fast_compose(text)
        try:
            self.root = fast if fast is not None else yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            line = mark.line + 1 if mark is not None else None
            raise InputError(source, f"not valid YAML: {problem} ({_QUOTING_HINT})", line) from None
        except RecursionError:
            raise InputError(source, "YAML nested too deeply to read", 1) from None
        if self.root is not None:
            self._check_duplicates(self.root, "")
        self.data = _constructed(self.root) if fast is not None else None
        if fast is None or self.data is _UNBUILT:
            self.data = safe_load(text, source)

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
                if not isinstance(key, yaml.ScalarNode):
                    raise InputError(
                        self.source, f"keys must be plain text{where}", key.start_mark.line + 1
                    )
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

"""A fast, guarded YAML loader over libyaml's events; it knows nothing of seed files.

``load_all(data)`` returns what ``list(yaml.load_all(data, Loader=yaml.CSafeLoader))``
returns, about twice as fast for plain mappings, lists and scalars, and refuses what
makes YAML a denial-of-service vector:

* flow collections (``[...]``/``{...}``) and block collections nested more than
  ``MAX_FLOW_DEPTH`` levels (libyaml takes time quadratic in the depth);
* anchors and aliases (how alias bombs work);
* a key given twice in one mapping (PyYAML keeps the last one silently).

Every refusal or parse error is a ``YamlError`` with a message and, where known, a line;
``AliasError`` is the one for anchors and aliases. ``locate(data, path)`` finds the line
of a value, for error messages about a document already found bad.
"""

from __future__ import annotations

import re

import yaml
from yaml._yaml import CParser

MAX_FLOW_DEPTH = 100
ALIAS_MESSAGE = "uses YAML anchors/aliases (&name / *name)"


class YamlError(Exception):
    """The bytes are not YAML this loader accepts; ``line`` is 1-based, or None."""

    def __init__(self, message, *, line=None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self):
        return self.message


class AliasError(YamlError):
    """The document uses an anchor or an alias, which this loader refuses."""


class NeedsFullLoader(Exception):
    """The document uses a YAML feature the fast loader leaves to PyYAML (explicit tags,
    merge keys): load it with ``CSafeLoader`` instead."""


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def load_all(data: bytes) -> list:
    """Every document in ``data`` (UTF-8 bytes), guarded as the module says."""
    if data.count(b"[") + data.count(b"{") > MAX_FLOW_DEPTH:
        _refuse_deep_flow(data)
    try:
        try:
            return fast_load_all(data)
        except NeedsFullLoader:
            if b"&" in data and b"*" in data:
                _refuse_aliases(data)
            return list(yaml.load_all(data, Loader=yaml.CSafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(f"invalid YAML: {problem}", line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        position = getattr(exc, "position", None)
        if isinstance(position, int):
            line = data.decode("utf-8", "replace").count("\n", 0, position) + 1
        else:
            line = None
        raise YamlError(f"invalid YAML: {exc}", line=line) from None
    except RecursionError:
        raise YamlError("invalid YAML: nested too deeply") from None
    except (ValueError, TypeError, OverflowError) as exc:
        # The constructor refusing a value, e.g. a timestamp for 30 February.
        raise YamlError(f"invalid YAML value: {exc}") from None


def _refuse_deep_flow(data: bytes):
    """libyaml takes time quadratic in the depth of nested ``[...]``/``{...}``: a 100 KB
    file 20,000 levels deep takes seconds. Seed files nest three levels. Brackets inside
    quoted text count too, so this over-estimates, which only matters for absurd files."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(data):
        depth += 1 if match.group() in b"[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > MAX_FLOW_DEPTH:
                raise YamlError(
                    f"nested more than {MAX_FLOW_DEPTH} levels deep",
                    line=_line_of_offset(data, match.start()),
                )


_BRACKETS = re.compile(rb"[\[\]{}]")
_RESOLVERS = yaml.SafeLoader.yaml_implicit_resolvers
_WILDCARD_RESOLVERS = _RESOLVERS.get(None, [])
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_SCALAR_CONSTRUCTORS = yaml.constructor.SafeConstructor.yaml_constructors
_UNSUPPORTED_TAGS = {"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"}


def _plain_scalar(value):
    """What ``SafeLoader`` makes of an untagged plain scalar (``Resolver.resolve`` and the
    ``SafeConstructor`` of the tag it picks), without building a node graph first."""
    try:
        return _PLAIN_CACHE[value]
    except KeyError:
        pass
    result = value
    for tag, regexp in _RESOLVERS.get(value[:1], []) + _WILDCARD_RESOLVERS:
        if regexp.match(value):
            if tag in _UNSUPPORTED_TAGS:
                raise NeedsFullLoader
            result = _SCALAR_CONSTRUCTORS[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, value))
            break
    if len(value) <= 40:  # field names, numbers, dates, words: they repeat across files
        if len(_PLAIN_CACHE) > 50_000:
            _PLAIN_CACHE.clear()
        _PLAIN_CACHE[value] = result  # every result is immutable: str, int, datetime...
    return result


_PLAIN_CACHE = {}


def fast_load_all(data):
    """``list(yaml.load_all(data, Loader=yaml.CSafeLoader))`` for plain mappings, lists
    and scalars, built straight from libyaml's events.

    PyYAML's ``CSafeLoader`` parses in C but composes a node graph and constructs it in
    Python; skipping the graph roughly halves the time per file. Anything beyond that
    subset (an explicit tag, a merge key) raises ``NeedsFullLoader``. Aliases are
    refused outright (``AliasError``): refusing them defuses alias bombs.
    """
    parser = CParser(data)
    plain_cache = _PLAIN_CACHE
    documents = []
    stack = []  # open containers: [container, pending key or _NO_KEY]
    scalar_event, mapping_start, sequence_start = (
        yaml.ScalarEvent,
        yaml.MappingStartEvent,
        yaml.SequenceStartEvent,
    )
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    while True:
        event = parser.get_event()
        kind = type(event)
        if kind is scalar_event:
            if event.tag is not None:
                raise NeedsFullLoader
            value = event.value
            if event.implicit[0]:
                cached = plain_cache.get(value, _NO_KEY)
                try:
                    value = _plain_scalar(value) if cached is _NO_KEY else cached
                except (ValueError, TypeError, OverflowError) as exc:
                    # A value the resolver refuses, e.g. a timestamp for 30 February.
                    raise YamlError(
                        f"invalid YAML value: {exc}", line=event.start_mark.line + 1
                    ) from None
        elif kind is mapping_start or kind is sequence_start:
            if event.tag is not None:
                raise NeedsFullLoader
            if len(stack) >= MAX_FLOW_DEPTH:
                # Block nesting ("- - - - a"): libyaml's own limit differs between
                # versions, so the loader sets one of its own.
                raise YamlError("invalid YAML: nested too deeply", line=event.start_mark.line + 1)
            stack.append([{} if kind is mapping_start else [], _NO_KEY])
            continue
        elif kind in ends:
            value = stack.pop()[0]
        elif kind is yaml.AliasEvent:
            raise AliasError(ALIAS_MESSAGE, line=event.start_mark.line + 1)
        elif kind is yaml.StreamEndEvent:
            return documents
        else:  # stream and document start and end
            continue
        if not stack:
            documents.append(value)
            continue
        frame = stack[-1]
        container, key = frame
        if type(container) is list:
            container.append(value)
        elif key is _NO_KEY:
            if isinstance(value, dict | list):
                raise YamlError("a mapping or list used as a field name")
            if value in container and any(
                type(other) is type(value) for other in container if other == value
            ):  # 1 and true are one key in Python, two in YAML
                # YAML says keys are unique; PyYAML keeps the last, so a decoy given
                # first would be read one way here and another way elsewhere.
                raise YamlError(
                    f"the field {value!r:.60} is given twice", line=event.start_mark.line + 1
                )
            frame[1] = value
        else:
            container[key] = value
            frame[1] = _NO_KEY


_NO_KEY = object()


def _refuse_aliases(data: bytes):
    """Refuse anchors and aliases before PyYAML would expand them."""
    try:
        for event in yaml.parse(data, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise AliasError(ALIAS_MESSAGE, line=event.start_mark.line + 1)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlError(
            f"invalid YAML: {exc.problem or 'invalid YAML'}",
            line=mark.line + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}") from None


def locate(data: bytes, path) -> int | None:
    """The line of the value at ``path`` (keys and list indexes), found by composing the
    YAML again. Only called for a document already found bad, so its cost does not matter."""
    try:
        node = next(n for n in yaml.compose_all(data, Loader=yaml.CSafeLoader) if n is not None)
    except (yaml.YAMLError, StopIteration, ValueError, RecursionError):
        return None
    line = node.start_mark.line + 1
    for step in path:
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == step:
                    node, line = value, key.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            if step >= len(node.value):
                return line
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            return line
    return line

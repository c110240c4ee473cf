"""The fast YAML path must read every document exactly as ``CSafeLoader`` does."""

import pytest
import yaml

from articles.seedfiles.records import parse_seed
from articles.seedfiles.yamlload import NeedsFullLoader, YamlError, fast_load_all

from ..seedtext import render_seed, seed_record

DOCUMENTS = [
    render_seed(seed_record(1)),
    render_seed(seed_record(2, style="source")),
    "a: 1\nb: 0x1f\nc: 1_000\nd: 1.5\ne: .inf\nf: ~\ng: null\nh: yes\ni: No\nj: on\n",
    "dates: [2020-01-01, 2020-01-24T18:11:00Z, 2020-01-24 18:11:00.5 +02:00, 2020-1-2]\n",
    "octal: 017\nnew_octal: 0o17\nsexagesimal: 1:30\nneg: -12\nplus: +3\nexp: 1.0e+3\n",
    "quoted: ['1', \"true\", '~', \"2020-01-01\"]\nempty: ''\nnothing:\n",
    "literal: |\n  line one\n  line two\nfolded: >\n  folded\n  text\n",
    "flow: {a: [1, {b: c}], d: e}\n",
    "1: int key\ntrue: bool key\n~: null key\n2020-01-01: date key\n",
    "---\n- 1\n- 2\n---\nsecond: doc\n",
    "",
    "---\n---\n",
    "just a scalar\n",
    'unicode: "caf\\u00e9 \\U0001F600"\nraw: café “quotes” — dash\n',
    "anchor_only: &a 1\n",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_fast_loader_matches_csafeloader(text):
    data = text.encode()
    assert fast_load_all(data) == list(yaml.load_all(data, Loader=yaml.CSafeLoader))


@pytest.mark.parametrize("text", ["dup: 1\ndup: 2\n", "a:\n  b: 1\n  b: 2\n", "1: a\n1: b\n"])
def test_a_key_given_twice_is_refused_where_pyyaml_keeps_the_last(text):
    with pytest.raises(YamlError, match="given twice"):
        fast_load_all(text.encode())


@pytest.mark.parametrize("text", ["x: !!str 1\n", "<<: {a: 1}\nb: 2\n", "x: !!binary aGk=\n"])
def test_tags_and_merge_keys_are_left_to_pyyaml(text):
    with pytest.raises(NeedsFullLoader):
        fast_load_all(text.encode())
    assert parse_seed(text.encode()) == yaml.load(text, Loader=yaml.CSafeLoader)

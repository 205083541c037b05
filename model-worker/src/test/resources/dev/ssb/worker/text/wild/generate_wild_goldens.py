#!/usr/bin/env python3
"""Renders every *.jinja here (real chat templates of common families, see README.md) for every
case of ../cases.json with Python jinja2 configured as transformers does
(ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True), keep_trailing_newline=False,
loopcontrols, tojson = json.dumps(ensure_ascii=False), raise_exception and strftime_now globals,
the {% generation %} tag rendering its body) and writes goldens.json:
{template: {case: {"text": ...} or {"error": message}}}.

strftime_now is pinned to Friday 2026-12-04 10:30 so the goldens do not depend on the day.

Regenerate (Jinja2 3.1):
  python3 model-worker/src/test/resources/dev/ssb/worker/text/wild/generate_wild_goldens.py
"""
import datetime
import json
import os

from jinja2 import nodes
from jinja2.exceptions import TemplateError
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
NOW = datetime.datetime(2026, 12, 4, 10, 30, 0)
TOKENS = {"bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>"}


class GenerationTag(Extension):
    """transformers' AssistantTracker without the mask: {% generation %} renders its body."""
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_body"), [], [], body).set_lineno(lineno)

    def _body(self, caller):
        return caller()


def raise_exception(message):
    raise TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def main():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[loopcontrols, GenerationTag])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: NOW.strftime(fmt)
    with open(os.path.join(HERE, "..", "cases.json"), encoding="utf-8") as f:
        cases = json.load(f)
    out = {}
    for name in sorted(os.listdir(HERE)):
        if not name.endswith(".jinja"):
            continue
        with open(os.path.join(HERE, name), encoding="utf-8", newline="") as f:
            template = env.from_string(f.read())
        results = {}
        for case in cases:
            try:
                text = template.render(messages=case["messages"], tools=None, documents=None,
                                       add_generation_prompt=case["add_generation_prompt"], **TOKENS)
                results[case["name"]] = {"text": text}
            except TemplateError as e:
                results[case["name"]] = {"error": str(e)}
        out[name[:-len(".jinja")]] = results
    with open(os.path.join(HERE, "goldens.json"), "w", encoding="utf-8", newline="") as f:
        json.dump(out, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote goldens for", len(out), "templates x", len(cases), "cases")


if __name__ == "__main__":
    main()
